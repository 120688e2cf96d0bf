#pragma once

#include "clustertypes.h"

#include <QHash>
#include <QList>
#include <QString>

namespace Admin {

// A channel as the admin API lists it (SPEC §2): subscribers now, messages per second over the last
// sampling period.
struct ChannelRow
{
    QString channel;
    qint64 subscribers = 0;
    double messagesPerSecond = 0;

    friend bool operator==(const ChannelRow &, const ChannelRow &) = default;
};

struct NodeRates
{
    double messagesIn = 0; // per second over the last sampling period
    double messagesOut = 0;
};

// What changed in the channel list between two samples, for the events stream.
struct ChannelChanges
{
    QList<ChannelRow> added;
    QList<ChannelRow> changed;
    QList<ChannelRow> removed; // as last listed
};

// Turns the cumulative counters that nodes report into the per-second rates the admin API shows,
// by sampling them once a second. Plain class: the caller owns the clock and the timer.
class LiveStats final
{
public:
    ChannelChanges sample(
        qint64 nowMs, const QList<Balancer::NodeInfo> &nodes, const QList<Balancer::ChannelPresence> &channels);

    NodeRates nodeRates(const QString &nodeId) const { return m_nodeRates.value(nodeId); }
    NodeRates totalRates() const;
    QList<ChannelRow> channels() const; // sorted by name

private:
    // The rate since the previous sample; a counter that went backwards (the node restarted) counts
    // from zero.
    static double rate(qint64 previous, qint64 now, double seconds);

    qint64 m_lastSample = -1;
    QHash<QString, std::pair<qint64, qint64>> m_nodeCounters; // messages in, out as last sampled
    QHash<QString, NodeRates> m_nodeRates;
    QHash<QString, qint64> m_channelMessages;
    QHash<QString, ChannelRow> m_channels;
};

} // namespace Admin
