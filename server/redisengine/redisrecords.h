#pragma once

#include "clustertypes.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

// The JSON records the Lua scripts keep in Redis (scripts/prelude.lua), read back into the
// balancer's value types. Plain functions: what Redis holds may be garbage (another program, a
// typo), so every reader says nullopt rather than trusting a shape.
namespace RedisEngine {

// P:users: a user's slots. `presence` oldest first: the first is where cometdurl sends it.
struct UserRecord
{
    struct Presence
    {
        QString nodeId;
        int sessions = 0;
        QString transport;
        QDateTime connectedSince; // UTC; invalid when not reported
    };
    QList<Presence> presence;
    QString reservedNode; // empty: no pending reservation
    quint64 revision = 0; // P:rev when it was written: orders a record against change events

    Balancer::UserInfo info(const QString &user) const;
    QStringList sessionNodes() const;
    QStringList privateTargets() const; // ClusterState::privateTargetsOf()
};

std::optional<UserRecord> decodeUserRecord(QByteArrayView json);

// One entry of scripts/nodes.lua: a node as the cluster sees it now. `ageMs` is the time since its
// last report on Redis' clock (-1: never), which the caller turns into its own clock.
struct NodeRecord
{
    Balancer::NodeInfo info;
    qint64 ageMs = -1;
};

std::optional<NodeRecord> decodeNodeRecord(QByteArrayView json);

// A message on P:events: a user's record changed (record set) or it holds no slot any more.
struct UserEvent
{
    QString user;
    std::optional<UserRecord> record;
    quint64 revision = 0;
};
struct NodeEvent
{
    QString nodeId;
};
struct Event
{
    std::optional<UserEvent> user;
    std::optional<NodeEvent> node;
};
std::optional<Event> decodeEvent(QByteArrayView json);

} // namespace RedisEngine
