#include "adminevents.h"

#include "adminjson.h"
#include "wire.h"

#include <QJsonDocument>
#include <QWebSocket>

namespace Admin {

namespace {
constexpr int StatsIntervalMs = 1000;
constexpr qint64 MaxBufferedBytes = 4 * 1024 * 1024; // a consumer that stops reading is dropped
} // namespace

AdminEvents::AdminEvents(Balancer::ClusterState *state, SnapshotSource snapshot, QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_snapshot(std::move(snapshot))
{
    m_stats.setInterval(StatsIntervalMs);
    connect(
        &m_stats, &QTimer::timeout, this, [this] { broadcast(statsJson(*m_state, QDateTime::currentDateTimeUtc())); });
    connect(m_state, &Balancer::ClusterState::nodeChanged, this, [this](const Balancer::NodeInfo &node) {
        broadcast(QJsonObject { { Wire::Admin::Type, Wire::Admin::EventNode }, { Wire::Admin::Node, nodeJson(node) } });
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
        if (m_sockets.isEmpty()) m_stats.stop();
    });
    socket->sendTextMessage(QString::fromUtf8(QJsonDocument(m_snapshot()).toJson(QJsonDocument::Compact)));
    if (!m_stats.isActive()) m_stats.start();
}

void AdminEvents::closeAll()
{
    m_stats.stop();
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
