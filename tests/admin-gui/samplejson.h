#pragma once

#include "admintypes.h"
#include "wire.h"

#include <QJsonArray>
#include <QJsonObject>

// Admin API frames as the balancer writes them (SPEC §2), for feeding the models synthetic data.
namespace SampleJson {

using namespace Qt::StringLiterals;

// `users` < 0: one user per session.
inline QJsonObject node(const QString &id, const QString &state = u"up"_s, qint64 sessions = 0, qint64 max = 100,
    double in = 0, double out = 0, qint64 users = -1)
{
    return QJsonObject { { Wire::Admin::Id, id }, { Wire::Admin::Url, QString(u"http://127.0.0.1:80"_s + id) },
        { Wire::Admin::State, state }, { Wire::Admin::Dynamic, false }, { Wire::Admin::Sessions, sessions },
        { Wire::Admin::UsersKey, users < 0 ? sessions : users }, { Wire::Admin::MaxConnection, max },
        { Wire::Admin::MessagesIn, in }, { Wire::Admin::MessagesOut, out } };
}

inline QJsonObject user(const QString &name, const QString &nodeId = u"1"_s, qint64 sessions = 1,
    const QString &transport = u"long-polling"_s)
{
    return QJsonObject { { Wire::Admin::User, name }, { Wire::Admin::Node, nodeId },
        { Wire::Admin::Sessions, sessions }, { Wire::Admin::Transport, transport },
        { Wire::Admin::ConnectedSince, u"2026-11-25T10:00:00.000Z"_s } };
}

inline QJsonObject channel(const QString &name, qint64 subscribers, double rate = 0)
{
    return QJsonObject { { Wire::Admin::Channel, name }, { Wire::Admin::Subscribers, subscribers },
        { Wire::Admin::MessagesPerSecond, rate } };
}

inline QJsonObject snapshot(const QJsonArray &nodes, const QJsonArray &users, const QJsonArray &channels = {})
{
    return QJsonObject { { Wire::Admin::Type, Wire::Admin::EventSnapshot },
        { Wire::Admin::ClusterKey,
            QJsonObject { { Wire::Admin::Nodes, nodes },
                { Wire::Admin::Totals, QJsonObject { { Wire::Admin::Nodes, qint64(nodes.size()) } } } } },
        { Wire::Admin::UsersKey, users }, { Wire::Admin::ChannelsKey, channels } };
}

inline QJsonObject stats(const QString &at, const QJsonArray &nodes)
{
    return QJsonObject { { Wire::Admin::Type, Wire::Admin::EventStats }, { Wire::Admin::At, at },
        { Wire::Admin::Nodes, nodes } };
}

// `users` < 0: left out, as an older balancer's frames do.
inline QJsonObject nodeStats(const QString &id, qint64 sessions, double in, double out, qint64 users = -1)
{
    QJsonObject o { { Wire::Admin::Id, id }, { Wire::Admin::Sessions, sessions }, { Wire::Admin::MessagesIn, in },
        { Wire::Admin::MessagesOut, out } };
    if (users >= 0) o.insert(Wire::Admin::UsersKey, users);
    return o;
}

inline AdminGui::ClusterSnapshot parsedSnapshot(const QJsonObject &object)
{
    return AdminGui::parseSnapshot(object).value();
}

inline AdminGui::UserEvent userEvent(const QString &event, const QJsonObject &userJson)
{
    return { AdminGui::parseUserEventKind(event).value(), AdminGui::parseUser(userJson).value() };
}

inline AdminGui::ChannelEvent channelEvent(const QString &event, const QJsonObject &channelJson)
{
    return { AdminGui::parseChannelEventKind(event).value(), AdminGui::parseChannel(channelJson).value() };
}

} // namespace SampleJson
