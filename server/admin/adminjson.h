#pragma once

#include "clusterstate.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

// The admin API's JSON shapes (SPEC §2 Admin API): Node, User, the cluster view.
namespace Admin {

QJsonValue isoUtc(const QDateTime &time); // ISO 8601 UTC string; null when invalid
QJsonObject nodeJson(const Balancer::NodeInfo &node);
QJsonObject userJson(const Balancer::UserInfo &user);
QJsonArray usersJson(const QList<Balancer::UserInfo> &users);
QJsonObject clusterJson(const Balancer::ClusterState &state); // {"nodes": [Node], "totals": {...}}
QJsonObject statsJson(const Balancer::ClusterState &state, const QDateTime &at);

} // namespace Admin
