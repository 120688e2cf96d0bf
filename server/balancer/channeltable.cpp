#include "channeltable.h"

#include <algorithm>

namespace Balancer {

void ChannelTable::apply(const QString &nodeId, const QList<ChannelPresence> &channels)
{
    if (channels.isEmpty()) return;
    QHash<QString, Figures> &table = m_byNode[nodeId];
    for (const ChannelPresence &c : channels) {
        if (c.subscribers <= 0)
            table.remove(c.channel);
        else
            table.insert(c.channel, { c.subscribers, c.messages });
    }
    if (table.isEmpty()) m_byNode.remove(nodeId);
}

void ChannelTable::dropUnlisted(const QString &nodeId, const QSet<QString> &listed)
{
    const auto table = m_byNode.find(nodeId);
    if (table == m_byNode.end()) return;
    table->removeIf([&](const auto &entry) { return !listed.contains(entry.key()); });
    if (table->isEmpty()) m_byNode.erase(table);
}

void ChannelTable::dropNode(const QString &nodeId)
{
    m_byNode.remove(nodeId);
}

QList<ChannelPresence> ChannelTable::channels() const
{
    QHash<QString, Figures> sum;
    for (const auto &table : m_byNode) {
        for (auto it = table.cbegin(); it != table.cend(); ++it) {
            Figures &f = sum[it.key()];
            f.subscribers += it->subscribers;
            f.messages += it->messages;
        }
    }
    QList<ChannelPresence> out;
    out.reserve(sum.size());
    for (auto it = sum.cbegin(); it != sum.cend(); ++it)
        out.append({ it.key(), it->subscribers, it->messages });
    return out;
}

} // namespace Balancer
