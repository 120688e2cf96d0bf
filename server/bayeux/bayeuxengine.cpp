#include "bayeuxengine.h"

#include "channelindex.h"
#include "deadlinequeue.h"
#include "inboundmessage.h"
#include "logthrottle.h"
#include "outgoingmessage.h"
#include "replybuilder.h"
#include "sessionstore.h"
#include "wire.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <utility>

// Debug output (one line per session opened or closed) is off unless the logging rules ask for it.
Q_LOGGING_CATEGORY(lcBayeux, "cometd.bayeux", QtInfoMsg)

namespace Bayeux {

namespace {

// Deadlines are rounded up to a multiple of this, so that one timer wake answers every held connect
// and expires every session due in the same bucket: with thousands of idle sessions the engine wakes
// at most 1000 / kDeadlineBucketMs times a second instead of once per distinct millisecond. A held
// connect (30 s) is answered, and a silent session expires (maxInterval), up to this much late.
constexpr qint64 kDeadlineBucketMs = 50;

constexpr QLatin1StringView SupportedTransports[] {
    Wire::Transport::LongPolling,
    Wire::Transport::CallbackPolling,
    Wire::Transport::WebSocket,
};

// The engine keeps one of its own constants: a session outlives the caller's string.
QLatin1StringView knownTransport(QLatin1StringView name)
{
    const auto *const it = std::find(std::begin(SupportedTransports), std::end(SupportedTransports), name);
    return it == std::end(SupportedTransports) ? QLatin1StringView("unknown") : *it;
}

// A copy that keeps nothing of the batch it came from. A string taken out of a parsed QJsonArray
// shares the whole batch's storage (heaptrack: about 500 bytes per idle session, kept by the held
// connect's id for the length of the hold).
QJsonValue standalone(const QJsonValue &value)
{
    return value.isString() ? QJsonValue(value.toString()) : value;
}

bool isSupportedConnectionType(const QJsonValue &value)
{
    const QString type = value.toString();
    return std::any_of(std::begin(SupportedTransports), std::end(SupportedTransports),
        [&type](QLatin1StringView known) { return type == known; });
}

QJsonArray supportedConnectionTypes()
{
    QJsonArray types;
    for (const QLatin1StringView type : SupportedTransports)
        types.append(type);
    return types;
}

// The reply to a /meta/connect whose session has gone meanwhile.
InboundMessage vanishedConnect(const QJsonValue &id)
{
    InboundMessage message;
    message.kind = InboundMessage::Kind::Connect;
    message.channel = Wire::Channel::Connect;
    message.id = id;
    return message;
}

// Connection types the client offers at handshake: absent, or at least one of ours.
bool offersSupportedConnectionType(const QJsonValue &value)
{
    if (!value.isArray() || value.toArray().isEmpty()) return true;
    const QJsonArray offered = value.toArray();
    return std::any_of(
        offered.begin(), offered.end(), [](const QJsonValue &v) { return isSupportedConnectionType(v); });
}

} // namespace

struct BayeuxEngine::Private
{
    // The answer being built for one handleBatch() call.
    struct Batch
    {
        Connection *connection = nullptr;
        const RequestInfo *info = nullptr;
        QList<QByteArray> replies;
        // The batch's /meta/connect, decided once every message of the batch has been handled, so
        // that messages queued by the batch itself go with it. Its reply slot is replies[index].
        struct Connect
        {
            QByteArray clientId;
            QJsonValue id;
            qsizetype index = 0;
            qint64 holdMs = 0;
            bool resend = false; // ack: delivered messages are unacknowledged, send them again now
        };
        std::optional<Connect> connect;
    };

    enum class Answer {
        Normal, // timeout, messages, shutdown: the queued messages go with the reply
        Superseded, // a newer /meta/connect arrived: the reply alone, the messages wait for the newer one
        Disconnected, // /meta/disconnect: the reply alone, reconnect none
    };

    Private(BayeuxEngine *engine, EngineOptions opts, TokenCheck check)
        : q(engine)
        , options(opts)
        , tokenCheck(std::move(check))
        , replies(opts)
        , sessions(&stats)
    {
        elapsed.start();
        clock = [this] { return elapsed.elapsed(); };
        timer.setSingleShot(true);
        // Precise: the deadlines are already coarse, and a coarse timer may fire early and so wake
        // twice per bucket.
        timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&timer, &QTimer::timeout, q, [this] { processDeadlines(); });
    }

    // ---- batches
    void handleMessage(const QJsonValue &value, Batch &batch);
    void finishBatch(Batch &batch);
    void onHandshake(const InboundMessage &message, Batch &batch);
    void onConnect(const InboundMessage &message, Batch &batch);
    void onDisconnect(const InboundMessage &message, Batch &batch);
    void onSubscribe(const InboundMessage &message, Batch &batch, bool subscribing);
    void onPublish(const InboundMessage &message, Batch &batch);
    void resolveEarlierConnect(Batch &batch);
    QJsonObject unknownClient(const InboundMessage &message) const;
    std::optional<QLatin1StringView> checkCredentialsAgain(const Session *session, const QJsonObject &object) const;

