#pragma once

#include "clustertypes.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace Balancer {

// Which channels have subscribers on which node, from the nodes' reports, summed over the cluster
// for the admin console. A node's entries go when it goes down.
class ChannelTable final
{
public:
    // Each entry updates one channel of the node; an entry with 0 subscribers removes it.
    void apply(const QString &nodeId, const QList<ChannelPresence> &channels);
    // The end of the node's full list: its channels not listed are gone.
    void dropUnlisted(const QString &nodeId, const QSet<QString> &listed);
    void dropNode(const QString &nodeId);
    // Every channel with subscribers somewhere: subscribers and message counts summed over nodes.
    QList<ChannelPresence> channels() const;

private:
    struct Figures
    {
        qint64 subscribers = 0;
        qint64 messages = 0;
    };
    QHash<QString, QHash<QString, Figures>> m_byNode; // node id -> channel -> figures
};

} // namespace Balancer
