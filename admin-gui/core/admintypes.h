#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

// Value types of the admin API (SPEC §2 Admin API) as the console sees them, and the plain functions
// that read them from JSON; nothing here knows about sockets or widgets.
namespace AdminGui {

struct Node
{
    QString id;
    QString url;
    QString state; // Wire::NodeState: "up" | "down" | "draining"
    bool dynamic = false;
    qint64 sessions = 0;
    qint64 users = 0; // users with a session here, as the Users table counts them
    qint64 placed = 0; // users placed here, as the balancer counts them (its "users"): what maxConnection bounds
    qint64 maxConnection = 0;
    double messagesIn = 0; // per second over the last second (SPEC §2: rates)
    double messagesOut = 0;

    QString key() const { return id; }
    // Capacity counts slots, not sessions: a user's second tab is a second session in the same
    // slot, so only slots against maxConnection say how full a node is.
    double load() const { return maxConnection > 0 ? double(placed) / double(maxConnection) : 0.0; }
    friend bool operator==(const Node &, const Node &) = default;
};

struct User
{
    QString user;
    QString node;
    qint64 sessions = 0;
    QString transport;
    QDateTime connectedSince; // UTC; invalid before the first session

    QString key() const { return user; }
    friend bool operator==(const User &, const User &) = default;
};

struct Channel
{
    QString channel;
    qint64 subscribers = 0;
    double messagesPerSecond = 0;

    QString key() const { return channel; }
    friend bool operator==(const Channel &, const Channel &) = default;
};

struct ClusterTotals
{
    qint64 nodes = 0;
    qint64 sessions = 0;
    qint64 users = 0;
    double messagesIn = 0; // per second
    double messagesOut = 0;
};

struct ClusterSnapshot
{
    QList<Node> nodes;
    ClusterTotals totals;
    QList<User> users;
    QList<Channel> channels;
};

struct NodeStats
{
    QString id;
    qint64 sessions = 0;
    std::optional<qint64> placed; // the frame's "users"; absent from an older balancer's frames
    double messagesIn = 0; // per second
    double messagesOut = 0;
};

struct StatsSample
{
    QDateTime at;
    QList<NodeStats> nodes;
};

enum class ChangeKind { Added, Removed, Changed };

// A user event ("joined" = Added, "left" = Removed) or a channel event, as the events socket sends.
struct UserEvent
{
    ChangeKind kind = ChangeKind::Changed;
    User user;
};

struct ChannelEvent
{
    ChangeKind kind = ChangeKind::Changed;
    Channel channel;
};

// What the console asks POST /admin/api/messages to deliver.
struct OutgoingMessage
{
    bool broadcast = false;
    QString channel;
    QString user; // private only
    QJsonValue message;
    QString id;

    QJsonObject toJson() const;
};

// The answer to a send: delivered N, or why not.
struct SendResult
{
    bool ok = false;
    qint64 delivered = 0;
    int httpStatus = 0; // 0: no HTTP answer (network error)
    QString error;

    QString text() const; // "delivered 3" or "error: ..."
};

// The message box's content read as plain text or as one JSON value.
struct MessageBody
{
    std::optional<QJsonValue> value;
    QString error; // why the text is not valid JSON; empty when value is set
};

// The Compose form checked: a message ready to send, or the first thing wrong with it.
struct ComposeCheck
{
    std::optional<OutgoingMessage> message;
    QString error;
};

std::optional<Node> parseNode(const QJsonObject &object);
std::optional<User> parseUser(const QJsonObject &object);
std::optional<Channel> parseChannel(const QJsonObject &object);
std::optional<NodeStats> parseNodeStats(const QJsonObject &object);
std::optional<ClusterSnapshot> parseSnapshot(const QJsonObject &object); // {"type": "snapshot", ...}
std::optional<StatsSample> parseStats(const QJsonObject &object); // {"type": "stats", ...}
std::optional<ChangeKind> parseUserEventKind(const QString &event); // joined | left | changed
std::optional<ChangeKind> parseChannelEventKind(const QString &event); // added | removed | changed
MessageBody parseMessageBody(const QString &text, bool asJson);
// The id Compose offers after sending `sent`: its trailing number plus one, same width ("m9" →
// "m10", "007" → "008"), or "-2" appended to an id without one; empty stays empty (the server
// assigns one). A message id should not repeat by accident.
QString nextMessageId(const QString &sent);

ComposeCheck checkCompose(
    bool broadcast, const QString &user, const QString &channel, const QString &text, bool asJson, const QString &id);
SendResult parseSendReply(int httpStatus, const QByteArray &body, const QString &networkError);

} // namespace AdminGui

Q_DECLARE_METATYPE(AdminGui::Node)
Q_DECLARE_METATYPE(AdminGui::User)
Q_DECLARE_METATYPE(AdminGui::Channel)
Q_DECLARE_METATYPE(AdminGui::ClusterSnapshot)
Q_DECLARE_METATYPE(AdminGui::StatsSample)
Q_DECLARE_METATYPE(AdminGui::SendResult)