    // ---- connects and delivery
    QByteArray connectReply(
        const Session *session, const QJsonValue &id, const QByteArray &adviceJson, qint64 ackBatch) const;
    void hold(Session *session, Batch &batch, const Batch::Connect &connect);
    void answerHeld(Session *session, Answer answer);
    void dropHeld(Session *session);
    void releaseHeldState(Session *session, const HeldConnect &held);
    void enqueue(Session *session, const OutgoingMessage &message);
    void markDirty(Session *session);
    void scheduleFlush();
    void flush();
    void deliverQueued(Session *session);
    void deliver(Connection *connection, const QByteArray &json, qsizetype messageCount);

    // ---- connections
    void setPushConnection(Session *session, Connection *connection);
    void unlinkIfUnused(Session *session, Connection *connection);

    // ---- deadlines and lifetime
    static qint64 roundUpToBucket(qint64 deadline);
    void scheduleDeadline(Session *session, qint64 deadline);
    void pushDeadline(Session *session);
    void scheduleExpiry(Session *session);
    void armTimer();
    void processDeadlines();
    void removeSession(const QByteArray &clientId, const char *why);

    BayeuxEngine *q;
    EngineOptions options;
    TokenCheck tokenCheck;
    Clock clock;
    QElapsedTimer elapsed;
    // Refused handshakes can come in floods (a script reusing one token): a few lines, then a count.
    LogThrottle refusedHandshakeLog { LogThrottle::DefaultBurst, LogThrottle::DefaultInterval,
        [this] { return clock(); } };
    ReplyBuilder replies;
    // The advice of connect replies, serialised once: the options do not change.
    const QByteArray connectAdviceJson = toCompactJson(replies.connectAdvice());
    const QByteArray multipleClientsAdviceJson = toCompactJson(replies.multipleClientsAdvice());
    const QByteArray noReconnectAdviceJson = toCompactJson(ReplyBuilder::noReconnectAdvice());
    QueueStats stats; // before `sessions`: the queues report to it until they are destroyed
    SessionStore sessions;
    ChannelIndex channels;
    ChannelActivity activity;
    DeadlineQueue deadlines;
    QTimer timer; // the engine's only timer, armed for deadlines.nextDeadline()
    qint64 timerArmedFor = 0;
    QSet<QByteArray> holding; // clientIds with a held /meta/connect
    QHash<QByteArray, int> heldPerBrowser; // long-polls held per BAYEUX_BROWSER
    std::unordered_map<Connection *, SmallSet<QByteArray>> byConnection; // sessions holding or pushing on a connection
    QList<QByteArray> dirty; // sessions with messages to flush at the end of this event-loop turn
    bool flushScheduled = false;
    qint64 deliveredMessages = 0;
    qint64 messagesIn = 0;
};

// ------------------------------------------------------------------------------------------ batches

void BayeuxEngine::Private::handleMessage(const QJsonValue &value, Batch &batch)
{
    const InboundMessage message = InboundMessage::inspect(value);
    if (!message.isValid()) {
        qCDebug(lcBayeux) << "refused message on" << QStringView(message.channel).left(100) << message.error;
        batch.replies.append(toCompactJson(ReplyBuilder::failure(message, message.error)));
        return;
    }
    switch (message.kind) {
    case InboundMessage::Kind::Handshake:
        onHandshake(message, batch);
        break;
    case InboundMessage::Kind::Connect:
        onConnect(message, batch);
        break;
    case InboundMessage::Kind::Disconnect:
        onDisconnect(message, batch);
        break;
    case InboundMessage::Kind::Subscribe:
        onSubscribe(message, batch, true);
        break;
    case InboundMessage::Kind::Unsubscribe:
        onSubscribe(message, batch, false);
        break;
    case InboundMessage::Kind::Publish:
        onPublish(message, batch);
        break;
    }
}

QJsonObject BayeuxEngine::Private::unknownClient(const InboundMessage &message) const
{
    QJsonObject reply = ReplyBuilder::failure(message, Wire::Error::UnknownClient);
    // As CometD: only the replies that drive the client's connection cycle carry the advice.
    if (message.kind == InboundMessage::Kind::Connect || message.kind == InboundMessage::Kind::Handshake)
        reply.insert(Wire::Field::Advice, ReplyBuilder::rehandshakeAdvice());
    return reply;
}

