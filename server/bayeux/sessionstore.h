#pragma once

#include "session.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <memory>
#include <unordered_map>

namespace Bayeux {

// Owns the sessions of a node, by clientId and by user (several sessions per user: browser tabs).
class SessionStore final
{
    Q_DISABLE_COPY_MOVE(SessionStore)
public:
    // `stats` is handed to every session queue; it must outlive the store.
    explicit SessionStore(QueueStats *stats = nullptr);
    ~SessionStore();

    Session *create(const QString &user, QLatin1StringView transport, QueueLimits queueLimits);
    Session *find(const QByteArray &clientId) const;
    // Removes the session from the store and hands it to the caller.
    std::unique_ptr<Session> take(const QByteArray &clientId);

    const QList<Session *> &sessionsOf(const QString &user) const; // empty when the user has none
    bool hasUser(const QString &user) const { return m_byUser.contains(user); }
    qsizetype sessionCount() const { return qsizetype(m_sessions.size()); }
    qsizetype userCount() const { return m_byUser.size(); }

    template<typename Function> void forEach(Function function) const
    {
        for (const auto &entry : m_sessions)
            function(entry.second.get());
    }

    // 128 random bits from the system generator, base64url without padding (22 characters): for
    // clientIds, and for anything else a client must not guess (the transports' browser ids).
    static QByteArray newRandomId();

private:
    std::unordered_map<QByteArray, std::unique_ptr<Session>> m_sessions;
    QHash<QString, QList<Session *>> m_byUser;
    QueueStats *m_stats;
};

} // namespace Bayeux
