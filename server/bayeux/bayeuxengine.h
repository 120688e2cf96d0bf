#pragma once

#include "channelactivity.h"
#include "connection.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QLoggingCategory>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcBayeux)

namespace Bayeux {

// What a transport knows about the request that carried a batch.
struct RequestInfo
{
    QLatin1StringView transport; // Wire::Transport::LongPolling / CallbackPolling / WebSocket
    QByteArray browserId; // value of the BAYEUX_BROWSER cookie; empty when the client sent none
};

struct EngineOptions
{
    int timeoutMs = 30000; // advice.timeout: how long a /meta/connect is held
    int intervalMs = 0; // advice.interval
    int maxIntervalMs = 10000; // advice.maxInterval: a session without /meta/connect for longer expires
    int maxSessionsPerBrowser = 1; // concurrent long-polls per BAYEUX_BROWSER before multiple-clients advice
    int multiSessionIntervalMs = 2000; // advice.interval sent with multiple-clients
    int maxQueue = 10000; // messages queued per session; the oldest are dropped past it
    int maxSessions = 100000; // sessions per node; handshakes past it get 503::node full
    int maxUsers = 20000; // distinct users per node (the node's maxConnection)
    int maxSubscriptions = 1000; // channels and patterns per session; more get 403::too many subscriptions
    // The outgoing budget (limits.maxOutgoingBytes): one answer or push carries at most this many
    // bytes of messages, nothing is pushed to a connection that cannot take more, and a session
    // queues at most this many bytes of messages (beside maxQueue) before the oldest are dropped.
    qint64 maxDeliveryBytes = 1048576;
};

// The Bayeux 1.0 protocol of one node, without sockets: sessions, subscriptions, advice, the ack
// extension, held /meta/connect and the per-session queues. Transports feed it parsed batches with
// the Connection that should carry the answer; server-side code publishes through it.
class BayeuxEngine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BayeuxEngine)
public:
    // Checks an eXo token for a user; the node wires the token verifier here.
    using TokenCheck = std::function<bool(const QString &user, const QString &token)>;
    // Milliseconds on a monotonic clock; tests substitute their own.
    using Clock = std::function<qint64()>;

    explicit BayeuxEngine(EngineOptions options, TokenCheck tokenCheck, QObject *parent = nullptr);
    ~BayeuxEngine() override;

    void setClock(Clock clock);
    const EngineOptions &options() const;

    // Processes one batch (a JSON array of Bayeux messages) that arrived on `connection`. The answer
    // is written through connection->deliver(): at once, or later for a held /meta/connect (long
    // polling: the whole answer waits; WebSocket: the other replies go at once, the connect waits).
    // A batch that is not an array of objects is answered with 400::invalid message replies.
    void handleBatch(const QJsonArray &batch, Connection *connection, const RequestInfo &info);

    // The transport's connection went away (client closed, socket error). The engine forgets it and
    // never calls deliver() on it again. Sessions stay until maxInterval expires.
    void connectionClosed(Connection *connection);

    // A connection whose canWrite() was false can take messages again: what waits for the sessions
    // on it goes out at the end of this event-loop turn.
    void connectionWritable(Connection *connection);

    // Answers every held /meta/connect now (shutdown): advice reconnect=retry.
    void releaseAllHeld();

    // Server-side delivery (REST API). `data` is put in the message's "data" as is; `id` may be empty.
    // Returns the number of sessions the message was queued for.
    // publish(): to the subscribers of `channel` (directly or through /a/* and /a/** patterns); 0 for
    // /meta, /service, pattern or invalid names.
    int publish(const QString &channel, const QJsonValue &data, const QString &id);
    // deliverToUser(): to every session of `user`, subscribed or not (CometD's ServerSession.deliver,
    // as the eXo original); 0 for /meta, pattern or invalid names.
    int deliverToUser(const QString &user, const QString &channel, const QJsonValue &data, const QString &id);

    // Some session of `user` would receive a message on `channel`: subscribed to exactly that name,
    // or to a pattern covering it. A pattern given as `channel` matches only the same pattern.
    bool isSubscribed(const QString &user, const QString &channel) const;
    bool hasChannel(const QString &channel) const; // some session subscribed exactly to it

    int sessionCount() const;
    int userCount() const;
    int heldCount() const; // /meta/connect currently held
    qint64 queuedMessages() const; // total over all session queues
    qint64 deliveries() const; // messages handed to transports since start
    // Messages that came in since start: client publishes (service ones too) and server-side
    // publish() and deliverToUser() calls.
    qint64 messagesIn() const;
    // Every channel and pattern with subscribers; and those whose subscribers or message count
    // changed since the previous call (a channel with 0 subscribers has gone).
    QList<ChannelStat> channelStats() const;
    QList<ChannelStat> takeChannelChanges();
    qint64 droppedMessages() const; // messages dropped from full queues (maxQueue) since start

    // Runs expiry of held connects and sessions whose deadline has passed. Called by the engine's
    // own timer; public so that tests can drive a fake clock.
    void processDeadlines();
    // For tests and metrics: entries in the deadline queue (live and stale), and the earliest one's
    // deadline on the engine's clock (-1: none); deadlines are rounded up to the engine's bucket.
    qsizetype scheduledDeadlines() const;
    qint64 nextDeadline() const;

Q_SIGNALS:
    void sessionOpened(const QString &user, const QByteArray &clientId, QLatin1StringView transport);
    void sessionClosed(const QString &user, const QByteArray &clientId);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Bayeux