void BayeuxEngine::Private::onHandshake(const InboundMessage &message, Batch &batch)
{
    const Credentials credentials = Credentials::from(message.object);
    const bool authenticated = credentials.user && credentials.token && !credentials.user->isEmpty()
        && !credentials.token->isEmpty() && tokenCheck && tokenCheck(*credentials.user, *credentials.token);
    if (!authenticated) {
        if (const auto admitted = refusedHandshakeLog.admit()) {
            if (admitted.suppressed)
                qCInfo(lcBayeux).noquote() << admitted.suppressed << "refused handshakes were not logged";
            // Quoted: the name is the client's, unchecked; quoting escapes a line break that would
            // forge a log line.
            qCInfo(lcBayeux) << "handshake refused: invalid token for user" << credentials.user.value_or(QString());
        }
        QJsonObject reply = ReplyBuilder::failure(message, Wire::Error::InvalidToken);
        reply.insert(Wire::Field::Advice, ReplyBuilder::noReconnectAdvice());
        batch.replies.append(toCompactJson(reply));
        return;
    }
    const QString &user = *credentials.user;

    if (!offersSupportedConnectionType(message.object.value(Wire::Field::SupportedConnectionTypes))) {
        QJsonObject reply = ReplyBuilder::failure(message, Wire::Error::UnsupportedConnectionType);
        reply.insert(Wire::Field::Advice, ReplyBuilder::noReconnectAdvice());
        batch.replies.append(toCompactJson(reply));
        return;
    }

    // Before the node-full check: this refusal does not clear by waiting, so it must not be answered
    // with node full's "retry in 1 s".
    if (sessions.sessionsOf(user).size() >= options.maxSessionsPerUser) {
        if (const auto admitted = refusedHandshakeLog.admit()) {
            if (admitted.suppressed)
                qCInfo(lcBayeux).noquote() << admitted.suppressed << "refused handshakes were not logged";
            qCInfo(lcBayeux) << "handshake refused: too many sessions for user" << user;
        }
        QJsonObject reply = ReplyBuilder::failure(message, Wire::Error::TooManySessions);
        // reconnect "none", not "handshake" with an interval: the CometD clients follow "handshake"
        // (with backoff) for as long as the page runs, so a client over the limit would turn it into a
        // steady load, and the condition clears only when another of the user's own sessions ends,
        // which retrying cannot bring about. With "none" the CometD client stops and reports the
        // failed handshake to the application, which can tell the user to close a tab, as for
        // 403::invalid token.
        reply.insert(Wire::Field::Advice, ReplyBuilder::noReconnectAdvice());
        batch.replies.append(toCompactJson(reply));
        return;
    }

    const bool newUser = !sessions.hasUser(user);
    if (sessions.sessionCount() >= options.maxSessions || (newUser && sessions.userCount() >= options.maxUsers)) {
        qCInfo(lcBayeux) << "handshake refused: node full for user" << user;
        QJsonObject reply = ReplyBuilder::failure(message, Wire::Error::NodeFull);
        reply.insert(Wire::Field::Advice, ReplyBuilder::nodeFullAdvice());
        batch.replies.append(toCompactJson(reply));
        return;
    }

    Session *session = sessions.create(
        user, knownTransport(batch.info->transport), QueueLimits { options.maxQueue, options.maxDeliveryBytes });
    session->browserId = batch.info->browserId;
    const QJsonValue ackRequested = message.object.value(Wire::Field::Ext).toObject().value(Wire::Field::Ack);
    session->queue.setAckMode(ackRequested.toBool(false));

    QJsonObject reply = ReplyBuilder::reply(message);
    reply.insert(Wire::Field::Successful, true);
    reply.insert(Wire::Field::ClientId, QString::fromLatin1(session->clientId));
    reply.insert(Wire::Field::Version, Wire::BayeuxVersion);
    reply.insert(Wire::Field::SupportedConnectionTypes, supportedConnectionTypes());
    reply.insert(Wire::Field::Advice, replies.handshakeAdvice());
    if (session->queue.ackMode()) reply.insert(Wire::Field::Ext, QJsonObject { { Wire::Field::Ack, true } });
    batch.replies.append(toCompactJson(reply));

    scheduleExpiry(session);
    qCDebug(lcBayeux) << "session opened for" << user << "over" << session->transport
                      << (session->queue.ackMode() ? "with ack" : "");
    // A copy: a slot may end the session (and free the strings) before returning.
    const QByteArray clientId = session->clientId;
    Q_EMIT q->sessionOpened(user, clientId, session->transport);
}

