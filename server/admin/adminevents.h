#pragma once

#include "clusterstate.h"
#include "livestats.h"

#include <QJsonObject>
#include <QList>
#include <QObject>

#include <functional>

namespace Http {
class WebSocket;
}

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

    // A console that does not read what it is sent is dropped once more than this waits for it
    // beyond its snapshot (it reconnects and gets a new snapshot).
    void setMaxOutgoingBytes(qint64 bytes) { m_maxOutgoingBytes = bytes; }

    // Takes ownership of an upgraded socket and sends it the snapshot.
    void adopt(Http::WebSocket *socket);
    void closeAll();
    void tick(const ChannelChanges &changes, const QDateTime &at);
    qsizetype clientCount() const { return m_clients.size(); }

private:
    void broadcast(const QJsonObject &event);
    void userEvent(QLatin1StringView kind, const Balancer::UserInfo &user);
    void channelEvents(QLatin1StringView kind, const QList<ChannelRow> &channels);

    Balancer::ClusterState *m_state;
    const LiveStats *m_stats;
    SnapshotSource m_snapshot;
    struct Client
    {
        Http::WebSocket *socket;
        qint64 allowance; // bytes it may leave unread: the budget plus its snapshot
    };
    QList<Client> m_clients;
    qint64 m_maxOutgoingBytes = 1048576;
};

} // namespace Admin
