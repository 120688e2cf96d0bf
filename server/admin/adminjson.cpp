#include "adminjson.h"

#include "wire.h"

namespace Admin {

QJsonValue isoUtc(const QDateTime &time)
{
    if (!time.isValid()) return QJsonValue::Null;
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QJsonObject nodeJson(const Balancer::NodeInfo &node, const NodeRates &rates)
{
    return QJsonObject {
        { Wire::Admin::Id, node.id },
        { Wire::Admin::Url, node.url },
        { Wire::Admin::State, QString(Balancer::nodeStateName(node.state)) },
        { Wire::Admin::Dynamic, node.dynamic },
        { Wire::Admin::Sessions, node.sessions },
        { Wire::Admin::UsersKey, node.users },
        { Wire::Admin::MaxConnection, node.maxConnection },
        { Wire::Admin::MessagesIn, rates.messagesIn },
        { Wire::Admin::MessagesOut, rates.messagesOut },
    };
}

QJsonObject userJson(const Balancer::UserInfo &user)
{
    return QJsonObject {
        { Wire::Admin::User, user.user },
        { Wire::Admin::Node, user.nodeId },
        { Wire::Admin::Sessions, user.sessions },
        { Wire::Admin::Transport, user.transport },
        { Wire::Admin::ConnectedSince, isoUtc(user.connectedSince) },
    };
}

QJsonArray usersJson(const QList<Balancer::UserInfo> &users)
{
    QJsonArray out;
    for (const Balancer::UserInfo &u : users)
        out.append(userJson(u));
    return out;
}

QJsonObject channelJson(const ChannelRow &channel)
{
    return QJsonObject {
        { Wire::Admin::Channel, channel.channel },
        { Wire::Admin::Subscribers, channel.subscribers },
        { Wire::Admin::MessagesPerSecond, channel.messagesPerSecond },
    };
}

QJsonArray channelsJson(const QList<ChannelRow> &channels)
{
    QJsonArray out;
    for (const ChannelRow &c : channels)
        out.append(channelJson(c));
    return out;
}

QJsonObject clusterJson(const Balancer::ClusterState &state, const LiveStats &stats)
{
    QJsonArray nodes;
    for (const Balancer::NodeInfo &n : state.nodes())
        nodes.append(nodeJson(n, stats.nodeRates(n.id)));
    const Balancer::ClusterTotals t = state.totals();
    const NodeRates total = stats.totalRates();
    return QJsonObject {
        { Wire::Admin::Nodes, nodes },
        { Wire::Admin::Totals,
            QJsonObject {
                { Wire::Admin::Nodes, qint64(t.nodes) },
                { Wire::Admin::Sessions, t.sessions },
                { Wire::Admin::UsersKey, qint64(t.users) },
                { Wire::Admin::MessagesIn, total.messagesIn },
                { Wire::Admin::MessagesOut, total.messagesOut },
            } },
    };
}

QJsonObject statsJson(const Balancer::ClusterState &state, const LiveStats &stats, const QDateTime &at)
{
    QJsonArray nodes;
    for (const Balancer::NodeInfo &n : state.nodes()) {
        const NodeRates rates = stats.nodeRates(n.id);
        nodes.append(QJsonObject {
            { Wire::Admin::Id, n.id },
            { Wire::Admin::Sessions, n.sessions },
            { Wire::Admin::UsersKey, n.users },
            { Wire::Admin::MessagesIn, rates.messagesIn },
            { Wire::Admin::MessagesOut, rates.messagesOut },
        });
    }
    return QJsonObject {
        { Wire::Admin::Type, Wire::Admin::EventStats },
        { Wire::Admin::At, isoUtc(at) },
        { Wire::Admin::Nodes, nodes },
    };
}

} // namespace Admin