void BayeuxEngine::Private::onConnect(const InboundMessage &message, Batch &batch)
{
    Session *session = sessions.find(message.clientId);
    if (!session) {
        batch.replies.append(toCompactJson(unknownClient(message)));
        return;
    }
    if (!isSupportedConnectionType(message.object.value(Wire::Field::ConnectionType))) {
        QJsonObject reply = ReplyBuilder::failure(message, Wire::Error::UnsupportedConnectionType);
        reply.insert(Wire::Field::ClientId, QString::fromLatin1(session->clientId));
        reply.insert(Wire::Field::Advice, ReplyBuilder::noReconnectAdvice());
        batch.replies.append(toCompactJson(reply));
        return;
    }
    if (!batch.info->browserId.isEmpty()) session->browserId = batch.info->browserId;

    bool acknowledged = false;
    if (session->queue.ackMode()) {
        const QJsonValue ack = message.object.value(Wire::Field::Ext).toObject().value(Wire::Field::Ack);
        // An ack id past qint64 is garbage (and its conversion undefined): not an acknowledgement.
        if (ack.isDouble() && std::abs(ack.toDouble()) < 9.0e15) {
            session->queue.acknowledge(qint64(ack.toDouble()));
            acknowledged = true;
        }
    }

    // One outstanding /meta/connect per session: an older one (held, or earlier in this batch) is
    // answered now and its messages wait for this one.
    if (session->held) answerHeld(session, Answer::Superseded);
    resolveEarlierConnect(batch);

    qint64 holdMs = options.timeoutMs;
    const QJsonValue requested = message.object.value(Wire::Field::Advice).toObject().value(Wire::AdviceField::Timeout);
    // Clamped as a double: converting a timeout past qint64 would be undefined.
    if (requested.isDouble()) holdMs = qint64(std::clamp(requested.toDouble(), 0.0, double(options.timeoutMs)));

    setPushConnection(session, batch.connection->isPersistent() ? batch.connection : nullptr);
    // Alive: the expiry deadline no longer applies; finishBatch() sets the next one. The queue entry
    // stays: when it comes due it is pushed again for the new deadline (one entry per session).
    session->deadline = kNoDeadline;

    batch.connect = Batch::Connect {
        session->clientId,
        message.id,
        batch.replies.size(),
        holdMs,
        acknowledged && session->queue.hasUnacknowledged(),
    };
    batch.replies.append(QByteArray()); // the connect reply's slot
}

void BayeuxEngine::Private::resolveEarlierConnect(Batch &batch)
{
    if (!batch.connect) return;
    const Batch::Connect earlier = *std::exchange(batch.connect, std::nullopt);
    Session *session = sessions.find(earlier.clientId);
    if (session) {
        batch.replies[earlier.index] = connectReply(session, earlier.id, connectAdviceJson, -1);
        scheduleExpiry(session);
    } else {
        batch.replies[earlier.index] = toCompactJson(unknownClient(vanishedConnect(earlier.id)));
    }
}

void BayeuxEngine::Private::onDisconnect(const InboundMessage &message, Batch &batch)
{
    Session *session = sessions.find(message.clientId);
    if (!session) {
        batch.replies.append(toCompactJson(unknownClient(message)));
        return;
    }
    QJsonObject reply = ReplyBuilder::reply(message);
    reply.insert(Wire::Field::Successful, true);
    reply.insert(Wire::Field::ClientId, QString::fromLatin1(session->clientId));
    batch.replies.append(toCompactJson(reply));
    if (session->held) answerHeld(session, Answer::Disconnected);
    removeSession(message.clientId, "disconnect");
}

std::optional<QLatin1StringView> BayeuxEngine::Private::checkCredentialsAgain(
    const Session *session, const QJsonObject &object) const
{
    const Credentials credentials = Credentials::from(object);
    if (credentials.user && *credentials.user != session->user) return Wire::Error::UserMismatch;
    if (credentials.token && !(tokenCheck && tokenCheck(session->user, *credentials.token)))
        return Wire::Error::InvalidToken;
    return std::nullopt;
}

void BayeuxEngine::Private::onSubscribe(const InboundMessage &message, Batch &batch, bool subscribing)
{
    Session *session = sessions.find(message.clientId);
    if (!session) {
        batch.replies.append(toCompactJson(unknownClient(message)));
        return;
    }
    const QJsonValue subscription = message.object.value(Wire::Field::Subscription);
    const auto fail = [&](QLatin1StringView error) {
        QJsonObject reply = ReplyBuilder::failure(message, error);
        reply.insert(Wire::Field::ClientId, QString::fromLatin1(session->clientId));
        if (!subscription.isUndefined()) reply.insert(Wire::Field::Subscription, subscription);
        batch.replies.append(toCompactJson(reply));
    };

    if (const auto error = checkCredentialsAgain(session, message.object)) {
        fail(*error);
        return;
    }

    QJsonArray requested;
    if (subscription.isString())
        requested.append(subscription);
    else if (subscription.isArray())
        requested = subscription.toArray();
    if (requested.isEmpty()) {
        fail(Wire::Error::InvalidMessage);
        return;
    }
    if (requested.size() > options.maxSubscriptions) {
        fail(Wire::Error::TooManySubscriptions);
        return;
    }

    // Every name is checked before any is applied: a refused request changes nothing.
    QList<ChannelName> names;
    names.reserve(requested.size());
    qsizetype added = 0;
    for (const QJsonValue value : std::as_const(requested)) {
        std::optional<ChannelName> name = value.isString() ? ChannelName::parse(value.toString()) : std::nullopt;
        if (!name) {
            fail(Wire::Error::InvalidChannel);
            return;
        }
        if (subscribing && name->isMeta()) {
            fail(Wire::Error::Forbidden);
            return;
        }
        if (!session->subscriptions.contains(name->toString())) ++added;
        names.append(std::move(*name));
    }

    if (subscribing) {
        if (session->subscriptions.size() + added > options.maxSubscriptions) {
            fail(Wire::Error::TooManySubscriptions);
            return;
        }
        for (const ChannelName &name : std::as_const(names)) {
            session->subscriptions.insert(name.toString());
            if (channels.subscribe(name, session)) activity.subscribersChanged(name.toString(), channels);
        }
    } else {
        // As CometD for a channel that exists: leaving a channel one is not in succeeds.
        for (const ChannelName &name : std::as_const(names)) {
            session->subscriptions.remove(name.toString());
            if (channels.unsubscribe(name.toString(), session)) activity.subscribersChanged(name.toString(), channels);
        }
    }

    QJsonObject reply = ReplyBuilder::reply(message);
    reply.insert(Wire::Field::Successful, true);
    reply.insert(Wire::Field::ClientId, QString::fromLatin1(session->clientId));
    reply.insert(Wire::Field::Subscription, subscription);
    batch.replies.append(toCompactJson(reply));
}

