#include "adminevents.h"

#include "adminjson.h"
#include "wire.h"

#include "websocket.h"

#include <QJsonDocument>

namespace Admin {

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

void AdminEvents::adopt(Http::WebSocket *socket)
{
    socket->setParent(this);
    connect(socket, &Http::WebSocket::disconnected, this, [this, socket] {
        m_clients.removeIf([socket](const Client &c) { return c.socket == socket; });
        socket->deleteLater();
    });
    const QByteArray snapshot = QJsonDocument(m_snapshot()).toJson(QJsonDocument::Compact);
    m_clients.append(Client { socket, m_maxOutgoingBytes + snapshot.size() });
    socket->sendText(snapshot);
}

void AdminEvents::closeAll()
{
    const QList<Client> clients = std::exchange(m_clients, {});
    for (const Client &client : clients) {
        client.socket->disconnect(this);
        client.socket->close(Http::WebSocketProtocol::GoingAway);
        client.socket->deleteLater();
    }
}

void AdminEvents::userEvent(QLatin1StringView kind, const Balancer::UserInfo &user)
{
    broadcast(QJsonObject { { Wire::Admin::Type, Wire::Admin::EventUser }, { Wire::Admin::Event, kind },
        { Wire::Admin::User, userJson(user) } });
}

void AdminEvents::tick(const ChannelChanges &changes, const QDateTime &at)
{
    if (m_clients.isEmpty()) return;
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
    if (m_clients.isEmpty()) return;
    const QByteArray frame = QJsonDocument(event).toJson(QJsonDocument::Compact);
    const QList<Client> clients = m_clients;
    for (const Client &client : clients) {
        if (client.socket->bytesToWrite() > client.allowance) {
            client.socket->abort(); // disconnected() removes it
            continue;
        }
        client.socket->sendText(frame);
    }
}

} // namespace Admin
