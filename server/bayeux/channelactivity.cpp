#include "channelactivity.h"

namespace Bayeux {

void ChannelActivity::subscribersChanged(const QString &channel, const ChannelIndex &index)
{
    if (!index.hasSubscribers(channel)) m_messages.remove(channel);
    m_changed.insert(channel);
}

void ChannelActivity::count(const QString &channel)
{
    ++m_messages[channel];
    m_changed.insert(channel);
}

void ChannelActivity::published(const ChannelName &name, const ChannelIndex &index)
{
    if (index.hasSubscribers(name.toString())) count(name.toString());
    if (!index.hasPatterns()) return;
    for (const QString &pattern : name.matchingPatterns()) {
        if (index.hasSubscribers(pattern)) count(pattern);
    }
}

QList<ChannelStat> ChannelActivity::takeChanges(const ChannelIndex &index)
{
    QList<ChannelStat> changes;
    changes.reserve(m_changed.size());
    for (const QString &channel : std::as_const(m_changed))
        changes.append({ channel, index.subscriberCount(channel), m_messages.value(channel) });
    m_changed.clear();
    return changes;
}

QList<ChannelStat> ChannelActivity::all(const ChannelIndex &index) const
{
    QList<ChannelStat> channels;
    const QStringList names = index.channels();
    channels.reserve(names.size());
    for (const QString &channel : names)
        channels.append({ channel, index.subscriberCount(channel), m_messages.value(channel) });
    return channels;
}

} // namespace Bayeux
