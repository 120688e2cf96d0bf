#include "livestats.h"

#include <algorithm>
#include <cmath>

namespace Admin {

namespace {
double roundTenth(double value)
{
    return std::round(value * 10) / 10;
}
} // namespace

double LiveStats::rate(qint64 previous, qint64 now, double seconds)
{
    if (seconds <= 0) return 0;
    const qint64 delta = now >= previous ? now - previous : now;
    return roundTenth(double(delta) / seconds);
}

ChannelChanges LiveStats::sample(
    qint64 nowMs, const QList<Balancer::NodeInfo> &nodes, const QList<Balancer::ChannelPresence> &channels)
{
    // The first sample has nothing to compare with: every rate is 0 until the second one.
    const double seconds = m_lastSample < 0 ? 0 : double(nowMs - m_lastSample) / 1000;
    m_lastSample = nowMs;

    QHash<QString, std::pair<qint64, qint64>> counters;
    QHash<QString, NodeRates> nodeRates;
    for (const Balancer::NodeInfo &node : nodes) {
        const auto [in, out] = m_nodeCounters.value(node.id, { node.messagesIn, node.messagesOut });
        counters.insert(node.id, { node.messagesIn, node.messagesOut });
        nodeRates.insert(node.id, { rate(in, node.messagesIn, seconds), rate(out, node.messagesOut, seconds) });
    }
    m_nodeCounters = std::move(counters);
    m_nodeRates = std::move(nodeRates);

    ChannelChanges changes;
    QHash<QString, qint64> messages;
    QHash<QString, ChannelRow> rows;
    messages.reserve(channels.size());
    rows.reserve(channels.size());
    for (const Balancer::ChannelPresence &c : channels) {
        const auto before = m_channelMessages.constFind(c.channel);
        const double perSecond = before == m_channelMessages.cend() ? 0 : rate(*before, c.messages, seconds);
        const ChannelRow row { c.channel, c.subscribers, perSecond };
        const auto old = m_channels.constFind(c.channel);
        if (old == m_channels.cend())
            changes.added.append(row);
        else if (!(*old == row))
            changes.changed.append(row);
        messages.insert(c.channel, c.messages);
        rows.insert(c.channel, row);
    }
    for (auto it = m_channels.cbegin(); it != m_channels.cend(); ++it) {
        if (!rows.contains(it.key())) changes.removed.append(*it);
    }
    m_channelMessages = std::move(messages);
    m_channels = std::move(rows);
    return changes;
}

NodeRates LiveStats::totalRates() const
{
    NodeRates total;
    for (const NodeRates &r : m_nodeRates) {
        total.messagesIn += r.messagesIn;
        total.messagesOut += r.messagesOut;
    }
    return total;
}

QList<ChannelRow> LiveStats::channels() const
{
    QList<ChannelRow> rows = m_channels.values();
    std::sort(rows.begin(), rows.end(), [](const ChannelRow &a, const ChannelRow &b) { return a.channel < b.channel; });
    return rows;
}

} // namespace Admin
