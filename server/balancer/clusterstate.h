#pragma once

#include "clustertypes.h"

#include <QList>
#include <QLoggingCategory>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcBalancer)

namespace Balancer {

// The balancer's shared state behind one interface: the node registry and who holds a slot where
// (SPEC §2). MemoryClusterState keeps it in the process; a store shared by several stateless
// balancers (Redis) can implement the same calls, each of which is one atomic step (one script)
// that never needs a read-then-write across calls.
//
// Time is injected: `now` is milliseconds on the caller's monotonic clock, and nothing expires
// until the caller runs expire(now) (at nextDeadline(), or on a short period).
//
// Changes are published as signals, emitted after the call that caused them has left the state
// consistent (a slot may call back into the state). nodeChanged fires when a node joins, changes
// state (up, down, draining) or changes URL or maxConnection, not for counters (sessions, users,
// messages), which the caller samples. userJoined/userLeft fire when a user starts/stops holding a
// slot anywhere; userChanged when its node, sessions, transport or reservation changes.
class ClusterState : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterState)
public:
    explicit ClusterState(QObject *parent = nullptr);
    ~ClusterState() override;

    using PlaceDone = std::function<void(const PlaceResult &)>;
    using ReleaseDone = std::function<void(bool held)>;
    using ReportDone = std::function<void(const ReportResult &)>;
    using NodeDone = std::function<void(const std::optional<NodeInfo> &)>;

    // The calls that change the state are asynchronous, since a shared store answers later; each
    // calls `done` exactly once, possibly before returning (the memory state always does).
    //
    // cometdurl: the node for `user`, reserving its slot there for the reservation timeout. Sticky:
    // a user with live sessions or a pending reservation on a live node gets that node again (even a
    // draining or full one: it already holds the slot), and its reservation is renewed.
    virtual void place(const QString &user, qint64 now, PlaceDone done) = 0;
    // releasecometd: drops the user's pending reservation; false when the user holds no slot (404).
    // A slot held by live sessions stays until the node reports them closed: forgetting a connected
    // user would let the node exceed maxConnection and lose its private messages.
    virtual void release(const QString &user, ReleaseDone done) = 0;
    // A node's heartbeat; may add a dynamic node (the caller has checked the cluster secret).
    virtual void report(const NodeReport &report, qint64 now, ReportDone done) = 0;
    // A draining node takes no new users; its users stay. nullopt: unknown node (404).
    virtual void drain(const QString &nodeId, NodeDone done) = 0;
    virtual void undrain(const QString &nodeId, NodeDone done) = 0;
    // Marks down the nodes silent for the node timeout (their users lose their slots there) and
    // releases the reservations whose time is up.
    virtual void expire(qint64 now) = 0;
    // When expire() next has something to do if nothing else happens; nullopt: nothing pending (or
    // the state expires on its own).
    virtual std::optional<qint64> nextDeadline() const = 0;
    // False while the state cannot be reached (a shared store down): placement answers 503.
    virtual bool isAvailable() const { return true; }

    virtual std::optional<NodeInfo> node(const QString &nodeId) const = 0;
    virtual QList<NodeInfo> nodes() const = 0; // placement order: configured, then dynamic by join
    virtual QList<NodeInfo> liveNodes() const = 0; // up or draining: where broadcasts go
    // The node holding the user's slot (where cometdurl sends it); nullopt when it holds none.
    virtual std::optional<QString> nodeOf(const QString &user) const = 0;
    // Where a private message for the user goes: the nodes of its live sessions, and the node of a
    // pending reservation (the user may have handshaken there before the node's report says so; the
    // node answers with what it holds). Empty: 404.
    virtual QStringList privateTargetsOf(const QString &user) const = 0;
    virtual std::optional<UserInfo> user(const QString &user) const = 0;
    // Users whose name contains `filter` (case-insensitive; empty: all), by name, `limit` from `offset`.
    virtual UserPage users(const QString &filter, qsizetype offset, qsizetype limit) const = 0;
    virtual ClusterTotals totals() const = 0;
    // Channels with subscribers on live nodes, summed over them; in no particular order.
    virtual QList<ChannelPresence> channels() const = 0;

Q_SIGNALS:
    void nodeChanged(const Balancer::NodeInfo &node);
    void userJoined(const Balancer::UserInfo &user);
    void userLeft(const Balancer::UserInfo &user); // the user as it was
    void userChanged(const Balancer::UserInfo &user);
};

} // namespace Balancer
