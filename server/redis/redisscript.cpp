#include "redisscript.h"

#include <QCryptographicHash>

namespace Redis {

Script::Script(QByteArray source)
    : m_source(std::move(source))
    , m_sha1(QCryptographicHash::hash(m_source, QCryptographicHash::Sha1).toHex())
{ }

void Script::run(Connection &connection, const QList<QByteArray> &keys, const QList<QByteArray> &args,
    Connection::Callback done) const
{
    QList<QByteArray> evalsha { "EVALSHA", m_sha1, QByteArray::number(keys.size()) };
    evalsha << keys << args;
    connection.command(
        evalsha, [&connection, evalsha, source = m_source, done = std::move(done)](const Reply &reply) mutable {
            if (!reply.isError() || !reply.text.startsWith("NOSCRIPT")) {
                done(reply);
                return;
            }
            connection.command({ "SCRIPT", "LOAD", source },
                [&connection, evalsha, done = std::move(done)](const Reply &loaded) mutable {
                    if (loaded.isError()) {
                        done(loaded);
                        return;
                    }
                    connection.command(evalsha, std::move(done));
                });
        });
}

} // namespace Redis
