#pragma once

#include "redisconnection.h"

#include <QByteArray>
#include <QList>

namespace Redis {

// A Lua script run by its SHA1 (EVALSHA), so that its source crosses the network once per Redis
// lifetime; when Redis has forgotten it (NOSCRIPT: restarted empty, SCRIPT FLUSH, a new master after
// a failover) it is loaded again and run, without the caller noticing.
class Script final
{
public:
    explicit Script(QByteArray source);

    const QByteArray &source() const { return m_source; }
    // Lowercase hex, as SCRIPT LOAD answers it.
    const QByteArray &sha1() const { return m_sha1; }

    // EVALSHA sha1 numkeys keys... args...; `done` is called exactly once, as for Connection::command.
    // The Script may go before the reply comes; `connection` may not.
    void run(Connection &connection, const QList<QByteArray> &keys, const QList<QByteArray> &args,
        Connection::Callback done) const;

private:
    QByteArray m_source;
    QByteArray m_sha1;
};

} // namespace Redis
