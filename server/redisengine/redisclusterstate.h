#pragma once

#include "clusterstate.h"
#include "nodeconfig.h"
#include "redisrecords.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QTimer>

#include <functional>
#include <map>

namespace Redis {
class Connection;
class Subscriber;
} // namespace Redis

namespace RedisEngine {

// Runs one node report through scripts/report.lua (nodes on Redis call it themselves; a balancer
// calls it for a report that reached it over HTTP). Checks what NodeRegistry checks first.
void sendReport(Redis::Connection *redis, const QByteArray &prefix, qint64 nodeTimeoutMs,
    const Balancer::NodeReport &report, Balancer::ClusterState::ReportDone done);

struct StateOptions
{
    QString prefix = QStringLiteral("cometd");
    qint64 nodeTimeoutMs = 3000; // SPEC §2
    qint64 reservationTimeoutMs = 30000;
    QList<NodeConfig::NodeEntry> configured; // this balancer's `nodes`, in placement order
    int nodesRefreshMs = 200; // the admin view follows a node change within 1 s (SPEC §6)
    int channelsRefreshMs = 500;
    // A node silent for the timeout is down at most this much later, on every balancer at once.
    int expireEveryMs = 100;
};

// The cluster state of SPEC §6, shared by any number of balancers through Redis. Every change is
// one Lua script (scripts/), so capacity is counted once whichever balancer is asked. Reads are
// answered from a view this balancer keeps in step: users from the change events every script
// publishes (P:events) on top of a scan when the subscription (re)starts; nodes and channels by a
// short poll. Expiry runs here on a timer, on Redis' clock; any balancer running it is enough.
class RedisClusterState final : public Balancer::ClusterState
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RedisClusterState)
public:
    // `redis` carries commands (shared with the process's other Redis users); `events` is a
    // subscriber on P:events that this state drives.
    RedisClusterState(
        Redis::Connection *redis, Redis::Subscriber *events, StateOptions options, QObject *parent = nullptr);
    ~RedisClusterState() override;

    void place(const QString &user, qint64 now, PlaceDone done) override;
    void release(const QString &user, ReleaseDone done) override;
    void report(const Balancer::NodeReport &report, qint64 now, ReportDone done) override;
    void drain(const QString &nodeId, NodeDone done) override;
    void undrain(const QString &nodeId, NodeDone done) override;
    void expire(qint64) override { } // on its own timer
    std::optional<qint64> nextDeadline() const override { return std::nullopt; }
    bool isAvailable() const override;

    std::optional<Balancer::NodeInfo> node(const QString &nodeId) const override;
    QList<Balancer::NodeInfo> nodes() const override;
    QList<Balancer::NodeInfo> liveNodes() const override;
    std::optional<QString> nodeOf(const QString &user) const override;
    QStringList privateTargetsOf(const QString &user) const override;
    std::optional<Balancer::UserInfo> user(const QString &user) const override;
    Balancer::UserPage users(const QString &filter, qsizetype offset, qsizetype limit) const override;
    Balancer::ClusterTotals totals() const override;
    QList<Balancer::ChannelPresence> channels() const override;

    // True once the view has read every user since the subscription last (re)started.
    bool isInStep() const { return m_inStep; }

Q_SIGNALS:
    void inStep(); // the view caught up after a (re)connection

private:
    void connected();
    void configure();
    // Reads the nodes again; `then` runs once the view has them (also when the read failed).
    void refreshNodes(std::function<void()> then = {});
    void refreshChannels();
    void runExpiry();
    void eventArrived(const QByteArray &payload);
    void startScan();
    void scanFrom(const QByteArray &cursor, quint64 generation);
    // Applies a user's record (nullopt: gone) at `revision`, emitting the user signals.
    void applyUser(const QString &user, std::optional<UserRecord> record, quint64 revision);
    void setDraining(const QString &nodeId, bool draining, NodeDone done);
    QByteArray prefix() const { return m_options.prefix.toUtf8(); }
    QByteArray nodeTimeout() const { return QByteArray::number(m_options.nodeTimeoutMs); }

    Redis::Connection *m_redis;
    Redis::Subscriber *m_events;
    StateOptions m_options;
    QElapsedTimer m_clock;

    QList<Balancer::NodeInfo> m_nodes; // placement order
    std::map<QString, UserRecord> m_users; // ordered: stable pages
    QList<Balancer::ChannelPresence> m_channels;

    // A scan of P:users under way: the revision each user was last seen at (events included), so
    // that a page read before an event does not undo it, and users not seen by the end are gone.
    quint64 m_scanGeneration = 0;
    bool m_scanning = false;
    bool m_inStep = false;
    QHash<QString, quint64> m_seen;
    QHash<QString, quint64> m_goneAt; // users an event removed during the scan

    bool m_nodesPending = false;
    QList<std::function<void()>> m_nodesWaiters; // for the read after the one under way
    bool m_channelsPending = false;
    bool m_expiryPending = false;
    QTimer m_nodesTimer;
    QTimer m_channelsTimer;
    QTimer m_expiryTimer;
};

} // namespace RedisEngine