void BayeuxEngine::Private::onPublish(const InboundMessage &message, Batch &batch)
{
    Session *session = sessions.find(message.clientId);
    if (!session) {
        batch.replies.append(toCompactJson(unknownClient(message)));
        return;
    }
    if (message.name->isWildcard()) {
        batch.replies.append(toCompactJson(ReplyBuilder::failure(message, Wire::Error::InvalidChannel)));
        return;
    }
    const QJsonValue data = message.object.value(Wire::Field::Data);
    if (data.isUndefined()) {
        batch.replies.append(toCompactJson(ReplyBuilder::failure(message, Wire::Error::InvalidMessage)));
        return;
    }

    ++messagesIn;
    // /service channels reach the server only: acknowledged, never broadcast.
    if (!message.name->isService()) {
        activity.published(*message.name, channels);
        std::optional<OutgoingMessage> outgoing;
        channels.forEachSubscriber(*message.name, [&](Session *subscriber) {
            if (!outgoing) outgoing = OutgoingMessage::make(message.channel, data, message.id);
            enqueue(subscriber, *outgoing);
        });
    }

    QJsonObject reply = ReplyBuilder::reply(message);
    reply.insert(Wire::Field::Successful, true);
    batch.replies.append(toCompactJson(reply));
}

void BayeuxEngine::Private::finishBatch(Batch &batch)
{
    Connection *connection = batch.connection;
    if (!batch.connect) {
        if (!batch.replies.isEmpty() || !connection->isPersistent()) {
            JsonArrayWriter writer;
            for (const QByteArray &reply : std::as_const(batch.replies))
                writer.append(reply);
            deliver(connection, writer.take(), 0);
        }
        return;
    }

    const Batch::Connect connect = *batch.connect;
    Session *session = sessions.find(connect.clientId);
    if (!session) {
        // Disconnected later in the same batch.
        batch.connect.reset();
        batch.replies[connect.index] = toCompactJson(unknownClient(vanishedConnect(connect.id)));
        finishBatch(batch);
        return;
    }

    bool answerNow = connect.holdMs == 0 || connect.resend || !session->connected || session->queue.hasUnsent();
    session->connected = true;
    bool multipleClients = false;
    if (!answerNow && !connection->isPersistent() && !session->browserId.isEmpty() && options.maxSessionsPerBrowser >= 0
        && heldPerBrowser.value(session->browserId) >= options.maxSessionsPerBrowser) {
        // As CometD: another tab of this browser already holds a long-poll; holding one more would
        // use up the browser's few connections per host, so this one polls at an interval instead.
        answerNow = true;
        multipleClients = true;
    }
    if (!answerNow) {
        hold(session, batch, connect);
        return;
    }

    SessionQueue::Delivery delivery = session->queue.takeForDelivery(options.maxDeliveryBytes);
    const QByteArray &advice = multipleClients ? multipleClientsAdviceJson : connectAdviceJson;
    batch.replies[connect.index] = connectReply(session, connect.id, advice, delivery.batch);
    JsonArrayWriter writer;
    for (const QByteArray &reply : std::as_const(batch.replies))
        writer.append(reply);
    writer.append(delivery.messages);
    scheduleExpiry(session);
    // Over one budget of messages waited: a WebSocket gets the rest pushed in later turns.
    if (session->queue.hasUnsent() && session->pushConnection && !session->queue.ackMode()) markDirty(session);
    deliver(connection, writer.take(), delivery.messages.size());
}

// ------------------------------------------------------------------------------ connects, delivery

QByteArray BayeuxEngine::Private::connectReply(
    const Session *session, const QJsonValue &id, const QByteArray &adviceJson, qint64 ackBatch) const
{
    return connectReplyJson(adviceJson, session->clientId, id, ackBatch);
}

