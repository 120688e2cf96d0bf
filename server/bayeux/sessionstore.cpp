#include "sessionstore.h"

#include <QRandomGenerator>

namespace Bayeux {

SessionStore::SessionStore(QueueStats *stats)
    : m_stats(stats)
{ }

SessionStore::~SessionStore() = default;

QByteArray SessionStore::newRandomId()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QByteArray(reinterpret_cast<const char *>(words), sizeof(words))
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

Session *SessionStore::create(const QString &user, QLatin1StringView transport, QueueLimits queueLimits)
{
    QByteArray clientId = newRandomId();
    while (m_sessions.contains(clientId)) // 2^-128 per pair, but cheap to rule out
        clientId = newRandomId();
    auto session = std::make_unique<Session>(clientId, user, transport, queueLimits, m_stats);
    Session *raw = session.get();
    m_sessions.emplace(clientId, std::move(session));
    m_byUser[user].append(raw);
    return raw;
}

Session *SessionStore::find(const QByteArray &clientId) const
{
    const auto it = m_sessions.find(clientId);
    return it == m_sessions.end() ? nullptr : it->second.get();
}

std::unique_ptr<Session> SessionStore::take(const QByteArray &clientId)
{
    const auto it = m_sessions.find(clientId);
    if (it == m_sessions.end()) return nullptr;
    std::unique_ptr<Session> session = std::move(it->second);
    m_sessions.erase(it);
    const auto userIt = m_byUser.find(session->user);
    if (userIt != m_byUser.end()) {
        userIt->removeOne(session.get());
        if (userIt->isEmpty()) m_byUser.erase(userIt);
    }
    return session;
}

const QList<Session *> &SessionStore::sessionsOf(const QString &user) const
{
    static const QList<Session *> none;
    const auto it = m_byUser.constFind(user);
    return it == m_byUser.cend() ? none : *it;
}

} // namespace Bayeux
