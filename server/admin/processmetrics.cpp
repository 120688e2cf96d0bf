#include "processmetrics.h"

#include "wire.h"

using namespace Qt::StringLiterals;

namespace Admin {

void appendNodeMetrics(MetricsFormatter &out, const NodeSample &s)
{
    using namespace Wire::Metrics;
    out.gauge(Sessions, "Live Bayeux sessions on this node."_L1, double(s.sessions));
    out.gauge(Users, "Distinct users with a live session on this node."_L1, double(s.users));
    out.gauge(HeldConnects, "/meta/connect requests held open."_L1, double(s.heldConnects));
    out.gauge(QueuedMessages, "Messages waiting in session queues."_L1, double(s.queuedMessages));
    out.counter(Deliveries, "Messages handed to transports since start."_L1, double(s.deliveries));
    out.counter(
        DroppedMessages, "Messages dropped from full session queues since start."_L1, double(s.droppedMessages));
    out.gauge(HttpConnections, "Open HTTP connections."_L1, double(s.httpConnections));
    out.gauge(WebSocketConnections, "Open Bayeux WebSocket connections."_L1, double(s.webSocketConnections));
}

void appendClusterMetrics(
    MetricsFormatter &out, const QList<Balancer::NodeInfo> &nodes, const Balancer::ClusterTotals &totals)
{
    using namespace Wire::Metrics;
    for (const Balancer::NodeInfo &n : nodes) {
        const MetricsFormatter::Labels labels { { QString(NodeLabel), n.id } };
        out.gauge(NodeSessions, "Sessions on the node as last reported."_L1, double(n.sessions), labels);
        out.gauge(NodeUsers, "Slots in use on the node."_L1, double(n.users), labels);
        out.gauge(NodeUp, "1 when the node is up or draining, 0 when down."_L1,
            n.state == Balancer::NodeState::Down ? 0.0 : 1.0, labels);
        // Separate from cometd_node_up, so an alert on "no capacity left" can tell a drain the
        // operator asked for from a node gone silent.
        out.gauge(NodeDraining, "1 while the node is draining: alive, taking no new users."_L1,
            n.state == Balancer::NodeState::Draining ? 1.0 : 0.0, labels);
    }
    out.gauge(ClusterNodes, "Known nodes."_L1, double(totals.nodes));
    out.gauge(ClusterLiveNodes, "Nodes up or draining."_L1, double(totals.liveNodes));
    out.gauge(ClusterSessions, "Sessions over all nodes."_L1, double(totals.sessions));
    out.gauge(ClusterUsers, "Distinct users holding a slot."_L1, double(totals.users));
    out.counter(ClusterMessagesIn, "Messages received by the nodes, as last reported."_L1, double(totals.messagesIn));
    out.counter(ClusterMessagesOut, "Messages sent by the nodes, as last reported."_L1, double(totals.messagesOut));
}

} // namespace Admin