void BayeuxEngine::Private::hold(Session *session, Batch &batch, const Batch::Connect &connect)
{
    HeldConnect held;
    held.connection = batch.connection;
    held.id = standalone(connect.id);
    held.persistent = batch.connection->isPersistent();
    batch.replies.removeAt(connect.index); // the reply is built when the connect is answered
    if (held.persistent) {
        // WebSocket: the rest of the batch is answered now; only the connect waits.
        if (!batch.replies.isEmpty()) {
            JsonArrayWriter writer;
            for (const QByteArray &reply : std::as_const(batch.replies))
                writer.append(reply);
            deliver(batch.connection, writer.take(), 0);
        }
    } else {
        // Long-polling: one HTTP answer, so the whole batch waits with the connect.
        held.replies = std::move(batch.replies);
        held.connectIndex = connect.index;
        held.browserId = session->browserId;
        if (!held.browserId.isEmpty()) ++heldPerBrowser[held.browserId];
    }
    session->held = std::move(held);
    holding.insert(session->clientId);
    // A WebSocket is linked already, as the session's push connection.
    if (batch.connection != session->pushConnection) byConnection[batch.connection].insert(session->clientId);
    scheduleDeadline(session, clock() + connect.holdMs);
}

void BayeuxEngine::Private::releaseHeldState(Session *session, const HeldConnect &held)
{
    holding.remove(session->clientId);
    if (!held.browserId.isEmpty()) {
        const auto it = heldPerBrowser.find(held.browserId);
        if (it != heldPerBrowser.end() && --*it <= 0) heldPerBrowser.erase(it);
    }
    unlinkIfUnused(session, held.connection);
}

void BayeuxEngine::Private::answerHeld(Session *session, Answer answer)
{
    // The session's state is settled before deliver(): a transport may call back into the engine.
    HeldConnect held = std::move(*session->held);
    session->held.reset();
    releaseHeldState(session, held);

    SessionQueue::Delivery delivery;
    if (answer == Answer::Normal) delivery = session->queue.takeForDelivery(options.maxDeliveryBytes);
    const QByteArray &advice = answer == Answer::Disconnected ? noReconnectAdviceJson : connectAdviceJson;
    const QByteArray reply = connectReply(session, held.id, advice, delivery.batch);

    JsonArrayWriter writer;
    for (qsizetype i = 0; i <= held.replies.size(); ++i) {
        if (i == held.connectIndex) writer.append(reply);
        if (i < held.replies.size()) writer.append(held.replies.at(i));
    }
    writer.append(delivery.messages);
    if (answer != Answer::Disconnected) scheduleExpiry(session);
    deliver(held.connection, writer.take(), delivery.messages.size());
}

void BayeuxEngine::Private::dropHeld(Session *session)
{
    const HeldConnect held = std::move(*session->held);
    session->held.reset();
    releaseHeldState(session, held);
    scheduleExpiry(session);
}

void BayeuxEngine::Private::enqueue(Session *session, const OutgoingMessage &message)
{
    session->queue.enqueue(message);
    if (session->held || session->pushConnection) markDirty(session);
}

void BayeuxEngine::Private::markDirty(Session *session)
{
    if (session->dirty) return;
    session->dirty = true;
    dirty.append(session->clientId);
    scheduleFlush();
}

void BayeuxEngine::Private::scheduleFlush()
{
    if (flushScheduled) return;
    flushScheduled = true;
    // Once per event-loop turn: every message queued in this turn goes in one deliver() per session.
    QMetaObject::invokeMethod(
        q,
        [this] {
            flushScheduled = false;
            flush();
        },
        Qt::QueuedConnection);
}

void BayeuxEngine::Private::flush()
{
    const QList<QByteArray> pending = std::exchange(dirty, {});
    for (const QByteArray &clientId : pending) {
        Session *session = sessions.find(clientId);
        if (!session) continue;
        session->dirty = false;
        deliverQueued(session);
    }
}

void BayeuxEngine::Private::deliverQueued(Session *session)
{
    if (!session->queue.hasUnsent()) return;
    // Long-polling, and every ack session (CometD delivers those with /meta/connect replies only, so
    // that each message belongs to an acknowledged batch), answer the held connect.
    if (session->held && (!session->held->persistent || session->queue.ackMode())) {
        // A client that has not taken earlier answers gets the next one when it has (or at the
        // connect's deadline); meanwhile its messages wait in its bounded queue.
        if (session->held->connection->canWrite()) answerHeld(session, Answer::Normal);
        return;
    }
    if (session->pushConnection && !session->queue.ackMode()) {
        if (!session->pushConnection->canWrite()) return; // connectionWritable() brings it back
        const SessionQueue::Delivery delivery = session->queue.takeForDelivery(options.maxDeliveryBytes);
        deliveredMessages += delivery.messages.size();
        session->pushConnection->deliverMessages(delivery.messages);
        // More than one budget's worth was waiting: the rest goes in a later turn, if the client
        // keeps up.
        if (session->queue.hasUnsent()) markDirty(session);
    }
}

