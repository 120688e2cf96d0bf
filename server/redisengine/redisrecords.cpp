#include "redisrecords.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

using namespace Qt::StringLiterals;

namespace RedisEngine {

namespace {

std::optional<QJsonObject> object(QByteArrayView json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) return std::nullopt;
    return doc.object();
}

// Lua numbers come back as JSON doubles; counts are whole and within range.
std::optional<qint64> count(const QJsonValue &v)
{
    if (!v.isDouble()) return std::nullopt;
    const double d = v.toDouble();
    if (!std::isfinite(d) || d < -1 || d > 9.0e15 || std::floor(d) != d) return std::nullopt;
    return qint64(d);
}

std::optional<UserRecord> userRecord(const QJsonObject &o)
{
    UserRecord record;
    const QJsonValue presence = o.value("p"_L1);
    // Lua writes an empty table as {}: the scripts leave "p" out then, but accept either.
    if (presence.isArray()) {
        for (const QJsonValue &entry : presence.toArray()) {
            const QJsonArray fields = entry.toArray();
            const auto sessions = count(fields.at(1));
            if (!entry.isArray() || fields.size() < 2 || !fields.at(0).isString() || !sessions) return std::nullopt;
            UserRecord::Presence p;
            p.nodeId = fields.at(0).toString();
            p.sessions = int(std::min<qint64>(*sessions, std::numeric_limits<int>::max()));
            p.transport = fields.at(2).toString();
            const QString since = fields.at(3).toString();
            if (!since.isEmpty()) p.connectedSince = QDateTime::fromString(since, Qt::ISODateWithMs).toUTC();
            record.presence.append(std::move(p));
        }
    } else if (!presence.isUndefined() && !(presence.isObject() && presence.toObject().isEmpty())) {
        return std::nullopt;
    }
    const QJsonValue reserved = o.value("r"_L1);
    if (reserved.isString())
        record.reservedNode = reserved.toString();
    else if (!reserved.isUndefined() && !reserved.isNull())
        return std::nullopt;
    if (const auto rev = count(o.value("rev"_L1))) record.revision = quint64(std::max<qint64>(0, *rev));
    if (record.presence.isEmpty() && record.reservedNode.isEmpty()) return std::nullopt; // holds no slot
    return record;
}

} // namespace

QStringList UserRecord::sessionNodes() const
{
    QStringList nodes;
    for (const Presence &p : presence)
        nodes.append(p.nodeId);
    return nodes;
}

QStringList UserRecord::privateTargets() const
{
    QStringList nodes = sessionNodes();
    if (!reservedNode.isEmpty() && !nodes.contains(reservedNode)) nodes.append(reservedNode);
    return nodes;
}

Balancer::UserInfo UserRecord::info(const QString &user) const
{
    Balancer::UserInfo info;
    info.user = user;
    info.nodeIds = sessionNodes();
    if (!reservedNode.isEmpty() && !info.nodeIds.contains(reservedNode)) info.nodeIds.append(reservedNode);
    info.nodeId = info.nodeIds.value(0);
    info.reserved = !reservedNode.isEmpty();
    if (!presence.isEmpty()) info.transport = presence.first().transport;
    for (const Presence &p : presence) {
        info.sessions += p.sessions;
        if (p.connectedSince.isValid() && (!info.connectedSince.isValid() || p.connectedSince < info.connectedSince))
            info.connectedSince = p.connectedSince;
    }
    return info;
}

std::optional<UserRecord> decodeUserRecord(QByteArrayView json)
{
    const auto o = object(json);
    return o ? userRecord(*o) : std::nullopt;
}

std::optional<NodeRecord> decodeNodeRecord(QByteArrayView json)
{
    const auto o = object(json);
    if (!o) return std::nullopt;
    NodeRecord record;
    Balancer::NodeInfo &n = record.info;
    n.id = o->value("id"_L1).toString();
    n.url = o->value("url"_L1).toString();
    const auto max = count(o->value("max"_L1));
    const auto users = count(o->value("users"_L1));
    const auto age = count(o->value("age"_L1));
    if (n.id.isEmpty() || !users || !age) return std::nullopt;
    n.maxConnection = int(std::clamp<qint64>(max.value_or(0), 0, std::numeric_limits<int>::max()));
    const QString state = o->value("state"_L1).toString();
    n.state = state == u"up"_s   ? Balancer::NodeState::Up
        : state == u"draining"_s ? Balancer::NodeState::Draining
                                 : Balancer::NodeState::Down;
    n.draining = o->value("drain"_L1).toBool();
    n.dynamic = o->value("dyn"_L1).toBool(true);
    n.users = *users;
    if (n.state != Balancer::NodeState::Down) {
        n.sessions = count(o->value("sessions"_L1)).value_or(0);
    }
    n.messagesIn = count(o->value("in"_L1)).value_or(0);
    n.messagesOut = count(o->value("out"_L1)).value_or(0);
    record.ageMs = *age;
    return record;
}

std::optional<Event> decodeEvent(QByteArrayView json)
{
    const auto o = object(json);
    if (!o) return std::nullopt;
    const QString kind = o->value("k"_L1).toString();
    Event event;
    if (kind == u"n"_s) {
        const QString id = o->value("id"_L1).toString();
        if (id.isEmpty()) return std::nullopt;
        event.node = NodeEvent { id };
        return event;
    }
    if (kind != u"u"_s) return std::nullopt;
    UserEvent user;
    user.user = o->value("u"_L1).toString();
    const auto rev = count(o->value("rev"_L1));
    if (user.user.isEmpty() || !rev) return std::nullopt;
    user.revision = quint64(std::max<qint64>(0, *rev));
    const QJsonValue record = o->value("r"_L1);
    if (record.isObject()) {
        user.record = userRecord(record.toObject());
        if (!user.record) return std::nullopt;
    } else if (!record.isUndefined()) {
        return std::nullopt;
    }
    event.user = std::move(user);
    return event;
}

} // namespace RedisEngine
