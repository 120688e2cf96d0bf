#pragma once

#include "channeltable.h"
#include "clusterstate.h"
#include "nodeconfig.h"
#include "noderegistry.h"
#include "usertable.h"

#include <QHash>
#include <QSet>
#include <QStringList>

namespace Balancer {

struct ClusterOptions
{
    qint64 nodeTimeoutMs = 3000; // a node silent this long is down (SPEC §2)
    qint64 reservationTimeoutMs = 30000; // a reservation not followed by a handshake this long is released
    // Role all: this process's own node, which reports by direct calls and is always up. Empty for a
    // pure balancer.
    QString localNodeId;
};

// The cluster state of one balancer process, in memory: a NodeRegistry and a UserTable, with the
// Placement policy between them. Lives in one thread (the event loop's); no locking.
class MemoryClusterState final : public ClusterState
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MemoryClusterState)
public:
    // `nodes` is the configured list (NodeConfig::effectiveNodes()), in placement order.
    explicit MemoryClusterState(
        const QList<NodeConfig::NodeEntry> &nodes, ClusterOptions options = {}, QObject *parent = nullptr);
    ~MemoryClusterState() override;

    const ClusterOptions &options() const { return m_options; }

    // The changes, answered at once; the asynchronous overrides call these.
    PlaceResult place(const QString &user, qint64 now);
    bool release(const QString &user);
    ReportResult report(const NodeReport &report, qint64 now);
    std::optional<NodeInfo> drain(const QString &nodeId);
    std::optional<NodeInfo> undrain(const QString &nodeId);

    void place(const QString &user, qint64 now, PlaceDone done) override { done(place(user, now)); }
    void release(const QString &user, ReleaseDone done) override { done(release(user)); }
    void report(const NodeReport &nodeReport, qint64 now, ReportDone done) override { done(report(nodeReport, now)); }
    void drain(const QString &nodeId, NodeDone done) override { done(drain(nodeId)); }
    void undrain(const QString &nodeId, NodeDone done) override { done(undrain(nodeId)); }
    void expire(qint64 now) override;
    std::optional<qint64> nextDeadline() const override;

    std::optional<NodeInfo> node(const QString &nodeId) const override;
    QList<NodeInfo> nodes() const override;
    QList<NodeInfo> liveNodes() const override;
    std::optional<QString> nodeOf(const QString &user) const override;
    QStringList privateTargetsOf(const QString &user) const override;
    std::optional<UserInfo> user(const QString &user) const override;
    UserPage users(const QString &filter, qsizetype offset, qsizetype limit) const override;
    ClusterTotals totals() const override;
    QList<ChannelPresence> channels() const override;

private:
    // A node's full list under way: the page expected next and what the epoch has mentioned so far.
    struct FullListProgress
    {
        quint64 epoch = 0;
        int nextPage = 0;
        QSet<QString> users;
        QSet<QString> channels;
    };
    // Follows the report's page, if any; false when it is out of sequence (the epoch is abandoned).
    bool followPage(const QString &nodeId, const FullListPage &page);
    NodeInfo infoOf(const NodeRegistry::Node &node) const;
    std::optional<NodeInfo> setDraining(const QString &nodeId, bool draining);
    PlaceResult reserve(const QString &user, const NodeRegistry::Node &node, qint64 now);
    void markChanged(const QString &nodeId);
    // Emits the node and user events gathered by the current call.
    void publish();

    ClusterOptions m_options;
    NodeRegistry m_nodes;
    UserTable m_users;
    ChannelTable m_channels;
    QStringList m_changedNodes;
    QHash<QString, FullListProgress> m_fullLists; // node id -> its full list under way
};

} // namespace Balancer