void BayeuxEngine::Private::deliver(Connection *connection, const QByteArray &json, qsizetype messageCount)
{
    deliveredMessages += messageCount;
    connection->deliver(json);
}

// ------------------------------------------------------------------------------------ connections

void BayeuxEngine::Private::setPushConnection(Session *session, Connection *connection)
{
    // Every heartbeat comes here with the connection the session already has: nothing to do.
    if (session->pushConnection == connection) return;
    Connection *previous = std::exchange(session->pushConnection, connection);
    if (connection) byConnection[connection].insert(session->clientId);
    unlinkIfUnused(session, previous);
}

void BayeuxEngine::Private::unlinkIfUnused(Session *session, Connection *connection)
{
    if (!connection || session->pushConnection == connection
        || (session->held && session->held->connection == connection))
        return;
    const auto it = byConnection.find(connection);
    if (it == byConnection.end()) return;
    it->second.remove(session->clientId);
    if (it->second.isEmpty()) byConnection.erase(it);
}

// ---------------------------------------------------------------------------- deadlines, lifetime

qint64 BayeuxEngine::Private::roundUpToBucket(qint64 deadline)
{
    const qint64 rest = deadline % kDeadlineBucketMs;
    if (rest == 0) return deadline;
    return deadline + (rest > 0 ? kDeadlineBucketMs - rest : -rest);
}

void BayeuxEngine::Private::scheduleDeadline(Session *session, qint64 deadline)
{
    session->deadline = roundUpToBucket(deadline);
    // A live entry due no later than the new deadline stays: processDeadlines() pushes it again when
    // it comes due early. So the usual cycle (expiry, then a later hold deadline) needs no push.
    if (session->queuedDeadline && *session->queuedDeadline <= session->deadline) return;
    pushDeadline(session);
}

void BayeuxEngine::Private::pushDeadline(Session *session)
{
    session->queuedDeadline = session->deadline;
    deadlines.schedule(session->deadline, session->clientId, ++session->generation);
    // Superseded entries (a deadline moved earlier) stay until they come due; past a multiple of
    // the live ones, sweep them.
    if (deadlines.size() > 2 * sessions.sessionCount() + 1024) {
        deadlines.removeIf([this](const DeadlineQueue::Entry &entry) {
            const Session *owner = sessions.find(entry.key);
            return !owner || owner->generation != entry.generation;
        });
    }
    armTimer();
}

void BayeuxEngine::Private::scheduleExpiry(Session *session)
{
    // The client waits `interval` before its next /meta/connect, then has maxInterval to send it.
    scheduleDeadline(session, clock() + options.intervalMs + options.maxIntervalMs);
}

void BayeuxEngine::Private::armTimer()
{
    const std::optional<qint64> next = deadlines.nextDeadline();
    if (!next) {
        timer.stop();
        return;
    }
    if (timer.isActive() && timerArmedFor <= *next) return;
    timerArmedFor = *next;
    const qint64 delay = std::clamp(*next - clock(), qint64(0), qint64(std::numeric_limits<int>::max()));
    timer.start(int(delay));
}

void BayeuxEngine::Private::processDeadlines()
{
    const qint64 now = clock();
    while (const std::optional<DeadlineQueue::Entry> entry = deadlines.popDue(now)) {
        Session *session = sessions.find(entry->key);
        if (!session || session->generation != entry->generation) continue;
        session->queuedDeadline.reset();
        if (session->deadline > now) {
            // Came due early (the deadline moved later since it was pushed): push it again.
            if (session->deadline != kNoDeadline) pushDeadline(session);
            continue;
        }
        if (session->held)
            answerHeld(session, Answer::Normal);
        else
            removeSession(entry->key, "expired");
    }
    armTimer();
}

void BayeuxEngine::Private::removeSession(const QByteArray &clientId, const char *why)
{
    std::unique_ptr<Session> session = sessions.take(clientId);
    if (!session) return;
    session->subscriptions.forEach([&](const QString &subscription) {
        if (channels.unsubscribe(subscription, session.get())) activity.subscribersChanged(subscription, channels);
    });
    if (session->held) {
        const HeldConnect held = std::move(*session->held);
        session->held.reset();
        releaseHeldState(session.get(), held);
    }
    setPushConnection(session.get(), nullptr);
    qCDebug(lcBayeux) << "session closed for" << session->user << why;
    Q_EMIT q->sessionClosed(session->user, session->clientId);
}

// ------------------------------------------------------------------------------------- public API

BayeuxEngine::BayeuxEngine(EngineOptions options, TokenCheck tokenCheck, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, options, std::move(tokenCheck)))
{ }

BayeuxEngine::~BayeuxEngine() = default;

void BayeuxEngine::setClock(Clock clock)
{
    d->clock = std::move(clock);
    d->timer.stop();
    d->armTimer();
}

