#include "adminevents.h"

#include "adminjson.h"
#include "wire.h"

#include <QJsonDocument>
#include <QWebSocket>

namespace Admin {

namespace {
constexpr qint64 MaxBufferedBytes = 4 * 1024 * 1024; // a consumer that stops reading is dropped
} // namespace

AdminEvents::AdminEvents(
    Balancer::ClusterState *state, const LiveStats *stats, SnapshotSource snapshot, QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_stats(stats)
    , m_snapshot(std::move(snapshot))
{
    connect(m_state, &Balancer::ClusterState::nodeChanged, this, [this](const Balancer::NodeInfo &node) {
        broadcast(QJsonObject { { Wire::Admin::Type, Wire::Admin::EventNode },
            { Wire::Admin::Node, nodeJson(node, m_stats->nodeRates(node.id)) } });
    });
    connect(m_state, &Balancer::ClusterState::userJoined, this,
        [this](const Balancer::UserInfo &user) { userEvent(Wire::Admin::Joined, user); });
    connect(m_state, &Balancer::ClusterState::userLeft, this,
        [this](const Balancer::UserInfo &user) { userEvent(Wire::Admin::Left, user); });
    connect(m_state, &Balancer::ClusterState::userChanged, this,
        [this](const Balancer::UserInfo &user) { userEvent(Wire::Admin::Changed, user); });
}

AdminEvents::~AdminEvents()
{
    closeAll();
}

void AdminEvents::adopt(QWebSocket *socket)
{
    socket->setParent(this);
    m_sockets.append(socket);
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        m_sockets.removeOne(socket);
        socket->deleteLater();
    });
    socket->sendTextMessage(QString::fromUtf8(QJsonDocument(m_snapshot()).toJson(QJsonDocument::Compact)));
}

void AdminEvents::closeAll()
{
    const QList<QWebSocket *> sockets = std::exchange(m_sockets, {});
    for (QWebSocket *socket : sockets) {
        socket->disconnect(this);
        socket->close(QWebSocketProtocol::CloseCodeGoingAway);
        socket->deleteLater();
    }
}

void AdminEvents::userEvent(QLatin1StringView kind, const Balancer::UserInfo &user)
{
    broadcast(QJsonObject { { Wire::Admin::Type, Wire::Admin::EventUser }, { Wire::Admin::Event, kind },
        { Wire::Admin::User, userJson(user) } });
}

void AdminEvents::tick(const ChannelChanges &changes, const QDateTime &at)
{
    if (m_sockets.isEmpty()) return;
    channelEvents(Wire::Admin::Added, changes.added);
    channelEvents(Wire::Admin::Changed, changes.changed);
    channelEvents(Wire::Admin::Removed, changes.removed);
    broadcast(statsJson(*m_state, *m_stats, at));
}

void AdminEvents::channelEvents(QLatin1StringView kind, const QList<ChannelRow> &channels)
{
    for (const ChannelRow &channel : channels) {
        broadcast(QJsonObject { { Wire::Admin::Type, Wire::Admin::EventChannel }, { Wire::Admin::Event, kind },
            { Wire::Admin::Channel, channelJson(channel) } });
    }
}

void AdminEvents::broadcast(const QJsonObject &event)
{
    if (m_sockets.isEmpty()) return;
    const QString frame = QString::fromUtf8(QJsonDocument(event).toJson(QJsonDocument::Compact));
    const QList<QWebSocket *> sockets = m_sockets;
    for (QWebSocket *socket : sockets) {
        if (socket->bytesToWrite() > MaxBufferedBytes) {
            socket->abort(); // disconnected() removes it
            continue;
        }
        socket->sendTextMessage(frame);
    }
}

} // namespace Admin
