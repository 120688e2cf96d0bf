#pragma once

#include <QDateTime>
#include <QLatin1StringView>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

// Value types of the balancer's state: what callers pass in (reports) and get back (snapshots,
// placement answers). Times named `now`/`lastReport` are milliseconds on the caller's monotonic clock.
namespace Balancer {

// Up: takes new users. Draining: alive, keeps its users, takes no new ones. Down: silent for the
// node timeout (or never reported); holds no users.
enum class NodeState { Up, Down, Draining };
QLatin1StringView nodeStateName(NodeState state); // "up" | "down" | "draining" (Wire::NodeState)

// One node as the admin API shows it (SPEC §2 Node).
struct NodeInfo
{
    QString id;
    QString url; // base URL, scheme://host:port, no trailing slash
    int maxConnection = 0;
    NodeState state = NodeState::Down;
    bool draining = false; // survives the node going down: it comes back draining
    bool dynamic = false; // joined by reporting, not in the configured list
    std::optional<qint64> lastReport; // none before the first report
    qint64 sessions = 0; // as last reported; 0 while down
    qint64 users = 0; // slots in use: users with a pending reservation or a live session here
    qint64 messagesIn = 0; // cumulative counters as last reported by the node
    qint64 messagesOut = 0;

    friend bool operator==(const NodeInfo &, const NodeInfo &) = default;
};

// One user holding a slot (SPEC §2 User).
struct UserInfo
{
    QString user;
    QString nodeId; // the node holding the user's slot: where cometdurl sends it
    // Every node where the user holds a slot, nodeId first. More than one only when a client opened a
    // session on another node than the one cometdurl gave it while its first sessions were still live.
    QStringList nodeIds;
    int sessions = 0; // live sessions over all nodes
    QString transport; // as reported for the user on nodeId; empty before the first session
    QDateTime connectedSince; // UTC, as reported by the node; invalid before the first session
    bool reserved = false; // cometdurl answered, the handshake not seen yet

    friend bool operator==(const UserInfo &, const UserInfo &) = default;
};

// What a node says about one of its users in a report.
struct UserPresence
{
    QString user;
    int sessions = 0; // the user's live sessions on the node now; 0: its last session closed
    bool opened = false; // a session opened since the previous report: consumes the pending reservation
    QString transport; // of the user's newest session
    QDateTime connectedSince; // UTC open time of the user's oldest live session
};

// A channel with subscribers on a node: its subscriber count and the messages published on it
// (cumulative). In a report that is not a full list, 0 subscribers means the channel has gone.
struct ChannelPresence
{
    QString channel;
    qint64 subscribers = 0;
    qint64 messages = 0;

    friend bool operator==(const ChannelPresence &, const ChannelPresence &) = default;
};

// One page of a node's full list. A full list is sent as a sequence of pages (an epoch) so that no
// report grows with the node's state: page 0 opens the epoch, pages come in order, and on the page
// marked `last` every user and channel of the node that the epoch did not mention (in a page or in
// an incremental report sent during it) is dropped. A page out of sequence abandons the epoch and
// the answer asks for a new full list.
struct FullListPage
{
    quint64 epoch = 0; // chosen by the node; a new one for every full list it starts
    int page = 0; // 0, 1, 2, ... within the epoch
    bool last = false;

    friend bool operator==(const FullListPage &, const FullListPage &) = default;
};

// A node's heartbeat. `users` and `channels` hold the users and channels that changed since the
// previous report, so that a heartbeat of a node with 20,000 users costs nothing per user; a report
// that carries `fullList` also holds one page of the node's complete list. Every entry is an
// upsert (0 sessions or 0 subscribers: gone). Nodes send a full list when the answer asks for one,
// and periodically.
struct NodeReport
{
    QString nodeId;
    QString url; // base URL the node advertises
    int maxConnection = 0;
    qint64 sessions = 0;
    qint64 messagesIn = 0;
    qint64 messagesOut = 0;
    QList<UserPresence> users;
    QList<ChannelPresence> channels;
    std::optional<FullListPage> fullList;
};

struct ReportResult
{
    enum class Status {
        Accepted,
        Joined, // accepted, and the node was not known before: it joined as a dynamic node
        Rejected, // invalid node id, URL or maxConnection; nothing applied
        Unavailable, // the shared state cannot be reached; nothing applied, send it again later
    };
    Status status = Status::Accepted;
    // The state does not know the node's users (first report, back from down, or a page out of
    // sequence) and no full list is under way: the node should start one.
    bool wantFullList = false;
    QString error; // for Rejected, for the log and the 400 body
};

struct PlaceResult
{
    enum class Status {
        Placed,
        Full, // no live node with room: 503 + Retry-After
        InvalidUser, // empty, over 256 bytes of UTF-8, a C0 control or DEL: 400
        Unavailable, // the shared state cannot be reached: 503 + Retry-After
    };
    Status status = Status::Full;
    QString nodeId;
    QString url;
};

struct UserPage
{
    qsizetype total = 0; // users matching the filter, before offset and limit
    QList<UserInfo> users; // ordered by user name
};

struct ClusterTotals
{
    qsizetype nodes = 0;
    qsizetype liveNodes = 0; // up or draining
    qint64 sessions = 0;
    qsizetype users = 0; // distinct users holding a slot
    qint64 messagesIn = 0;
    qint64 messagesOut = 0;
};

} // namespace Balancer

Q_DECLARE_METATYPE(Balancer::NodeInfo)
Q_DECLARE_METATYPE(Balancer::UserInfo)
