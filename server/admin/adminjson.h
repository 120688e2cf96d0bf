#pragma once

#include "clusterstate.h"
#include "livestats.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

// The admin API's JSON shapes (SPEC §2 Admin API): Node, User, the cluster view.
namespace Admin {

QJsonValue isoUtc(const QDateTime &time); // ISO 8601 UTC string; null when invalid
// messagesIn/messagesOut are rates: per second over the last second (LiveStats).
QJsonObject nodeJson(const Balancer::NodeInfo &node, const NodeRates &rates);
QJsonObject userJson(const Balancer::UserInfo &user);
QJsonArray usersJson(const QList<Balancer::UserInfo> &users);
QJsonObject channelJson(const ChannelRow &channel);
QJsonArray channelsJson(const QList<ChannelRow> &channels);
// {"nodes": [Node], "totals": {...}}
QJsonObject clusterJson(const Balancer::ClusterState &state, const LiveStats &stats);
QJsonObject statsJson(const Balancer::ClusterState &state, const LiveStats &stats, const QDateTime &at);

} // namespace Admin
