#pragma once

#include "clusterstate.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>

class QWebSocket;

namespace Admin {

// The admin events WebSocket (SPEC §2): a snapshot on connect, then node and user events as the
// cluster state signals them, and a stats frame every second, one JSON object per text frame.
class AdminEvents final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AdminEvents)
public:
    using SnapshotSource = std::function<QJsonObject()>;

    AdminEvents(Balancer::ClusterState *state, SnapshotSource snapshot, QObject *parent = nullptr);
    ~AdminEvents() override;

    void adopt(QWebSocket *socket);
    void closeAll();
    qsizetype clientCount() const { return m_sockets.size(); }

private:
    void broadcast(const QJsonObject &event);
    void userEvent(QLatin1StringView kind, const Balancer::UserInfo &user);

    Balancer::ClusterState *m_state;
    SnapshotSource m_snapshot;
    QList<QWebSocket *> m_sockets;
    QTimer m_stats;
};

} // namespace Admin