const EngineOptions &BayeuxEngine::options() const
{
    return d->options;
}

void BayeuxEngine::handleBatch(const QJsonArray &batch, Connection *connection, const RequestInfo &info)
{
    if (!connection) return;
    Private::Batch context;
    context.connection = connection;
    context.info = &info;
    context.replies.reserve(batch.size() + 1);
    for (const QJsonValue value : batch)
        d->handleMessage(value, context);
    d->finishBatch(context);
}

void BayeuxEngine::connectionClosed(Connection *connection)
{
    const auto node = d->byConnection.extract(connection);
    if (node.empty()) return;
    const SmallSet<QByteArray> &clientIds = node.mapped();
    clientIds.forEach([&](const QByteArray &clientId) {
        Session *session = d->sessions.find(clientId);
        if (!session) return;
        if (session->pushConnection == connection) session->pushConnection = nullptr;
        if (session->held && session->held->connection == connection) d->dropHeld(session);
    });
}

void BayeuxEngine::connectionWritable(Connection *connection)
{
    const auto it = d->byConnection.find(connection);
    if (it == d->byConnection.end()) return;
    it->second.forEach([&](const QByteArray &clientId) {
        Session *session = d->sessions.find(clientId);
        if (session && session->queue.hasUnsent()) d->markDirty(session);
    });
}

void BayeuxEngine::releaseAllHeld()
{
    const QSet<QByteArray> clientIds = d->holding;
    for (const QByteArray &clientId : clientIds) {
        Session *session = d->sessions.find(clientId);
        if (session && session->held) d->answerHeld(session, Private::Answer::Normal);
    }
}

int BayeuxEngine::publish(const QString &channel, const QJsonValue &data, const QString &id)
{
    const std::optional<ChannelName> name = ChannelName::parse(channel);
    if (!name || name->isWildcard() || name->isMeta() || name->isService()) return 0;
    ++d->messagesIn;
    d->activity.published(*name, d->channels);
    int count = 0;
    std::optional<OutgoingMessage> outgoing;
    d->channels.forEachSubscriber(*name, [&](Session *session) {
        if (!outgoing) outgoing = OutgoingMessage::make(channel, data, id.isEmpty() ? QJsonValue() : QJsonValue(id));
        d->enqueue(session, *outgoing);
        ++count;
    });
    return count;
}

int BayeuxEngine::deliverToUser(const QString &user, const QString &channel, const QJsonValue &data, const QString &id)
{
    const std::optional<ChannelName> name = ChannelName::parse(channel);
    if (!name || name->isWildcard() || name->isMeta()) return 0;
    const QList<Session *> targets = d->sessions.sessionsOf(user);
    if (targets.isEmpty()) return 0;
    ++d->messagesIn;
    d->activity.published(*name, d->channels);
    const OutgoingMessage outgoing = OutgoingMessage::make(channel, data, id.isEmpty() ? QJsonValue() : QJsonValue(id));
    for (Session *session : targets)
        d->enqueue(session, outgoing);
    return int(targets.size());
}

bool BayeuxEngine::isSubscribed(const QString &user, const QString &channel) const
{
    const std::optional<ChannelName> name = ChannelName::parse(channel);
    if (!name) return false;
    const QStringList patterns = name->matchingPatterns();
    for (const Session *session : d->sessions.sessionsOf(user)) {
        if (session->subscriptions.contains(channel)) return true;
        for (const QString &pattern : patterns) {
            if (session->subscriptions.contains(pattern)) return true;
        }
    }
    return false;
}

bool BayeuxEngine::hasChannel(const QString &channel) const
{
    return d->channels.hasSubscribers(channel);
}

int BayeuxEngine::sessionCount() const
{
    return int(d->sessions.sessionCount());
}

int BayeuxEngine::userCount() const
{
    return int(d->sessions.userCount());
}

int BayeuxEngine::heldCount() const
{
    return int(d->holding.size());
}

qint64 BayeuxEngine::queuedMessages() const
{
    return d->stats.queued;
}

qint64 BayeuxEngine::deliveries() const
{
    return d->deliveredMessages;
}

qint64 BayeuxEngine::messagesIn() const
{
    return d->messagesIn;
}

QList<ChannelStat> BayeuxEngine::channelStats() const
{
    return d->activity.all(d->channels);
}

QList<ChannelStat> BayeuxEngine::takeChannelChanges()
{
    return d->activity.takeChanges(d->channels);
}

qint64 BayeuxEngine::droppedMessages() const
{
    return d->stats.dropped;
}

qsizetype BayeuxEngine::scheduledDeadlines() const
{
    return d->deadlines.size();
}

qint64 BayeuxEngine::nextDeadline() const
{
    return d->deadlines.nextDeadline().value_or(-1);
}

void BayeuxEngine::processDeadlines()
{
    d->processDeadlines();
}

} // namespace Bayeux
