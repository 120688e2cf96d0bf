#include "channelindex.h"

namespace Bayeux {

bool ChannelIndex::subscribe(const ChannelName &channel, Session *session)
{
    auto it = m_subscribers.find(channel.toString());
    if (it == m_subscribers.end()) {
        it = m_subscribers.insert(channel.toString(), {});
        if (channel.isWildcard()) ++m_patternCount;
    } else if (it->contains(session)) {
        return false;
    }
    it->insert(session);
    return true;
}

bool ChannelIndex::unsubscribe(const QString &channel, Session *session)
{
    const auto it = m_subscribers.find(channel);
    if (it == m_subscribers.end() || !it->remove(session)) return false;
    if (it->isEmpty()) {
        m_subscribers.erase(it);
        if (isPattern(channel)) --m_patternCount;
    }
    return true;
}

QList<Session *> ChannelIndex::subscribers(const ChannelName &channel) const
{
    QList<Session *> result;
    forEachSubscriber(channel, [&result](Session *session) { result.append(session); });
    return result;
}

qsizetype ChannelIndex::subscriberCount(const QString &channelOrPattern) const
{
    const auto it = m_subscribers.constFind(channelOrPattern);
    return it == m_subscribers.cend() ? 0 : it->size();
}

} // namespace Bayeux
