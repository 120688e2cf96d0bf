#pragma once

#include "clustertypes.h"
#include "metricsformatter.h"

// What /metrics shows (SPEC §2): a node's engine and connections, a balancer's view per node.
namespace Admin {

struct NodeSample
{
    qint64 sessions = 0;
    qint64 users = 0;
    qint64 heldConnects = 0;
    qint64 queuedMessages = 0;
    qint64 deliveries = 0;
    qint64 droppedMessages = 0;
    qint64 httpConnections = 0;
    qint64 webSocketConnections = 0;
};

void appendNodeMetrics(MetricsFormatter &out, const NodeSample &sample);
void appendClusterMetrics(
    MetricsFormatter &out, const QList<Balancer::NodeInfo> &nodes, const Balancer::ClusterTotals &totals);

} // namespace Admin
