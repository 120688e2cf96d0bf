#pragma once

#include "channelindex.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace Bayeux {

// One channel (or pattern) with subscribers on this node, as the admin console lists it.
struct ChannelStat
{
    QString channel;
    qint64 subscribers = 0; // 0 in a change: the channel has gone
    qint64 messages = 0; // published on it since it got its first subscriber

    friend bool operator==(const ChannelStat &, const ChannelStat &) = default;
};

// Counts messages per channel and remembers which channels changed since the last report. Only
// channels with subscribers are counted, so a client publishing to made-up names grows nothing; the
// change set is bounded by the channels touched between two takeChanges() (the node reporter takes
// them every second).
class ChannelActivity final
{
public:
    void subscribersChanged(const QString &channel, const ChannelIndex &index);
    // A message on the concrete `name`: counted on it and on each pattern covering it that has
    // subscribers.
    void published(const ChannelName &name, const ChannelIndex &index);

    QList<ChannelStat> takeChanges(const ChannelIndex &index);
    QList<ChannelStat> all(const ChannelIndex &index) const;

private:
    void count(const QString &channel);

    QHash<QString, qint64> m_messages; // only channels that have subscribers
    QSet<QString> m_changed;
};

} // namespace Bayeux
