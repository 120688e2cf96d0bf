#pragma once

#include "clusterstate.h"
#include "livestats.h"

#include <QJsonObject>
#include <QList>
#include <QObject>

#include <functional>

class QWebSocket;

namespace Admin {

// The admin events WebSocket (SPEC §2): a snapshot on connect, then node and user events as the
// cluster state signals them, and on each tick (every second) the channel changes and a stats frame;
// one JSON object per text frame.
class AdminEvents final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AdminEvents)
public:
    using SnapshotSource = std::function<QJsonObject()>;

    AdminEvents(
        Balancer::ClusterState *state, const LiveStats *stats, SnapshotSource snapshot, QObject *parent = nullptr);
    ~AdminEvents() override;

    void adopt(QWebSocket *socket);
    void closeAll();
    void tick(const ChannelChanges &changes, const QDateTime &at);
    qsizetype clientCount() const { return m_sockets.size(); }

private:
    void broadcast(const QJsonObject &event);
    void userEvent(QLatin1StringView kind, const Balancer::UserInfo &user);
    void channelEvents(QLatin1StringView kind, const QList<ChannelRow> &channels);

    Balancer::ClusterState *m_state;
    const LiveStats *m_stats;
    SnapshotSource m_snapshot;
    QList<QWebSocket *> m_sockets;
};

} // namespace Admin
