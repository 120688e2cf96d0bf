#include "bayeuxengine.h"
#include "channelname.h"
#include "wire.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QTest>

#include <cctype>
#include <list>
#include <memory>
#include <optional>
#include <vector>

using namespace Qt::StringLiterals;
using namespace Bayeux;

namespace {

// Records what the engine writes. A non-persistent (long-poll) exchange must be answered exactly once.
class FakeConnection final : public Connection
{
public:
    explicit FakeConnection(bool persistent = false)
        : m_persistent(persistent)
    { }
    void deliver(const QByteArray &json) override
    {
        if (!m_persistent && !frames.isEmpty()) ++writesAfterFinish;
        frames.append(json);
    }
    bool isPersistent() const override { return m_persistent; }
    bool canWrite() const override { return writable; }

    int count() const { return int(frames.size()); }
    QJsonArray frame(qsizetype i) const { return QJsonDocument::fromJson(frames.at(i)).array(); }
    QJsonArray last() const { return frames.isEmpty() ? QJsonArray() : frame(frames.size() - 1); }

    QList<QByteArray> frames;
    int writesAfterFinish = 0;
    bool writable = true; // false: the client has not taken its outgoing budget

private:
    bool m_persistent;
};

RequestInfo longPoll(const QByteArray &browser = {})
{
    return RequestInfo { Wire::Transport::LongPolling, browser };
}

RequestInfo webSocket()
{
    return RequestInfo { Wire::Transport::WebSocket, {} };
}

QString tokenFor(const QString &user)
{
    return u"token-"_s + user;
}

QJsonObject handshakeMessage(const QString &user, bool ack = false)
{
    QJsonObject message {
        { Wire::Field::Channel, Wire::Channel::Handshake },
        { Wire::Field::Version, u"1.0"_s },
        { Wire::Field::SupportedConnectionTypes, QJsonArray { u"long-polling"_s, u"websocket"_s } },
        { Wire::Field::ExoId, user },
        { Wire::Field::ExoToken, tokenFor(user) },
    };
    if (ack) message.insert(Wire::Field::Ext, QJsonObject { { Wire::Field::Ack, true } });
    return message;
}

QJsonObject connectMessage(const QByteArray &clientId, std::optional<int> timeout = std::nullopt,
    std::optional<qint64> ack = std::nullopt, QLatin1StringView type = Wire::Transport::LongPolling)
{
    QJsonObject message {
        { Wire::Field::Channel, Wire::Channel::Connect },
        { Wire::Field::ClientId, QString::fromLatin1(clientId) },
        { Wire::Field::ConnectionType, type },
    };
    if (timeout) message.insert(Wire::Field::Advice, QJsonObject { { Wire::AdviceField::Timeout, *timeout } });
    if (ack) message.insert(Wire::Field::Ext, QJsonObject { { Wire::Field::Ack, *ack } });
    return message;
}

QJsonObject subscribeMessage(
    const QByteArray &clientId, const QJsonValue &subscription, QLatin1StringView channel = Wire::Channel::Subscribe)
{
    return QJsonObject {
        { Wire::Field::Channel, channel },
        { Wire::Field::ClientId, QString::fromLatin1(clientId) },
        { Wire::Field::Subscription, subscription },
    };
}

QJsonObject publishMessage(const QByteArray &clientId, const QString &channel, const QJsonValue &data)
{
    return QJsonObject {
        { Wire::Field::Channel, channel },
        { Wire::Field::ClientId, QString::fromLatin1(clientId) },
        { Wire::Field::Data, data },
    };
}

// The first element of `frame` on `channel` that is a reply (has "successful").
QJsonObject replyOn(const QJsonArray &frame, QLatin1StringView channel)
{
    for (const QJsonValue &value : frame) {
        const QJsonObject object = value.toObject();
        if (object.value(Wire::Field::Channel).toString() == channel && object.contains(Wire::Field::Successful))
            return object;
    }
    return {};
}

// The data messages of `frame` (not replies), as their "data" values.
QJsonArray dataOf(const QJsonArray &frame)
{
    QJsonArray data;
    for (const QJsonValue &value : frame) {
        const QJsonObject object = value.toObject();
        if (!object.contains(Wire::Field::Successful)) data.append(object.value(Wire::Field::Data));
    }
    return data;
}

QStringList channelsOf(const QJsonArray &frame)
{
    QStringList channels;
    for (const QJsonValue &value : frame)
        channels.append(value.toObject().value(Wire::Field::Channel).toString());
    return channels;
}

// Runs the engine's end-of-turn flush (a queued invocation) without waiting.
void runPostedEvents()
{
    QCoreApplication::sendPostedEvents(nullptr, QEvent::MetaCall);
}

EngineOptions defaultOptions()
{
    return EngineOptions {};
}

// One engine with a fake clock; tests move time with advance().
class Harness
{
    Q_DISABLE_COPY_MOVE(Harness)
public:
    explicit Harness(EngineOptions options = defaultOptions())
        : engine(options, [](const QString &user, const QString &token) { return token == tokenFor(user); })
    {
        engine.setClock([this] { return now; });
        QObject::connect(&engine, &BayeuxEngine::sessionOpened, &engine,
            [this](const QString &user, const QByteArray &clientId, QLatin1StringView transport) {
                opened.append(user + u' ' + QString::fromLatin1(clientId) + u' ' + transport);
            });
        QObject::connect(
            &engine, &BayeuxEngine::sessionClosed, &engine, [this](const QString &user, const QByteArray &clientId) {
                closed.append(user + u' ' + QString::fromLatin1(clientId));
            });
    }

    // The frame written for this batch, or an empty array when nothing was written.
    QJsonArray send(const QJsonArray &batch, FakeConnection &connection, const RequestInfo &info = longPoll())
    {
        const int before = connection.count();
        engine.handleBatch(batch, &connection, info);
        return connection.count() > before ? connection.last() : QJsonArray();
    }
    QJsonArray send(const QJsonObject &message, FakeConnection &connection, const RequestInfo &info = longPoll())
    {
        return send(QJsonArray { message }, connection, info);
    }

    // Handshakes and makes the session's first /meta/connect, which the engine answers at once (as
    // CometD does): the session is then where a real client's is, and its next connect is held.
    // Empty when either is refused.
    QByteArray handshake(const QString &user, bool ack = false, const RequestInfo &info = longPoll())
    {
        const QByteArray clientId = handshakeOnly(user, ack, info);
        if (clientId.isEmpty()) return {};
        const bool webSocket = info.transport == Wire::Transport::WebSocket;
        // Kept: a WebSocket session pushes to the connection of its last connect.
        FakeConnection &connection = firstConnects.emplace_back(webSocket);
        const QJsonArray frame
            = send(connectMessage(clientId, std::nullopt, std::nullopt, info.transport), connection, info);
        if (!replyOn(frame, Wire::Channel::Connect).value(Wire::Field::Successful).toBool()) return {};
        return clientId;
    }

    QByteArray handshakeOnly(const QString &user, bool ack = false, const RequestInfo &info = longPoll())
    {
        FakeConnection connection;
        const QJsonObject reply
            = replyOn(send(handshakeMessage(user, ack), connection, info), Wire::Channel::Handshake);
        return reply.value(Wire::Field::ClientId).toString().toLatin1();
    }

    bool subscribe(const QByteArray &clientId, const QString &channel)
    {
        FakeConnection connection;
        return replyOn(send(subscribeMessage(clientId, channel), connection), Wire::Channel::Subscribe)
            .value(Wire::Field::Successful)
            .toBool();
    }

    void advance(qint64 ms)
    {
        now += ms;
        engine.processDeadlines();
    }

    qint64 now = 1000000;
    std::list<FakeConnection> firstConnects; // before the engine: destroyed after it
    BayeuxEngine engine;
    QStringList opened;
    QStringList closed;
};

} // namespace

class tst_BayeuxEngine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // handshake
    void handshake_data();
    void handshake();
    void refusedNameCannotForgeALogLine();
    void handshakeAck_data();
    void handshakeAck();
    void clientIdsAreUnguessable();
    void nodeFull_data();
    void nodeFull();
    void sessionsPerUserCapped_data();
    void sessionsPerUserCapped();
    void tooManySessionsBeforeNodeFull();
    // connect
    void unknownClient_data();
    void unknownClient();
    void connectionTypeRequired_data();
    void connectionTypeRequired();
    void firstConnectAnsweredAtOnce_data();
    void firstConnectAnsweredAtOnce();
    void heldConnectTimesOut();
    void clientTimeoutAdvice_data();
    void clientTimeoutAdvice();
    void connectTakesEveryQueuedMessage();
    void secondConnectAnswersTheFirst_data();
    void secondConnectAnswersTheFirst();
    void messagesCompleteHeldLongPoll();
    void longPollBatchWaitsForConnect();
    void batchPublishingToItselfAnswersAtOnce();
    void webSocketRepliesAtOnceAndPushes();
    void webSocketSingleMessageFrameIsShared();
    void webSocketConnectionClosed();
    void manySessionsOnOneWebSocket();
    void manySubscriptionsOfOneSession();
    void longPollConnectionClosed();
    void multipleClients_data();
    void multipleClients();
    void multipleClientsSlotIsReleased();
    void realTimerAnswersHeldConnect();
    void heldConnectReplyText_data();
    void heldConnectReplyText();
    void deadlinesShareBucket_data();
    void deadlinesShareBucket();
    void deadlineQueueStaysBounded_data();
    void deadlineQueueStaysBounded();
    // lifetime
    void sessionExpires_data();
    void sessionExpires();
    void heldConnectKeepsSessionAlive();
    void disconnectEndsSession_data();
    void disconnectEndsSession();
    // subscriptions
    void subscribe_data();
    void subscribe();
    void subscriptionCap();
    void unsubscribe_data();
    void unsubscribe();
    // publishing
    void publish_data();
    void publish();
    void publisherReceivesOwnMessage();
    void serverPublish_data();
    void serverPublish();
    void deliverToUser();
    void isSubscribed_data();
    void isSubscribed();
    void hasChannel();
    void counters();
    void channelStats();
    void channelStatsIgnoreUnsubscribedNames();
    void queueCapDropsOldest();
    void slowWebSocketKeepsMessagesQueued();
    void slowLongPollWaitsForTheClient();
    void deliveriesAreCappedByBytes_data();
    void deliveriesAreCappedByBytes();
    void releaseAllHeld();
    // ack extension
    void ackBatchNumbers();
    void ackLostResponseIsResent();
    void ackWebSocketReconnect();
    void ackConnectWithoutAckHolds();
    // validation
    void invalidMessages_data();
    void invalidMessages();
    void emptyBatch_data();
    void emptyBatch();
    void idIsEchoed_data();
    void idIsEchoed();
};

// ------------------------------------------------------------------------------------------ handshake

void tst_BayeuxEngine::handshake_data()
{
    QTest::addColumn<QJsonObject>("message");
    QTest::addColumn<QString>("error"); // empty: successful

    const QJsonObject good = handshakeMessage(u"exo1"_s);
    QTest::addRow("top-level credentials") << good << QString();

    QJsonObject inExt = good;
    inExt.remove(Wire::Field::ExoId);
    inExt.remove(Wire::Field::ExoToken);
    inExt.insert(Wire::Field::Ext,
        QJsonObject { { Wire::Field::ExoId, u"exo1"_s }, { Wire::Field::ExoToken, tokenFor(u"exo1"_s) } });
    QTest::addRow("credentials in ext") << inExt << QString();

    QJsonObject wrongToken = good;
    wrongToken.insert(Wire::Field::ExoToken, u"nope"_s);
    QTest::addRow("wrong token") << wrongToken << QString(Wire::Error::InvalidToken);

    QJsonObject otherUsersToken = good;
    otherUsersToken.insert(Wire::Field::ExoToken, tokenFor(u"exo2"_s));
    QTest::addRow("another user's token") << otherUsersToken << QString(Wire::Error::InvalidToken);

    QJsonObject noToken = good;
    noToken.remove(Wire::Field::ExoToken);
    QTest::addRow("missing token") << noToken << QString(Wire::Error::InvalidToken);

    QJsonObject noUser = good;
    noUser.remove(Wire::Field::ExoId);
    QTest::addRow("missing user") << noUser << QString(Wire::Error::InvalidToken);

    QJsonObject numericUser = good;
    numericUser.insert(Wire::Field::ExoId, 42);
    QTest::addRow("user not a string") << numericUser << QString(Wire::Error::InvalidToken);

    QJsonObject emptyUser = handshakeMessage(QString());
    QTest::addRow("empty user") << emptyUser << QString(Wire::Error::InvalidToken);

    QJsonObject onlyUnknownTypes = good;
    onlyUnknownTypes.insert(Wire::Field::SupportedConnectionTypes, QJsonArray { u"iframe"_s });
    QTest::addRow("no common connection type") << onlyUnknownTypes << QString(Wire::Error::UnsupportedConnectionType);
}

void tst_BayeuxEngine::handshake()
{
    QFETCH(QJsonObject, message);
    QFETCH(QString, error);

    Harness h;
    FakeConnection connection;
    message.insert(Wire::Field::Id, u"1"_s);
    const QJsonArray frame = h.send(message, connection);
    QCOMPARE(frame.size(), 1);
    const QJsonObject reply = frame.first().toObject();
    QCOMPARE(reply.value(Wire::Field::Channel).toString(), QString(Wire::Channel::Handshake));
    QCOMPARE(reply.value(Wire::Field::Id).toString(), u"1"_s);
    const QJsonObject advice = reply.value(Wire::Field::Advice).toObject();

    if (!error.isEmpty()) {
        QCOMPARE(reply.value(Wire::Field::Successful).toBool(true), false);
        QCOMPARE(reply.value(Wire::Field::Error).toString(), error);
        QCOMPARE(advice.value(Wire::AdviceField::Reconnect).toString(), QString(Wire::AdviceField::None));
        QVERIFY(!reply.contains(Wire::Field::ClientId));
        QCOMPARE(h.engine.sessionCount(), 0);
        QVERIFY(h.opened.isEmpty());
        return;
    }

    QCOMPARE(reply.value(Wire::Field::Successful).toBool(), true);
    const QString clientId = reply.value(Wire::Field::ClientId).toString();
    QVERIFY(!clientId.isEmpty());
    QCOMPARE(reply.value(Wire::Field::Version).toString(), u"1.0"_s);
    QCOMPARE(reply.value(Wire::Field::SupportedConnectionTypes).toArray(),
        (QJsonArray { u"long-polling"_s, u"callback-polling"_s, u"websocket"_s }));
    QCOMPARE(advice.value(Wire::AdviceField::Reconnect).toString(), QString(Wire::AdviceField::Retry));
    QCOMPARE(advice.value(Wire::AdviceField::Interval).toInt(-1), 0);
    QCOMPARE(advice.value(Wire::AdviceField::Timeout).toInt(), 30000);
    QCOMPARE(advice.value(Wire::AdviceField::MaxInterval).toInt(), 10000);
    QVERIFY(!reply.contains(Wire::Field::Ext)); // no ext.ack unless asked
    QCOMPARE(h.engine.sessionCount(), 1);
    QCOMPARE(h.engine.userCount(), 1);
    QCOMPARE(h.opened, QStringList { u"exo1 "_s + clientId + u" long-polling"_s });
}

// The user name of a refused handshake is the client's, unchecked: the log line shows it quoted and
// escaped, so that a name with a line break does not write a line of its own.
void tst_BayeuxEngine::refusedNameCannotForgeALogLine()
{
    Harness h;
    FakeConnection connection;
    QJsonObject message = handshakeMessage(u"mallory\nnode 2 is up"_s);
    message.insert(Wire::Field::ExoToken, u"not-a-token"_s);
    QTest::ignoreMessage(QtInfoMsg, "handshake refused: invalid token for user \"mallory\\nnode 2 is up\"");
    const QJsonObject reply = replyOn(h.send(message, connection), Wire::Channel::Handshake);
    QCOMPARE(reply.value(Wire::Field::Successful).toBool(true), false);
}

void tst_BayeuxEngine::handshakeAck_data()
{
    QTest::addColumn<QJsonValue>("ext");
    QTest::addColumn<bool>("ack");
    QTest::addRow("ext.ack true") << QJsonValue(QJsonObject { { Wire::Field::Ack, true } }) << true;
    QTest::addRow("ext.ack false") << QJsonValue(QJsonObject { { Wire::Field::Ack, false } }) << false;
    QTest::addRow("ext without ack") << QJsonValue(QJsonObject { { u"other"_s, 1 } }) << false;
    QTest::addRow("ext not an object") << QJsonValue(u"ack"_s) << false;
}

void tst_BayeuxEngine::handshakeAck()
{
    QFETCH(QJsonValue, ext);
    QFETCH(bool, ack);
    Harness h;
    FakeConnection connection;
    QJsonObject message = handshakeMessage(u"exo1"_s);
    message.insert(Wire::Field::Ext, ext);
    const QJsonObject reply = replyOn(h.send(message, connection), Wire::Channel::Handshake);
    QVERIFY(reply.value(Wire::Field::Successful).toBool());
    QCOMPARE(reply.value(Wire::Field::Ext).toObject().value(Wire::Field::Ack).toBool(false), ack);
    QCOMPARE(reply.contains(Wire::Field::Ext), ack);
}

void tst_BayeuxEngine::clientIdsAreUnguessable()
{
    EngineOptions options;
    options.maxSessionsPerUser = 50; // one user's tabs, all at once
    Harness h(options);
    QSet<QByteArray> seen;
    for (int i = 0; i < 50; ++i) {
        const QByteArray clientId = h.handshake(u"exo1"_s);
        QVERIFY(clientId.size() >= 22); // >= 128 bits in base64
        for (const char c : clientId)
            QVERIFY2(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_', clientId.constData());
        seen.insert(clientId);
    }
    QCOMPARE(seen.size(), 50);
    QCOMPARE(h.engine.userCount(), 1); // one user, many tabs
}

void tst_BayeuxEngine::sessionsPerUserCapped_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<bool>("webSocket");
    QTest::addRow("default 16, long-polling") << EngineOptions {}.maxSessionsPerUser << false;
    QTest::addRow("default 16, websocket") << EngineOptions {}.maxSessionsPerUser << true;
    QTest::addRow("one session per user") << 1 << false;
}

void tst_BayeuxEngine::sessionsPerUserCapped()
{
    QFETCH(int, limit);
    QFETCH(bool, webSocket);
    QCOMPARE(EngineOptions {}.maxSessionsPerUser, 16); // SPEC §1 default
    const RequestInfo info = webSocket ? ::webSocket() : longPoll();

    EngineOptions options;
    options.maxSessionsPerUser = limit;
    Harness h(options);
    QList<QByteArray> sessions;
    for (int i = 0; i < limit; ++i) {
        const QByteArray clientId = h.handshake(u"exo1"_s, false, info);
        QVERIFY2(!clientId.isEmpty(), qPrintable(QString::number(i)));
        sessions.append(clientId);
    }
    QVERIFY(h.subscribe(sessions.first(), u"/eXo/cometd/test"_s));

    // One more for the same user: refused, and the client is told not to retry.
    FakeConnection refused;
    const QJsonObject reply = replyOn(h.send(handshakeMessage(u"exo1"_s), refused, info), Wire::Channel::Handshake);
    QCOMPARE(reply.value(Wire::Field::Successful).toBool(true), false);
    QCOMPARE(reply.value(Wire::Field::Error).toString(), QString(Wire::Error::TooManySessions));
    QVERIFY(!reply.contains(Wire::Field::ClientId));
    const QJsonObject advice = reply.value(Wire::Field::Advice).toObject();
    QCOMPARE(advice.value(Wire::AdviceField::Reconnect).toString(), QString(Wire::AdviceField::None));
    QCOMPARE(h.engine.sessionCount(), limit);
    QCOMPARE(h.opened.size(), limit);
    QVERIFY(h.closed.isEmpty());

    // The user's sessions are untouched: they still receive what is sent to the user.
    QCOMPARE(h.engine.deliverToUser(u"exo1"_s, u"/eXo/cometd/test"_s, u"hi"_s, u"1"_s), limit);
    QVERIFY(h.engine.isSubscribed(u"exo1"_s, u"/eXo/cometd/test"_s));

    // Another user still gets in.
    QVERIFY(!h.handshake(u"exo2"_s, false, info).isEmpty());

    // When one of the user's sessions ends, there is room for exactly one more.
    FakeConnection bye;
    const QJsonObject disconnect { { Wire::Field::Channel, Wire::Channel::Disconnect },
        { Wire::Field::ClientId, QString::fromLatin1(sessions.takeLast()) } };
    QVERIFY(replyOn(h.send(disconnect, bye, info), Wire::Channel::Disconnect).value(Wire::Field::Successful).toBool());
    QVERIFY(!h.handshake(u"exo1"_s, false, info).isEmpty());
    QVERIFY(h.handshake(u"exo1"_s, false, info).isEmpty());
    QCOMPARE(h.engine.sessionCount(), limit + 1);
}

// A user at its limit on a full node is told "too many sessions" (do not retry), not "node full"
// (retry in 1 s): retrying could never succeed while its own sessions stay.
void tst_BayeuxEngine::tooManySessionsBeforeNodeFull()
{
    EngineOptions options;
    options.maxSessionsPerUser = 2;
    options.maxSessions = 2;
    Harness h(options);
    QVERIFY(!h.handshake(u"a"_s).isEmpty());
    QVERIFY(!h.handshake(u"a"_s).isEmpty());
    FakeConnection connection;
    const QJsonObject sameUser = replyOn(h.send(handshakeMessage(u"a"_s), connection), Wire::Channel::Handshake);
    QCOMPARE(sameUser.value(Wire::Field::Error).toString(), QString(Wire::Error::TooManySessions));
    const QJsonObject otherUser = replyOn(h.send(handshakeMessage(u"b"_s), connection), Wire::Channel::Handshake);
    QCOMPARE(otherUser.value(Wire::Field::Error).toString(), QString(Wire::Error::NodeFull));
}

void tst_BayeuxEngine::nodeFull_data()
{
    QTest::addColumn<int>("maxSessions");
    QTest::addColumn<int>("maxUsers");
    QTest::addColumn<QStringList>("users"); // handshakes in order
    QTest::addColumn<bool>("lastAccepted");

    QTest::addRow("sessions beyond maxSessions") << 2 << 100 << QStringList { u"a"_s, u"b"_s, u"c"_s } << false;
    QTest::addRow("same user beyond maxSessions") << 2 << 100 << QStringList { u"a"_s, u"a"_s, u"a"_s } << false;
    QTest::addRow("new user beyond maxUsers") << 100 << 2 << QStringList { u"a"_s, u"b"_s, u"c"_s } << false;
    QTest::addRow("known user at maxUsers gets another tab")
        << 100 << 2 << QStringList { u"a"_s, u"b"_s, u"a"_s } << true;
    QTest::addRow("within limits") << 3 << 3 << QStringList { u"a"_s, u"b"_s, u"c"_s } << true;
}

void tst_BayeuxEngine::nodeFull()
{
    QFETCH(int, maxSessions);
    QFETCH(int, maxUsers);
    QFETCH(QStringList, users);
    QFETCH(bool, lastAccepted);

    EngineOptions options;
    options.maxSessions = maxSessions;
    options.maxUsers = maxUsers;
    Harness h(options);
    for (qsizetype i = 0; i + 1 < users.size(); ++i)
        QVERIFY(!h.handshake(users.at(i)).isEmpty());
    FakeConnection connection;
    const QJsonObject reply = replyOn(h.send(handshakeMessage(users.last()), connection), Wire::Channel::Handshake);
    QCOMPARE(reply.value(Wire::Field::Successful).toBool(), lastAccepted);
    QCOMPARE(h.engine.sessionCount(), int(users.size()) - (lastAccepted ? 0 : 1));
    if (lastAccepted) return;
    QCOMPARE(reply.value(Wire::Field::Error).toString(), QString(Wire::Error::NodeFull));
    const QJsonObject advice = reply.value(Wire::Field::Advice).toObject();
    QCOMPARE(advice.value(Wire::AdviceField::Reconnect).toString(), QString(Wire::AdviceField::Handshake));
    QCOMPARE(advice.value(Wire::AdviceField::Interval).toInt(), 1000);
}

// -------------------------------------------------------------------------------------------- connect

void tst_BayeuxEngine::unknownClient_data()
{
    QTest::addColumn<QJsonObject>("message");
    QTest::addColumn<bool>("advice");

    const QByteArray bogus = "no-such-client";
    QTest::addRow("connect") << connectMessage(bogus) << true;
    QTest::addRow("connect without clientId") << QJsonObject { { Wire::Field::Channel, Wire::Channel::Connect },
        { Wire::Field::ConnectionType, Wire::Transport::LongPolling } }
                                              << true;
    QTest::addRow("subscribe") << subscribeMessage(bogus, u"/a"_s) << false;
    QTest::addRow("unsubscribe") << subscribeMessage(bogus, u"/a"_s, Wire::Channel::Unsubscribe) << false;
    QTest::addRow("publish") << publishMessage(bogus, u"/a"_s, 1) << false;
    QTest::addRow("publish without clientId")
        << QJsonObject { { Wire::Field::Channel, u"/a"_s }, { Wire::Field::Data, 1 } } << false;
    QTest::addRow("disconnect") << QJsonObject { { Wire::Field::Channel, Wire::Channel::Disconnect },
        { Wire::Field::ClientId, QString::fromLatin1(bogus) } }
                                << false;
}

void tst_BayeuxEngine::unknownClient()
{
    QFETCH(QJsonObject, message);
    QFETCH(bool, advice);
    Harness h;
    h.handshake(u"exo1"_s); // another, real session must not matter
    FakeConnection connection;
    const QJsonArray frame = h.send(message, connection);
    QCOMPARE(frame.size(), 1);
    const QJsonObject reply = frame.first().toObject();
    QCOMPARE(reply.value(Wire::Field::Successful).toBool(true), false);
    QCOMPARE(reply.value(Wire::Field::Error).toString(), QString(Wire::Error::UnknownClient));
    QCOMPARE(reply.contains(Wire::Field::Advice), advice);
    if (advice) {
        QCOMPARE(reply.value(Wire::Field::Advice).toObject().value(Wire::AdviceField::Reconnect).toString(),
            QString(Wire::AdviceField::Handshake));
    }
    QCOMPARE(h.engine.heldCount(), 0);
}

void tst_BayeuxEngine::connectionTypeRequired_data()
{
    QTest::addColumn<QJsonValue>("connectionType");
    QTest::addRow("missing") << QJsonValue(QJsonValue::Undefined);
    QTest::addRow("unknown type") << QJsonValue(u"flash"_s);
    QTest::addRow("not a string") << QJsonValue(3);
}

void tst_BayeuxEngine::connectionTypeRequired()
{
    QFETCH(QJsonValue, connectionType);
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    QJsonObject message = connectMessage(clientId);
    message.remove(Wire::Field::ConnectionType);
    if (!connectionType.isUndefined()) message.insert(Wire::Field::ConnectionType, connectionType);
    FakeConnection connection;
    const QJsonObject reply = replyOn(h.send(message, connection), Wire::Channel::Connect);
    QCOMPARE(reply.value(Wire::Field::Successful).toBool(true), false);
    QCOMPARE(reply.value(Wire::Field::Error).toString(), QString(Wire::Error::UnsupportedConnectionType));
    QCOMPARE(h.engine.heldCount(), 0);
}

void tst_BayeuxEngine::firstConnectAnsweredAtOnce_data()
{
    QTest::addColumn<bool>("webSocket");
    QTest::addRow("long-polling") << false;
    QTest::addRow("websocket") << true;
}

void tst_BayeuxEngine::firstConnectAnsweredAtOnce()
{
    // As CometD: the first /meta/connect brings the advice back without waiting, so a client that
    // starts on long-polling (Faye) can move to WebSocket at once instead of after a held poll.
    QFETCH(bool, webSocket);
    const RequestInfo info = webSocket ? ::webSocket() : longPoll();
    Harness h;
    const QByteArray clientId = h.handshakeOnly(u"exo1"_s, false, info);
    QVERIFY(!clientId.isEmpty());
    FakeConnection connection(webSocket);
    QJsonObject first = connectMessage(clientId, std::nullopt, std::nullopt, info.transport);
    first.insert(Wire::Field::Id, u"2"_s);
    const QJsonObject reply = replyOn(h.send(first, connection, info), Wire::Channel::Connect);
    QVERIFY(reply.value(Wire::Field::Successful).toBool());
    QCOMPARE(reply.value(Wire::Field::Id).toString(), u"2"_s);
    const QJsonObject advice = reply.value(Wire::Field::Advice).toObject();
    QCOMPARE(advice.value(Wire::AdviceField::Reconnect).toString(), QString(Wire::AdviceField::Retry));
    QCOMPARE(advice.value(Wire::AdviceField::Timeout).toInt(), 30000);
    QCOMPARE(h.engine.heldCount(), 0);

    // Only the first: the next connect is held for the whole timeout.
    QVERIFY(h.send(connectMessage(clientId, std::nullopt, std::nullopt, info.transport), connection, info).isEmpty());
    QCOMPARE(h.engine.heldCount(), 1);
    h.advance(29999);
    QCOMPARE(connection.count(), 1);
    h.advance(1);
    QCOMPARE(connection.count(), 2);
}

void tst_BayeuxEngine::heldConnectTimesOut()
{
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    FakeConnection connection;
    QJsonObject message = connectMessage(clientId);
    message.insert(Wire::Field::Id, u"5"_s);
    QVERIFY(h.send(message, connection).isEmpty());
    QCOMPARE(h.engine.heldCount(), 1);

    h.advance(29999);
    QCOMPARE(connection.count(), 0);
    h.advance(1);
    QCOMPARE(connection.count(), 1);
    QCOMPARE(h.engine.heldCount(), 0);
    const QJsonArray frame = connection.last();
    QCOMPARE(frame.size(), 1);
    const QJsonObject reply = frame.first().toObject();
    QCOMPARE(reply.value(Wire::Field::Channel).toString(), QString(Wire::Channel::Connect));
    QCOMPARE(reply.value(Wire::Field::Successful).toBool(), true);
    QCOMPARE(reply.value(Wire::Field::Id).toString(), u"5"_s);
    QCOMPARE(reply.value(Wire::Field::ClientId).toString(), QString::fromLatin1(clientId));
    const QJsonObject advice = reply.value(Wire::Field::Advice).toObject();
    QCOMPARE(advice.value(Wire::AdviceField::Reconnect).toString(), QString(Wire::AdviceField::Retry));
    QCOMPARE(advice.value(Wire::AdviceField::Interval).toInt(-1), 0);
    QCOMPARE(advice.value(Wire::AdviceField::Timeout).toInt(), 30000);
    QVERIFY(!reply.contains(Wire::Field::Ext));
    QCOMPARE(connection.writesAfterFinish, 0);
}

void tst_BayeuxEngine::clientTimeoutAdvice_data()
{
    QTest::addColumn<int>("requested");
    QTest::addColumn<int>("heldFor"); // 0: answered at once

    QTest::addRow("timeout 0 answers at once (first connect)") << 0 << 0;
    QTest::addRow("shorter timeout honoured") << 5000 << 5000;
    QTest::addRow("longer timeout capped at the server's") << 999999 << 30000;
    QTest::addRow("negative timeout answers at once") << -5 << 0;
}

void tst_BayeuxEngine::clientTimeoutAdvice()
{
    QFETCH(int, requested);
    QFETCH(int, heldFor);
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    FakeConnection connection;
    h.send(connectMessage(clientId, requested), connection);
    if (heldFor == 0) {
        QCOMPARE(connection.count(), 1);
        const QJsonObject reply = replyOn(connection.last(), Wire::Channel::Connect);
        QVERIFY(reply.value(Wire::Field::Successful).toBool());
        // The advice always carries the server's own timeout.
        QCOMPARE(reply.value(Wire::Field::Advice).toObject().value(Wire::AdviceField::Timeout).toInt(), 30000);
        QCOMPARE(h.engine.heldCount(), 0);
        return;
    }
    QCOMPARE(h.engine.heldCount(), 1);
    h.advance(heldFor - 1);
    QCOMPARE(connection.count(), 0);
    h.advance(1);
    QCOMPARE(connection.count(), 1);
}

void tst_BayeuxEngine::connectTakesEveryQueuedMessage()
{
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    QVERIFY(h.subscribe(clientId, u"/a"_s));
    for (int i = 1; i <= 5; ++i)
        QCOMPARE(h.engine.publish(u"/a"_s, i, QString::number(i)), 1);
    QCOMPARE(h.engine.queuedMessages(), qint64(5));
    runPostedEvents(); // no connection yet: nothing to flush to

    FakeConnection connection;
    const QJsonArray frame = h.send(connectMessage(clientId), connection);
    QCOMPARE(connection.count(), 1); // answered at once despite the 30 s hold
    QCOMPARE(channelsOf(frame).first(), QString(Wire::Channel::Connect)); // [connect reply, messages...]
    QCOMPARE(dataOf(frame), (QJsonArray { 1, 2, 3, 4, 5 }));
    QCOMPARE(h.engine.queuedMessages(), qint64(0));
    QCOMPARE(h.engine.heldCount(), 0);
    QCOMPARE(h.engine.deliveries(), qint64(5));
}

void tst_BayeuxEngine::secondConnectAnswersTheFirst_data()
{
    QTest::addColumn<bool>("persistent");
    QTest::addRow("long-polling") << false;
    QTest::addRow("websocket") << true;
}

void tst_BayeuxEngine::secondConnectAnswersTheFirst()
{
    QFETCH(bool, persistent);
    Harness h;
    const RequestInfo info = persistent ? webSocket() : longPoll();
    const QLatin1StringView type = persistent ? Wire::Transport::WebSocket : Wire::Transport::LongPolling;
    const QByteArray clientId = h.handshake(u"exo1"_s, false, info);
    FakeConnection first(persistent);
    FakeConnection second(persistent);
    h.send(connectMessage(clientId, std::nullopt, std::nullopt, type), first, info);
    QCOMPARE(first.count(), 0);
    h.send(connectMessage(clientId, std::nullopt, std::nullopt, type), second, info);
    QCOMPARE(first.count(), 1);
    QCOMPARE(replyOn(first.last(), Wire::Channel::Connect).value(Wire::Field::Successful).toBool(), true);
    QCOMPARE(second.count(), 0);
    QCOMPARE(h.engine.heldCount(), 1);

    // Messages now go to the newer connect only.
    h.engine.publish(u"/x"_s, 1, {}); // not subscribed: nothing
    h.engine.deliverToUser(u"exo1"_s, u"/x"_s, 2, {});
    QTRY_COMPARE(second.count(), 1);
    QCOMPARE(first.count(), 1);
    QCOMPARE(dataOf(second.last()), QJsonArray { 2 });
}

void tst_BayeuxEngine::messagesCompleteHeldLongPoll()
{
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    QVERIFY(h.subscribe(clientId, u"/eXo/cometd/test"_s));
    FakeConnection connection;
    h.send(connectMessage(clientId), connection);
    QCOMPARE(h.engine.heldCount(), 1);

    // Several messages in one event-loop turn: one answer carrying all of them.
    h.engine.publish(u"/eXo/cometd/test"_s, u"one"_s, u"1"_s);
    h.engine.deliverToUser(u"exo1"_s, u"/eXo/cometd/test"_s, u"two"_s, u"2"_s);
    QCOMPARE(connection.count(), 0); // not before the end of the turn
    QTRY_COMPARE(connection.count(), 1);
    const QJsonArray frame = connection.last();
    QCOMPARE(channelsOf(frame), (QStringList { Wire::Channel::Connect, u"/eXo/cometd/test"_s, u"/eXo/cometd/test"_s }));
    QCOMPARE(frame.at(1).toObject(),
        (QJsonObject { { Wire::Field::Channel, u"/eXo/cometd/test"_s }, { Wire::Field::Data, u"one"_s },
            { Wire::Field::Id, u"1"_s } }));
    QCOMPARE(frame.at(2).toObject().value(Wire::Field::Id).toString(), u"2"_s);
    QCOMPARE(h.engine.heldCount(), 0);
    QCOMPARE(connection.writesAfterFinish, 0);
}

void tst_BayeuxEngine::longPollBatchWaitsForConnect()
{
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    FakeConnection connection;
    QJsonObject subscribe = subscribeMessage(clientId, u"/a"_s);
    subscribe.insert(Wire::Field::Id, u"7"_s);
    QVERIFY(h.send(QJsonArray { subscribe, connectMessage(clientId) }, connection).isEmpty());
    QCOMPARE(connection.count(), 0); // the subscribe reply waits with the held connect
    QVERIFY(h.engine.hasChannel(u"/a"_s)); // but the subscription is in effect

    h.advance(30000);
    QCOMPARE(connection.count(), 1);
    const QJsonArray frame = connection.last();
    QCOMPARE(channelsOf(frame), (QStringList { Wire::Channel::Subscribe, Wire::Channel::Connect }));
    QCOMPARE(frame.at(0).toObject().value(Wire::Field::Id).toString(), u"7"_s);
    QCOMPARE(frame.at(0).toObject().value(Wire::Field::Successful).toBool(), true);
}

void tst_BayeuxEngine::batchPublishingToItselfAnswersAtOnce()
{
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    QVERIFY(h.subscribe(clientId, u"/chat"_s));
    FakeConnection connection;
    // The connect comes first, the publish after it: the connect still takes the message.
    const QJsonArray frame
        = h.send(QJsonArray { connectMessage(clientId), publishMessage(clientId, u"/chat"_s, u"hi"_s) }, connection);
    QCOMPARE(connection.count(), 1);
    QCOMPARE(channelsOf(frame), (QStringList { Wire::Channel::Connect, u"/chat"_s, u"/chat"_s }));
    QCOMPARE(dataOf(frame), QJsonArray { u"hi"_s });
    QCOMPARE(h.engine.heldCount(), 0);
}

void tst_BayeuxEngine::webSocketRepliesAtOnceAndPushes()
{
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s, false, webSocket());
    FakeConnection ws(true);
    const QJsonArray frame = h.send(
        QJsonArray {
            subscribeMessage(clientId, u"/a"_s),
            connectMessage(clientId, std::nullopt, std::nullopt, Wire::Transport::WebSocket),
        },
        ws, webSocket());
    QCOMPARE(ws.count(), 1); // the subscribe reply, at once
    QCOMPARE(channelsOf(frame), QStringList { Wire::Channel::Subscribe });
    QCOMPARE(h.engine.heldCount(), 1);

    for (int i = 1; i <= 3; ++i)
        h.engine.publish(u"/a"_s, i, {});
    QTRY_COMPARE(ws.count(), 2);
    QCOMPARE(ws.last().size(), 3); // one frame for the three messages of the turn
    QCOMPARE(dataOf(ws.last()), (QJsonArray { 1, 2, 3 }));
    QCOMPARE(h.engine.heldCount(), 1); // pushing does not answer the connect

    h.engine.publish(u"/a"_s, 4, {});
    QTRY_COMPARE(ws.count(), 3);
    QCOMPARE(dataOf(ws.last()), QJsonArray { 4 });

    h.advance(30000);
    QCOMPARE(ws.count(), 4);
    QCOMPARE(channelsOf(ws.last()), QStringList { Wire::Channel::Connect });
    QCOMPARE(h.engine.heldCount(), 0);
}

void tst_BayeuxEngine::webSocketSingleMessageFrameIsShared()
{
    Harness h;
    QList<std::shared_ptr<FakeConnection>> sockets;
    for (int i = 0; i < 3; ++i) {
        const QByteArray clientId = h.handshake(u"user"_s + QString::number(i), false, webSocket());
        QVERIFY(h.subscribe(clientId, u"/news"_s));
        sockets.append(std::make_shared<FakeConnection>(true));
        h.send(connectMessage(clientId, std::nullopt, std::nullopt, Wire::Transport::WebSocket), *sockets.last(),
            webSocket());
    }
    QCOMPARE(h.engine.publish(u"/news"_s, u"x"_s, u"9"_s), 3);
    runPostedEvents();
    for (const auto &socket : sockets)
        QCOMPARE(socket->count(), 1);
    // Serialised once, framed once: every socket got the very same bytes.
    QCOMPARE(sockets.at(0)->frames.first(), QByteArray(R"([{"channel":"/news","data":"x","id":"9"}])"));
    QCOMPARE(sockets.at(1)->frames.first().constData(), sockets.at(0)->frames.first().constData());
    QCOMPARE(sockets.at(2)->frames.first().constData(), sockets.at(0)->frames.first().constData());
}

void tst_BayeuxEngine::webSocketConnectionClosed()
{
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s, false, webSocket());
    QVERIFY(h.subscribe(clientId, u"/a"_s));
    FakeConnection ws(true);
    h.send(connectMessage(clientId, std::nullopt, std::nullopt, Wire::Transport::WebSocket), ws, webSocket());
    QCOMPARE(h.engine.heldCount(), 1);

    h.engine.connectionClosed(&ws);
    QCOMPARE(h.engine.heldCount(), 0);
    h.engine.publish(u"/a"_s, 1, {});
    runPostedEvents();
    h.advance(5000); // past the hold, within maxInterval
    QCOMPARE(ws.count(), 0); // never written again
    QCOMPARE(h.engine.queuedMessages(), qint64(1));

    // A new socket takes over and gets what was queued.
    FakeConnection ws2(true);
    const QJsonArray frame
        = h.send(connectMessage(clientId, std::nullopt, std::nullopt, Wire::Transport::WebSocket), ws2, webSocket());
    QCOMPARE(dataOf(frame), QJsonArray { 1 });
    QCOMPARE(ws.count(), 0);
}

void tst_BayeuxEngine::manySessionsOnOneWebSocket()
{
    // Past the few a connection's session set keeps inline (SmallSet), so moving and closing go
    // through its hash table.
    constexpr int Sessions = 40;
    constexpr int Moved = 10;
    Harness h;
    FakeConnection ws(true);
    FakeConnection ws2(true);
    QList<QByteArray> ids;
    for (int i = 0; i < Sessions; ++i) {
        ids.append(h.handshake(u"user"_s + QString::number(i), false, webSocket()));
        QVERIFY(!ids.last().isEmpty());
        h.send(connectMessage(ids.last(), std::nullopt, std::nullopt, Wire::Transport::WebSocket), ws, webSocket());
    }
    QCOMPARE(h.engine.heldCount(), Sessions);
    // Some sessions move to another socket: their held connects there replace the ones on `ws`.
    for (int i = 0; i < Moved; ++i)
        h.send(connectMessage(ids.at(i), std::nullopt, std::nullopt, Wire::Transport::WebSocket), ws2, webSocket());
    QCOMPARE(h.engine.heldCount(), Sessions);

    h.engine.connectionClosed(&ws);
    QCOMPARE(h.engine.heldCount(), Moved); // only those still on ws2
    QCOMPARE(h.engine.sessionCount(), Sessions); // the sessions live on until they expire

    // A broadcast reaches exactly the moved sessions through ws2, and nothing goes to `ws`.
    const int wsFrames = ws.count();
    for (const QByteArray &id : std::as_const(ids))
        QVERIFY(h.subscribe(id, u"/all"_s));
    QCOMPARE(h.engine.publish(u"/all"_s, 7, {}), Sessions);
    runPostedEvents();
    QCOMPARE(ws.count(), wsFrames);
    int pushed = 0;
    for (int i = 0; i < ws2.count(); ++i)
        pushed += int(dataOf(ws2.frame(i)).size());
    QCOMPARE(pushed, Moved);
    h.engine.connectionClosed(&ws2);
    QCOMPARE(h.engine.heldCount(), 0);
}

void tst_BayeuxEngine::manySubscriptionsOfOneSession()
{
    // Past the few a session's subscription set keeps inline (SmallSet).
    constexpr int Channels = 40;
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    for (int i = 0; i < Channels; ++i)
        QVERIFY(h.subscribe(clientId, u"/c/"_s + QString::number(i)));
    QVERIFY(h.subscribe(clientId, u"/c/7"_s)); // again: still one subscription
    for (int i = 0; i < Channels; ++i)
        QVERIFY(h.engine.isSubscribed(u"exo1"_s, u"/c/"_s + QString::number(i)));

    FakeConnection connection;
    for (int i = 0; i < Channels; i += 2) {
        const QJsonObject reply = replyOn(
            h.send(subscribeMessage(clientId, QString(u"/c/"_s + QString::number(i)), Wire::Channel::Unsubscribe),
                connection),
            Wire::Channel::Unsubscribe);
        QVERIFY(reply.value(Wire::Field::Successful).toBool());
    }
    for (int i = 0; i < Channels; ++i) {
        QCOMPARE(h.engine.hasChannel(u"/c/"_s + QString::number(i)), i % 2 == 1);
        QCOMPARE(h.engine.isSubscribed(u"exo1"_s, u"/c/"_s + QString::number(i)), i % 2 == 1);
    }

    // The session goes: every channel it was left in goes with it.
    const QJsonObject bye { { Wire::Field::Channel, Wire::Channel::Disconnect },
        { Wire::Field::ClientId, QString::fromLatin1(clientId) } };
    QVERIFY(replyOn(h.send(bye, connection), Wire::Channel::Disconnect).value(Wire::Field::Successful).toBool());
    for (int i = 0; i < Channels; ++i)
        QVERIFY(!h.engine.hasChannel(u"/c/"_s + QString::number(i)));
}

void tst_BayeuxEngine::longPollConnectionClosed()
{
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    QVERIFY(h.subscribe(clientId, u"/a"_s));
    FakeConnection connection;
    h.send(connectMessage(clientId), connection);
    h.engine.connectionClosed(&connection);
    QCOMPARE(h.engine.heldCount(), 0);
    h.engine.publish(u"/a"_s, 1, {});
    runPostedEvents();
    h.advance(5000);
    QCOMPARE(connection.count(), 0);
    h.engine.releaseAllHeld();
    QCOMPARE(connection.count(), 0);
    QCOMPARE(h.engine.queuedMessages(), qint64(1)); // kept for the next connect
}

void tst_BayeuxEngine::multipleClients_data()
{
    QTest::addColumn<int>("maxPerBrowser");
    QTest::addColumn<QByteArrayList>("browsers"); // one session each, connecting in order
    QTest::addColumn<bool>("webSocket");
    QTest::addColumn<int>("expectedHeld");

    QTest::addRow("second tab of one browser") << 1 << QByteArrayList { "b1", "b1" } << false << 1;
    QTest::addRow("two browsers") << 1 << QByteArrayList { "b1", "b2" } << false << 2;
    QTest::addRow("no browser cookie") << 1 << QByteArrayList { "", "" } << false << 2;
    QTest::addRow("websocket is not limited") << 1 << QByteArrayList { "b1", "b1" } << true << 2;
    QTest::addRow("limit of two") << 2 << QByteArrayList { "b1", "b1", "b1" } << false << 2;
    QTest::addRow("negative limit is unlimited") << -1 << QByteArrayList { "b1", "b1", "b1" } << false << 3;
}

void tst_BayeuxEngine::multipleClients()
{
    QFETCH(int, maxPerBrowser);
    QFETCH(QByteArrayList, browsers);
    QFETCH(bool, webSocket);
    QFETCH(int, expectedHeld);

    EngineOptions options;
    options.maxSessionsPerBrowser = maxPerBrowser;
    options.multiSessionIntervalMs = 2500;
    Harness h(options);
    QList<std::shared_ptr<FakeConnection>> connections;
    for (const QByteArray &browser : browsers) {
        const RequestInfo info { webSocket ? Wire::Transport::WebSocket : Wire::Transport::LongPolling, browser };
        const QByteArray clientId = h.handshake(u"exo1"_s, false, info);
        connections.append(std::make_shared<FakeConnection>(webSocket));
        h.send(connectMessage(clientId, std::nullopt, std::nullopt,
                   webSocket ? Wire::Transport::WebSocket : Wire::Transport::LongPolling),
            *connections.last(), info);
    }
    QCOMPARE(h.engine.heldCount(), expectedHeld);
    for (qsizetype i = 0; i < connections.size(); ++i) {
        const bool answered = i >= expectedHeld;
        QCOMPARE(connections.at(i)->count(), answered ? 1 : 0);
        if (!answered) continue;
        const QJsonObject advice
            = replyOn(connections.at(i)->last(), Wire::Channel::Connect).value(Wire::Field::Advice).toObject();
        QCOMPARE(advice.value(Wire::AdviceField::MultipleClients).toBool(), true);
        QCOMPARE(advice.value(Wire::AdviceField::Reconnect).toString(), QString(Wire::AdviceField::Retry));
        QCOMPARE(advice.value(Wire::AdviceField::Interval).toInt(), 2500);
    }
}

void tst_BayeuxEngine::multipleClientsSlotIsReleased()
{
    Harness h;
    const QByteArray tab1 = h.handshake(u"exo1"_s, false, longPoll("b1"));
    const QByteArray tab2 = h.handshake(u"exo1"_s, false, longPoll("b1"));

    // Tab 1 holds b1's long-poll, then comes back with another cookie: b1's slot must be free again.
    FakeConnection first;
    h.send(connectMessage(tab1), first, longPoll("b1"));
    FakeConnection moved;
    h.send(connectMessage(tab1), moved, longPoll("b2"));
    QCOMPARE(first.count(), 1);
    QCOMPARE(h.engine.heldCount(), 1);

    FakeConnection second;
    h.send(connectMessage(tab2), second, longPoll("b1"));
    QCOMPARE(second.count(), 0);
    QCOMPARE(h.engine.heldCount(), 2);

    // Once tab 2's poll is answered, a third poll of b1 may be held again.
    h.engine.connectionClosed(&second);
    FakeConnection third;
    h.send(connectMessage(tab2), third, longPoll("b1"));
    QCOMPARE(third.count(), 0);
    QCOMPARE(h.engine.heldCount(), 2);
}

void tst_BayeuxEngine::realTimerAnswersHeldConnect()
{
    // The engine's own timer (no fake clock, no processDeadlines() from the test).
    EngineOptions options;
    options.timeoutMs = 50;
    BayeuxEngine engine(options, [](const QString &, const QString &) { return true; });
    FakeConnection hs;
    QJsonObject handshake = handshakeMessage(u"exo1"_s);
    engine.handleBatch(QJsonArray { handshake }, &hs, longPoll());
    const QByteArray clientId
        = replyOn(hs.last(), Wire::Channel::Handshake).value(Wire::Field::ClientId).toString().toLatin1();
    FakeConnection first;
    engine.handleBatch(QJsonArray { connectMessage(clientId) }, &first, longPoll());
    QCOMPARE(first.count(), 1); // the first connect is answered at once
    FakeConnection connection;
    engine.handleBatch(QJsonArray { connectMessage(clientId) }, &connection, longPoll());
    QCOMPARE(connection.count(), 0);
    QTRY_COMPARE(connection.count(), 1);
    QCOMPARE(engine.heldCount(), 0);
}

void tst_BayeuxEngine::heldConnectReplyText_data()
{
    QTest::addColumn<QJsonValue>("id");
    QTest::addColumn<bool>("ack");
    QTest::addRow("string id") << QJsonValue(u"42"_s) << false;
    QTest::addRow("numeric id") << QJsonValue(7.5) << false;
    QTest::addRow("whole numeric id") << QJsonValue(12) << false;
    QTest::addRow("negative whole id") << QJsonValue(-3) << false;
    QTest::addRow("non-ASCII id") << QJsonValue(u"\u00e9t\u00e9"_s) << true;
    QTest::addRow("id needing escapes") << QJsonValue(u"a\"b\\c\n\u00e9"_s) << false;
    QTest::addRow("no id") << QJsonValue(QJsonValue::Undefined) << false;
    QTest::addRow("ack extension") << QJsonValue(u"9"_s) << true;
}

void tst_BayeuxEngine::heldConnectReplyText()
{
    // A held connect's answer echoes the id as sent (string, number, escapes, none), names the
    // client, carries ext.ack only for ack sessions, and is compact JSON.
    QFETCH(QJsonValue, id);
    QFETCH(bool, ack);
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s, ack);
    FakeConnection connection;
    QJsonObject message = connectMessage(clientId, std::nullopt, ack ? std::optional<qint64>(-1) : std::nullopt);
    if (!id.isUndefined()) message.insert(Wire::Field::Id, id);
    h.send(message, connection);
    QCOMPARE(connection.count(), 0);
    h.advance(30000);
    QCOMPARE(connection.count(), 1);
    const QJsonArray frame = connection.last();
    QCOMPARE(frame.size(), 1);
    QCOMPARE(connection.frames.last(), QJsonDocument(frame).toJson(QJsonDocument::Compact));
    const QJsonObject reply = frame.first().toObject();
    QCOMPARE(reply.value(Wire::Field::Id), id);
    QCOMPARE(reply.value(Wire::Field::ClientId).toString(), QString::fromLatin1(clientId));
    QCOMPARE(reply.contains(Wire::Field::Ext), ack);
}

void tst_BayeuxEngine::deadlinesShareBucket_data()
{
    QTest::addColumn<bool>("persistent");
    QTest::addRow("long-polling") << false;
    QTest::addRow("websocket") << true;
}

void tst_BayeuxEngine::deadlinesShareBucket()
{
    // Connects held at different milliseconds of one 50 ms bucket come due together, at the bucket's
    // end (up to one bucket late), and one processDeadlines() answers them all.
    QFETCH(bool, persistent);
    Harness h; // the clock starts on a bucket boundary
    const qint64 start = h.now;
    constexpr int Count = 5;
    QList<QByteArray> clientIds;
    for (int i = 0; i < Count; ++i)
        clientIds.append(h.handshake(u"exo"_s + QString::number(i)));
    std::vector<std::unique_ptr<FakeConnection>> connections;
    for (int i = 0; i < Count; ++i)
        connections.push_back(std::make_unique<FakeConnection>(persistent));
    const QLatin1StringView type = persistent ? Wire::Transport::WebSocket : Wire::Transport::LongPolling;
    for (int i = 0; i < Count; ++i) {
        h.now = start + 1 + 12 * i; // 1, 13, 25, 37, 49 ms into the bucket
        h.send(connectMessage(clientIds.at(i), std::nullopt, std::nullopt, type), *connections.at(i),
            persistent ? webSocket() : longPoll());
    }
    QCOMPARE(h.engine.heldCount(), Count);
    // The handshakes' expiry entries come due first; they are pushed again for the hold deadlines.
    QCOMPARE(h.engine.nextDeadline(), start + 10000);
    h.now = start + 10000;
    h.engine.processDeadlines();
    QCOMPARE(h.engine.heldCount(), Count);
    QCOMPARE(h.engine.sessionCount(), Count);
    QCOMPARE(h.engine.scheduledDeadlines(), Count);
    // The timer is armed for the bucket boundary after the latest hold deadline, not for 30001 ms.
    QCOMPARE(h.engine.nextDeadline(), start + 30050);
    QCOMPARE(h.engine.nextDeadline() % 50, 0);

    h.now = start + 30049;
    h.engine.processDeadlines();
    QCOMPARE(h.engine.heldCount(), Count);
    for (const auto &connection : connections)
        QCOMPARE(connection->count(), 0);

    h.now = start + 30050;
    h.engine.processDeadlines(); // one call answers the whole bucket
    QCOMPARE(h.engine.heldCount(), 0);
    for (const auto &connection : connections) {
        QCOMPARE(connection->count(), 1);
        QVERIFY(replyOn(connection->last(), Wire::Channel::Connect).value(Wire::Field::Successful).toBool());
    }
    // Expiry is bucketed too: interval 0 + maxInterval 10000 after the answer.
    QCOMPARE(h.engine.nextDeadline(), start + 40050);
    h.now = start + 40049;
    h.engine.processDeadlines();
    QCOMPARE(h.engine.sessionCount(), Count);
    h.now = start + 40050;
    h.engine.processDeadlines();
    QCOMPARE(h.engine.sessionCount(), 0);
    QCOMPARE(h.engine.nextDeadline(), qint64(-1));
}

void tst_BayeuxEngine::deadlineQueueStaysBounded_data()
{
    QTest::addColumn<QString>("answer");
    QTest::addRow("held connects time out (idle websocket)") << u"timeout"_s;
    QTest::addRow("held connects answered early by messages") << u"message"_s;
}

void tst_BayeuxEngine::deadlineQueueStaysBounded()
{
    // Many connect cycles leave at most about one queue entry per session (count, not time): the
    // expiry deadline and the hold deadline share an entry, pushed again lazily when it comes due.
    QFETCH(QString, answer);
    const bool idle = answer == u"timeout";
    Harness h;
    constexpr int Sessions = 20;
    constexpr int Cycles = 200;
    QList<QByteArray> clientIds;
    for (int i = 0; i < Sessions; ++i)
        clientIds.append(h.handshake(u"exo"_s + QString::number(i), false, idle ? webSocket() : longPoll()));
    std::vector<std::unique_ptr<FakeConnection>> connections;
    for (int i = 0; i < Sessions; ++i)
        connections.push_back(std::make_unique<FakeConnection>(idle));
    qsizetype mostEntries = 0;
    int answered = 0;
    for (int cycle = 0; cycle < Cycles; ++cycle) {
        for (int i = 0; i < Sessions; ++i) {
            const int before = connections[i]->count();
            h.send(connectMessage(clientIds.at(i), std::nullopt, std::nullopt,
                       idle ? Wire::Transport::WebSocket : Wire::Transport::LongPolling),
                *connections[i], idle ? webSocket() : longPoll());
            QCOMPARE(connections[i]->count(), before); // held
            if (!idle) {
                h.engine.deliverToUser(u"exo"_s + QString::number(i), u"/a"_s, cycle, {});
                runPostedEvents();
                QCOMPARE(connections[i]->count(), before + 1);
                ++answered;
            }
            mostEntries = std::max(mostEntries, h.engine.scheduledDeadlines());
            h.now += 7; // spread the deadlines over many milliseconds
        }
        if (idle) {
            h.advance(30050);
            for (const auto &connection : connections)
                answered += connection->count() > cycle ? 1 : 0;
        }
        mostEntries = std::max(mostEntries, h.engine.scheduledDeadlines());
    }
    QCOMPARE(answered, Sessions * Cycles);
    QCOMPARE(h.engine.sessionCount(), Sessions);
    // Idle: exactly one entry per session. Answered early: the first hold entry goes stale once.
    const qsizetype bound = idle ? Sessions : 2 * Sessions;
    QVERIFY2(mostEntries <= bound, qPrintable(u"deadline entries: "_s + QString::number(mostEntries)));
}

// ------------------------------------------------------------------------------------------ lifetime

void tst_BayeuxEngine::sessionExpires_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addRow("never connected") << u"handshake"_s;
    QTest::addRow("after a connect reply") << u"connect"_s;
    QTest::addRow("websocket closed while holding") << u"closed"_s;
}

void tst_BayeuxEngine::sessionExpires()
{
    QFETCH(QString, scenario);
    EngineOptions options;
    options.intervalMs = 500;
    Harness h(options);
    const QByteArray clientId = h.handshake(u"exo1"_s);
    QVERIFY(h.subscribe(clientId, u"/a"_s));
    FakeConnection connection(scenario == u"closed");
    if (scenario == u"connect") {
        h.send(connectMessage(clientId, 0), connection);
        QCOMPARE(connection.count(), 1);
    } else if (scenario == u"closed") {
        h.send(
            connectMessage(clientId, std::nullopt, std::nullopt, Wire::Transport::WebSocket), connection, webSocket());
        h.advance(1000);
        h.engine.connectionClosed(&connection);
    }

    // interval + maxInterval after the last connect activity.
    h.advance(500 + 10000 - 1);
    QCOMPARE(h.engine.sessionCount(), 1);
    QVERIFY(h.closed.isEmpty());
    h.advance(1);
    QCOMPARE(h.engine.sessionCount(), 0);
    QCOMPARE(h.engine.userCount(), 0);
    QCOMPARE(h.closed, QStringList { u"exo1 "_s + QString::fromLatin1(clientId) });
    QVERIFY(!h.engine.hasChannel(u"/a"_s));
    QVERIFY(!h.engine.isSubscribed(u"exo1"_s, u"/a"_s));
    QCOMPARE(h.engine.deliverToUser(u"exo1"_s, u"/a"_s, 1, {}), 0);
    FakeConnection late;
    QCOMPARE(
        replyOn(h.send(connectMessage(clientId), late), Wire::Channel::Connect).value(Wire::Field::Error).toString(),
        QString(Wire::Error::UnknownClient));
}

void tst_BayeuxEngine::heldConnectKeepsSessionAlive()
{
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    for (int round = 0; round < 3; ++round) {
        FakeConnection connection;
        h.advance(9000); // the client takes a while to reconnect, within maxInterval
        h.send(connectMessage(clientId), connection);
        h.advance(29999); // held far longer than maxInterval
        QCOMPARE(h.engine.sessionCount(), 1);
        h.advance(1);
        QCOMPARE(connection.count(), 1);
    }
    QVERIFY(h.closed.isEmpty());
    h.advance(10000);
    QCOMPARE(h.engine.sessionCount(), 0);
}

void tst_BayeuxEngine::disconnectEndsSession_data()
{
    QTest::addColumn<bool>("persistent");
    QTest::addRow("long-polling") << false;
    QTest::addRow("websocket") << true;
}

void tst_BayeuxEngine::disconnectEndsSession()
{
    QFETCH(bool, persistent);
    Harness h;
    const RequestInfo info = persistent ? webSocket() : longPoll();
    const QByteArray clientId = h.handshake(u"exo1"_s, false, info);
    const QByteArray other = h.handshake(u"exo1"_s, false, info);
    QVERIFY(h.subscribe(clientId, u"/a"_s));
    FakeConnection held(persistent);
    h.send(connectMessage(clientId, std::nullopt, std::nullopt,
               persistent ? Wire::Transport::WebSocket : Wire::Transport::LongPolling),
        held, info);
    QCOMPARE(h.engine.heldCount(), 1);

    FakeConnection connection(persistent);
    QJsonObject message { { Wire::Field::Channel, Wire::Channel::Disconnect },
        { Wire::Field::ClientId, QString::fromLatin1(clientId) }, { Wire::Field::Id, u"9"_s } };
    const QJsonObject reply = replyOn(h.send(message, connection, info), Wire::Channel::Disconnect);
    QCOMPARE(reply.value(Wire::Field::Successful).toBool(), true);
    QCOMPARE(reply.value(Wire::Field::Id).toString(), u"9"_s);

    // The held connect is answered, and told not to come back.
    QCOMPARE(held.count(), 1);
    const QJsonObject connectReply = replyOn(held.last(), Wire::Channel::Connect);
    QCOMPARE(connectReply.value(Wire::Field::Successful).toBool(), true);
    QCOMPARE(connectReply.value(Wire::Field::Advice).toObject().value(Wire::AdviceField::Reconnect).toString(),
        QString(Wire::AdviceField::None));
    QCOMPARE(h.engine.heldCount(), 0);
    QCOMPARE(h.engine.sessionCount(), 1);
    QCOMPARE(h.engine.userCount(), 1); // the other tab stays
    QCOMPARE(h.closed, QStringList { u"exo1 "_s + QString::fromLatin1(clientId) });
    QVERIFY(!h.engine.hasChannel(u"/a"_s));
    QCOMPARE(h.engine.deliverToUser(u"exo1"_s, u"/a"_s, 1, {}), 1);
    Q_UNUSED(other);

    // Nothing more is written to the old connection, and the client is unknown now.
    runPostedEvents();
    h.advance(60000);
    QCOMPARE(held.count(), 1);
    FakeConnection again;
    QCOMPARE(replyOn(h.send(message, again), Wire::Channel::Disconnect).value(Wire::Field::Error).toString(),
        QString(Wire::Error::UnknownClient));
}

// ------------------------------------------------------------------------------------- subscriptions

void tst_BayeuxEngine::subscribe_data()
{
    QTest::addColumn<QJsonValue>("subscription");
    QTest::addColumn<QJsonObject>("extra"); // fields added to the message
    QTest::addColumn<QString>("error"); // empty: successful
    QTest::addColumn<QStringList>("channels"); // hasChannel() afterwards

    const QJsonObject none;
    QTest::addRow("one channel") << QJsonValue(u"/a"_s) << none << QString() << QStringList { u"/a"_s };
    QTest::addRow("array of channels") << QJsonValue(QJsonArray { u"/a"_s, u"/b/c"_s }) << none << QString()
                                       << QStringList { u"/a"_s, u"/b/c"_s };
    QTest::addRow("single wildcard") << QJsonValue(u"/a/*"_s) << none << QString() << QStringList { u"/a/*"_s };
    QTest::addRow("deep wildcard") << QJsonValue(u"/a/**"_s) << none << QString() << QStringList { u"/a/**"_s };
    QTest::addRow("everything") << QJsonValue(u"/**"_s) << none << QString() << QStringList { u"/**"_s };
    QTest::addRow("service channel") << QJsonValue(u"/service/x"_s) << none << QString()
                                     << QStringList { u"/service/x"_s };
    QTest::addRow("invalid name") << QJsonValue(u"a/b"_s) << none << QString(Wire::Error::InvalidChannel)
                                  << QStringList {};
    QTest::addRow("empty segment") << QJsonValue(u"/a//b"_s) << none << QString(Wire::Error::InvalidChannel)
                                   << QStringList {};
    QTest::addRow("one bad name refuses the whole array") << QJsonValue(QJsonArray { u"/ok"_s, u"/bad/*/x"_s }) << none
                                                          << QString(Wire::Error::InvalidChannel) << QStringList {};
    QTest::addRow("non-string in array") << QJsonValue(QJsonArray { u"/ok"_s, 5 }) << none
                                         << QString(Wire::Error::InvalidChannel) << QStringList {};
    QTest::addRow("meta channel") << QJsonValue(u"/meta/connect"_s) << none << QString(Wire::Error::Forbidden)
                                  << QStringList {};
    QTest::addRow("meta wildcard") << QJsonValue(u"/meta/**"_s) << none << QString(Wire::Error::Forbidden)
                                   << QStringList {};
    QTest::addRow("missing subscription")
        << QJsonValue(QJsonValue::Undefined) << none << QString(Wire::Error::InvalidMessage) << QStringList {};
    QTest::addRow("number subscription") << QJsonValue(3) << none << QString(Wire::Error::InvalidMessage)
                                         << QStringList {};
    QTest::addRow("empty array") << QJsonValue(QJsonArray {}) << none << QString(Wire::Error::InvalidMessage)
                                 << QStringList {};
    QTest::addRow("same user again") << QJsonValue(u"/a"_s) << QJsonObject { { Wire::Field::ExoId, u"exo1"_s } }
                                     << QString() << QStringList { u"/a"_s };
    QTest::addRow("same user and valid token")
        << QJsonValue(u"/a"_s)
        << QJsonObject { { Wire::Field::ExoId, u"exo1"_s }, { Wire::Field::ExoToken, tokenFor(u"exo1"_s) } }
        << QString() << QStringList { u"/a"_s };
    QTest::addRow("other user") << QJsonValue(u"/a"_s) << QJsonObject { { Wire::Field::ExoId, u"exo2"_s } }
                                << QString(Wire::Error::UserMismatch) << QStringList {};
    QTest::addRow("other user in ext") << QJsonValue(
        u"/a"_s) << QJsonObject { { Wire::Field::Ext, QJsonObject { { Wire::Field::ExoId, u"exo2"_s } } } }
                                       << QString(Wire::Error::UserMismatch) << QStringList {};
    QTest::addRow("bad token") << QJsonValue(u"/a"_s)
                               << QJsonObject { { Wire::Field::ExoId, u"exo1"_s }, { Wire::Field::ExoToken, u"x"_s } }
                               << QString(Wire::Error::InvalidToken) << QStringList {};
}

void tst_BayeuxEngine::subscribe()
{
    QFETCH(QJsonValue, subscription);
    QFETCH(QJsonObject, extra);
    QFETCH(QString, error);
    QFETCH(QStringList, channels);

    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    QJsonObject message = subscribeMessage(clientId, subscription);
    if (subscription.isUndefined()) message.remove(Wire::Field::Subscription);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        message.insert(it.key(), it.value());
    message.insert(Wire::Field::Id, u"3"_s);

    FakeConnection connection;
    const QJsonArray frame = h.send(message, connection);
    QCOMPARE(frame.size(), 1);
    const QJsonObject reply = frame.first().toObject();
    QCOMPARE(reply.value(Wire::Field::Channel).toString(), QString(Wire::Channel::Subscribe));
    QCOMPARE(reply.value(Wire::Field::Id).toString(), u"3"_s);
    QCOMPARE(reply.value(Wire::Field::Successful).toBool(), error.isEmpty());
    QCOMPARE(reply.value(Wire::Field::Error).toString(), error);
    QCOMPARE(reply.value(Wire::Field::Subscription), subscription); // echoed as sent
    for (const QString &channel : std::as_const(channels))
        QVERIFY2(h.engine.hasChannel(channel), qPrintable(channel));
    if (channels.isEmpty()) {
        QVERIFY(!h.engine.hasChannel(u"/a"_s));
        QVERIFY(!h.engine.hasChannel(u"/ok"_s));
    }
}

void tst_BayeuxEngine::subscriptionCap()
{
    EngineOptions options;
    options.maxSubscriptions = 3;
    Harness h(options);
    const QByteArray clientId = h.handshake(u"exo1"_s);
    FakeConnection tooMany;
    const QJsonObject bulk
        = replyOn(h.send(subscribeMessage(clientId, QJsonArray { u"/1"_s, u"/2"_s, u"/3"_s, u"/4"_s }), tooMany),
            Wire::Channel::Subscribe);
    QCOMPARE(bulk.value(Wire::Field::Error).toString(), QString(Wire::Error::TooManySubscriptions));

    QVERIFY(h.subscribe(clientId, u"/1"_s));
    QVERIFY(h.subscribe(clientId, u"/2"_s));
    QVERIFY(h.subscribe(clientId, u"/3"_s));
    QVERIFY(h.subscribe(clientId, u"/3"_s)); // already there: no growth
    FakeConnection connection;
    const QJsonObject reply
        = replyOn(h.send(subscribeMessage(clientId, u"/4"_s), connection), Wire::Channel::Subscribe);
    QCOMPARE(reply.value(Wire::Field::Error).toString(), QString(Wire::Error::TooManySubscriptions));
    QVERIFY(!h.engine.hasChannel(u"/4"_s));
}

void tst_BayeuxEngine::unsubscribe_data()
{
    QTest::addColumn<QJsonValue>("subscription");
    QTest::addColumn<QString>("error");
    QTest::addColumn<bool>("stillSubscribed"); // to "/a"

    QTest::addRow("subscribed channel") << QJsonValue(u"/a"_s) << QString() << false;
    QTest::addRow("channel never subscribed is successful") << QJsonValue(u"/zzz"_s) << QString() << true;
    QTest::addRow("array") << QJsonValue(QJsonArray { u"/a"_s, u"/b/*"_s }) << QString() << false;
    QTest::addRow("invalid name") << QJsonValue(u"nope"_s) << QString(Wire::Error::InvalidChannel) << true;
}

void tst_BayeuxEngine::unsubscribe()
{
    QFETCH(QJsonValue, subscription);
    QFETCH(QString, error);
    QFETCH(bool, stillSubscribed);

    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    QVERIFY(h.subscribe(clientId, u"/a"_s));
    QVERIFY(h.subscribe(clientId, u"/b/*"_s));
    FakeConnection connection;
    const QJsonObject reply
        = replyOn(h.send(subscribeMessage(clientId, subscription, Wire::Channel::Unsubscribe), connection),
            Wire::Channel::Unsubscribe);
    QCOMPARE(reply.value(Wire::Field::Successful).toBool(), error.isEmpty());
    QCOMPARE(reply.value(Wire::Field::Error).toString(), error);
    QCOMPARE(reply.value(Wire::Field::Subscription), subscription);
    QCOMPARE(h.engine.hasChannel(u"/a"_s), stillSubscribed);
    QCOMPARE(h.engine.isSubscribed(u"exo1"_s, u"/a"_s), stillSubscribed);
    QCOMPARE(h.engine.publish(u"/a"_s, 1, {}), stillSubscribed ? 1 : 0);
}

// ---------------------------------------------------------------------------------------- publishing

void tst_BayeuxEngine::publish_data()
{
    QTest::addColumn<QString>("channel");
    QTest::addColumn<bool>("withData");
    QTest::addColumn<QString>("error");
    QTest::addColumn<int>("received"); // by the subscriber of "/**" and of the channel itself

    QTest::addRow("broadcast channel") << u"/a/b"_s << true << QString() << 1;
    QTest::addRow("service channel acknowledged, not broadcast") << u"/service/echo"_s << true << QString() << 0;
    QTest::addRow("meta channel forbidden") << u"/meta/foo"_s << true << QString(Wire::Error::Forbidden) << 0;
    QTest::addRow("meta wildcard forbidden") << u"/meta/*"_s << true << QString(Wire::Error::Forbidden) << 0;
    QTest::addRow("wildcard refused") << u"/a/*"_s << true << QString(Wire::Error::InvalidChannel) << 0;
    QTest::addRow("deep wildcard refused") << u"/a/**"_s << true << QString(Wire::Error::InvalidChannel) << 0;
    QTest::addRow("invalid name") << u"/a b"_s << true << QString(Wire::Error::InvalidChannel) << 0;
    QTest::addRow("no data") << u"/a/b"_s << false << QString(Wire::Error::InvalidMessage) << 0;
}

void tst_BayeuxEngine::publish()
{
    QFETCH(QString, channel);
    QFETCH(bool, withData);
    QFETCH(QString, error);
    QFETCH(int, received);

    Harness h;
    const QByteArray publisher = h.handshake(u"pub"_s);
    const QByteArray all = h.handshake(u"all"_s);
    const QByteArray exact = h.handshake(u"exact"_s);
    QVERIFY(h.subscribe(all, u"/**"_s));
    if (ChannelName::isValid(channel) && !channel.startsWith(u"/meta"_s)) QVERIFY(h.subscribe(exact, channel));

    QJsonObject message = publishMessage(publisher, channel, QJsonObject { { u"text"_s, u"hello"_s } });
    if (!withData) message.remove(Wire::Field::Data);
    message.insert(Wire::Field::Id, u"42"_s);
    FakeConnection connection;
    const QJsonArray frame = h.send(message, connection);
    QCOMPARE(frame.size(), 1);
    const QJsonObject reply = frame.first().toObject();
    QCOMPARE(reply.value(Wire::Field::Channel).toString(), channel);
    QCOMPARE(reply.value(Wire::Field::Id).toString(), u"42"_s);
    QCOMPARE(reply.value(Wire::Field::Successful).toBool(), error.isEmpty());
    QCOMPARE(reply.value(Wire::Field::Error).toString(), error);

    for (const QByteArray &subscriber : { all, exact }) {
        FakeConnection poll;
        const QJsonArray got = h.send(connectMessage(subscriber, 0), poll);
        QCOMPARE(dataOf(got).size(), received);
        if (received) {
            QCOMPARE(got.at(1).toObject(),
                (QJsonObject { { Wire::Field::Channel, channel },
                    { Wire::Field::Data, QJsonObject { { u"text"_s, u"hello"_s } } }, { Wire::Field::Id, u"42"_s } }));
        }
    }
}

void tst_BayeuxEngine::publisherReceivesOwnMessage()
{
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    QVERIFY(h.subscribe(clientId, u"/chat"_s));
    FakeConnection connection;
    h.send(publishMessage(clientId, u"/chat"_s, u"me"_s), connection);
    FakeConnection poll;
    QCOMPARE(dataOf(h.send(connectMessage(clientId), poll)), QJsonArray { u"me"_s });
}

void tst_BayeuxEngine::serverPublish_data()
{
    QTest::addColumn<QString>("channel");
    QTest::addColumn<int>("expected");

    // Subscriptions: s0 "/a/b", s1 "/a/*" and "/a/b", s2 "/**", s3 "/other".
    QTest::addRow("exact and wildcards, each session once") << u"/a/b"_s << 3;
    QTest::addRow("wildcards only") << u"/a/c"_s << 2;
    QTest::addRow("deep channel reaches /** only") << u"/a/b/c"_s << 1;
    QTest::addRow("no subscriber but /**") << u"/x"_s << 1;
    QTest::addRow("meta never") << u"/meta/connect"_s << 0;
    QTest::addRow("service never broadcast") << u"/service/x"_s << 0;
    QTest::addRow("wildcard refused") << u"/a/*"_s << 0;
    QTest::addRow("invalid refused") << u"nope"_s << 0;
}

void tst_BayeuxEngine::serverPublish()
{
    QFETCH(QString, channel);
    QFETCH(int, expected);
    Harness h;
    const QByteArray s0 = h.handshake(u"u0"_s);
    const QByteArray s1 = h.handshake(u"u1"_s);
    const QByteArray s2 = h.handshake(u"u2"_s);
    const QByteArray s3 = h.handshake(u"u3"_s);
    QVERIFY(h.subscribe(s0, u"/a/b"_s));
    QVERIFY(h.subscribe(s1, u"/a/*"_s));
    QVERIFY(h.subscribe(s1, u"/a/b"_s));
    QVERIFY(h.subscribe(s2, u"/**"_s));
    QVERIFY(h.subscribe(s3, u"/other"_s));
    QCOMPARE(h.engine.publish(channel, u"m"_s, u"1"_s), expected);
    QCOMPARE(h.engine.queuedMessages(), qint64(expected));
}

void tst_BayeuxEngine::deliverToUser()
{
    Harness h;
    const QByteArray tab1 = h.handshake(u"exo1"_s);
    const QByteArray tab2 = h.handshake(u"exo1"_s);
    const QByteArray stranger = h.handshake(u"exo2"_s);
    QVERIFY(h.subscribe(tab1, u"/eXo/cometd/test"_s));
    QVERIFY(h.subscribe(stranger, u"/eXo/cometd/test"_s));

    // Every session of the user, subscribed or not; nobody else.
    QCOMPARE(h.engine.deliverToUser(u"exo1"_s, u"/eXo/cometd/test"_s, u"private"_s, u"1"_s), 2);
    QCOMPARE(h.engine.deliverToUser(u"nobody"_s, u"/eXo/cometd/test"_s, u"x"_s, {}), 0);
    QCOMPARE(h.engine.deliverToUser(u"exo1"_s, u"/a/*"_s, u"x"_s, {}), 0);
    QCOMPARE(h.engine.deliverToUser(u"exo1"_s, u"/meta/connect"_s, u"x"_s, {}), 0);
    QCOMPARE(h.engine.deliverToUser(u"exo1"_s, u"/service/private"_s, u"direct"_s, {}), 2);

    for (const QByteArray &tab : { tab1, tab2 }) {
        FakeConnection poll;
        const QJsonArray frame = h.send(connectMessage(tab), poll);
        QCOMPARE(dataOf(frame), (QJsonArray { u"private"_s, u"direct"_s }));
        QCOMPARE(frame.at(1).toObject().value(Wire::Field::Id).toString(), u"1"_s);
        QVERIFY(!frame.at(2).toObject().contains(Wire::Field::Id)); // empty id left out
    }
    FakeConnection poll;
    QVERIFY(dataOf(h.send(connectMessage(stranger, 0), poll)).isEmpty());
}

void tst_BayeuxEngine::isSubscribed_data()
{
    QTest::addColumn<QString>("subscription");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("channel");
    QTest::addColumn<bool>("expected");

    QTest::addRow("exact") << u"/a/b"_s << u"exo1"_s << u"/a/b"_s << true;
    QTest::addRow("through /a/*") << u"/a/*"_s << u"exo1"_s << u"/a/b"_s << true;
    QTest::addRow("through /**") << u"/**"_s << u"exo1"_s << u"/a/b/c"_s << true;
    QTest::addRow("not through a pattern one level short") << u"/a/*"_s << u"exo1"_s << u"/a/b/c"_s << false;
    QTest::addRow("a pattern asked exactly") << u"/a/*"_s << u"exo1"_s << u"/a/*"_s << true;
    QTest::addRow("a pattern not covered by another") << u"/a/**"_s << u"exo1"_s << u"/a/*"_s << false;
    QTest::addRow("other channel") << u"/a/b"_s << u"exo1"_s << u"/a/c"_s << false;
    QTest::addRow("other user") << u"/a/b"_s << u"exo2"_s << u"/a/b"_s << false;
    QTest::addRow("invalid channel") << u"/a/b"_s << u"exo1"_s << u"a/b"_s << false;
}

void tst_BayeuxEngine::isSubscribed()
{
    QFETCH(QString, subscription);
    QFETCH(QString, user);
    QFETCH(QString, channel);
    QFETCH(bool, expected);
    Harness h;
    h.handshake(u"exo1"_s); // a tab without subscriptions
    QVERIFY(h.subscribe(h.handshake(u"exo1"_s), subscription));
    h.handshake(u"exo2"_s);
    QCOMPARE(h.engine.isSubscribed(user, channel), expected);
}

void tst_BayeuxEngine::hasChannel()
{
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    QVERIFY(!h.engine.hasChannel(u"/a"_s));
    QVERIFY(h.subscribe(clientId, u"/a"_s));
    QVERIFY(h.subscribe(clientId, u"/b/*"_s));
    QVERIFY(h.engine.hasChannel(u"/a"_s));
    QVERIFY(h.engine.hasChannel(u"/b/*"_s));
    QVERIFY(!h.engine.hasChannel(u"/b/c"_s)); // exactly that name only
}

void tst_BayeuxEngine::counters()
{
    Harness h;
    const QByteArray a = h.handshake(u"exo1"_s);
    const QByteArray b = h.handshake(u"exo1"_s);
    h.handshake(u"exo2"_s);
    QCOMPARE(h.engine.sessionCount(), 3);
    QCOMPARE(h.engine.userCount(), 2);
    QVERIFY(h.subscribe(a, u"/c"_s));
    QVERIFY(h.subscribe(b, u"/c"_s));
    QCOMPARE(h.engine.publish(u"/c"_s, 1, {}), 2);
    QCOMPARE(h.engine.queuedMessages(), qint64(2));
    QCOMPARE(h.engine.deliveries(), qint64(0));
    FakeConnection poll;
    h.send(connectMessage(a), poll);
    QCOMPARE(h.engine.queuedMessages(), qint64(1));
    QCOMPARE(h.engine.deliveries(), qint64(1));
    FakeConnection hold;
    h.send(connectMessage(b, std::nullopt, std::nullopt), hold);
    QCOMPARE(h.engine.heldCount(), 0); // b had a message: answered at once
    FakeConnection hold2;
    h.send(connectMessage(b), hold2);
    QCOMPARE(h.engine.heldCount(), 1);
    QCOMPARE(h.engine.deliveries(), qint64(2));
    QCOMPARE(h.engine.droppedMessages(), qint64(0));
}

namespace {
ChannelStat statOf(const QList<ChannelStat> &stats, const QString &channel)
{
    for (const ChannelStat &s : stats) {
        if (s.channel == channel) return s;
    }
    return { u"<absent>"_s, -1, -1 };
}
} // namespace

void tst_BayeuxEngine::channelStats()
{
    Harness h;
    const QByteArray a = h.handshake(u"exo1"_s);
    const QByteArray b = h.handshake(u"exo2"_s);
    QVERIFY(h.subscribe(a, u"/room/1"_s));
    QVERIFY(h.subscribe(b, u"/room/1"_s));
    QVERIFY(h.subscribe(b, u"/room/*"_s));
    QCOMPARE(h.engine.publish(u"/room/1"_s, 1, {}), 2);
    FakeConnection connection;
    h.send(publishMessage(a, u"/room/1"_s, 2), connection);
    QCOMPARE(h.engine.deliverToUser(u"exo1"_s, u"/room/1"_s, 3, {}), 1);
    QCOMPARE(h.engine.messagesIn(), qint64(3));

    QCOMPARE(statOf(h.engine.channelStats(), u"/room/1"_s), (ChannelStat { u"/room/1"_s, 2, 3 }));
    QCOMPARE(statOf(h.engine.channelStats(), u"/room/*"_s), (ChannelStat { u"/room/*"_s, 1, 3 }));
    QCOMPARE(h.engine.channelStats().size(), 2);

    QList<ChannelStat> changes = h.engine.takeChannelChanges();
    QCOMPARE(changes.size(), 2);
    QVERIFY(h.engine.takeChannelChanges().isEmpty()); // taken

    // b leaves: both of its subscriptions change, /room/* is gone with its count.
    FakeConnection bye;
    h.send(QJsonObject { { u"channel"_s, u"/meta/disconnect"_s }, { u"clientId"_s, QString::fromLatin1(b) } }, bye);
    changes = h.engine.takeChannelChanges();
    QCOMPARE(statOf(changes, u"/room/1"_s), (ChannelStat { u"/room/1"_s, 1, 3 }));
    QCOMPARE(statOf(changes, u"/room/*"_s), (ChannelStat { u"/room/*"_s, 0, 0 }));
    QCOMPARE(h.engine.channelStats().size(), 1);
}

void tst_BayeuxEngine::channelStatsIgnoreUnsubscribedNames()
{
    Harness h;
    const QByteArray a = h.handshake(u"exo1"_s);
    FakeConnection connection;
    for (int i = 0; i < 100; ++i)
        h.send(publishMessage(a, u"/random/%1"_s.arg(i), i), connection);
    h.engine.publish(u"/nobody"_s, 1, {});
    QCOMPARE(h.engine.messagesIn(), qint64(101));
    QVERIFY(h.engine.channelStats().isEmpty());
    QVERIFY(h.engine.takeChannelChanges().isEmpty());
}

void tst_BayeuxEngine::queueCapDropsOldest()
{
    EngineOptions options;
    options.maxQueue = 2;
    Harness h(options);
    const QByteArray clientId = h.handshake(u"exo1"_s);
    QVERIFY(h.subscribe(clientId, u"/a"_s));
    for (int i = 1; i <= 5; ++i)
        h.engine.publish(u"/a"_s, i, {});
    QCOMPARE(h.engine.queuedMessages(), qint64(2));
    QCOMPARE(h.engine.droppedMessages(), qint64(3));
    FakeConnection poll;
    QCOMPARE(dataOf(h.send(connectMessage(clientId), poll)), (QJsonArray { 4, 5 }));
}

// A WebSocket client that does not take what it is sent gets nothing more pushed: the messages wait
// in its session queue (where the oldest go first past the cap, counted), and flow again once the
// transport says it caught up.
void tst_BayeuxEngine::slowWebSocketKeepsMessagesQueued()
{
    EngineOptions options;
    options.maxQueue = 3;
    Harness h(options);
    const QByteArray clientId = h.handshake(u"exo1"_s, false, webSocket());
    FakeConnection ws(true);
    h.send(QJsonArray { subscribeMessage(clientId, u"/a"_s),
               connectMessage(clientId, std::nullopt, std::nullopt, Wire::Transport::WebSocket) },
        ws, webSocket());
    const int before = ws.count();
    ws.writable = false;
    for (int i = 1; i <= 5; ++i)
        h.engine.publish(u"/a"_s, i, {});
    runPostedEvents();
    QCOMPARE(ws.count(), before); // nothing pushed to a full connection
    QCOMPARE(h.engine.queuedMessages(), qint64(3));
    QCOMPARE(h.engine.droppedMessages(), qint64(2));

    // Told again while still full: nothing.
    h.engine.connectionWritable(&ws);
    runPostedEvents();
    QCOMPARE(ws.count(), before);

    ws.writable = true;
    h.engine.connectionWritable(&ws);
    runPostedEvents();
    QCOMPARE(ws.count(), before + 1);
    QCOMPARE(dataOf(ws.last()), (QJsonArray { 3, 4, 5 }));
    QCOMPARE(h.engine.queuedMessages(), qint64(0));
}

void tst_BayeuxEngine::slowLongPollWaitsForTheClient()
{
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    QVERIFY(h.subscribe(clientId, u"/a"_s));
    FakeConnection poll;
    QVERIFY(h.send(connectMessage(clientId), poll).isEmpty()); // held
    poll.writable = false;
    h.engine.publish(u"/a"_s, 1, {});
    runPostedEvents();
    QCOMPARE(poll.count(), 0);
    poll.writable = true;
    h.engine.connectionWritable(&poll);
    runPostedEvents();
    QCOMPARE(poll.count(), 1);
    QCOMPARE(dataOf(poll.last()), QJsonArray { 1 });
}

void tst_BayeuxEngine::deliveriesAreCappedByBytes_data()
{
    QTest::addColumn<bool>("webSocketPush");
    QTest::addRow("long-polling answer") << false;
    QTest::addRow("websocket push") << true;
}

// A session holds at most one outgoing budget of messages (the oldest go first, counted), and one
// answer or push carries at most that much.
void tst_BayeuxEngine::deliveriesAreCappedByBytes()
{
    QFETCH(bool, webSocketPush);
    EngineOptions options;
    options.maxDeliveryBytes = 4096;
    Harness h(options);
    const RequestInfo info = webSocketPush ? webSocket() : longPoll();
    const QByteArray clientId = h.handshake(u"exo1"_s, false, info);
    QVERIFY(h.subscribe(clientId, u"/a"_s));
    const QString kib(1000, u'x');
    for (int i = 0; i < 10; ++i)
        h.engine.publish(u"/a"_s, kib, QString::number(i));
    // Each message is a little over 1,000 bytes of JSON: three fit in 4,096.
    QCOMPARE(h.engine.queuedMessages(), qint64(3));
    QCOMPARE(h.engine.droppedMessages(), qint64(7));
    FakeConnection connection(webSocketPush);
    const QLatin1StringView type = webSocketPush ? Wire::Transport::WebSocket : Wire::Transport::LongPolling;
    const QJsonArray frame = h.send(connectMessage(clientId, std::nullopt, std::nullopt, type), connection, info);
    QCOMPARE(dataOf(frame).size(), 3);
    QCOMPARE(replyOn(frame, Wire::Channel::Connect).value(Wire::Field::Successful).toBool(), true);
    QVERIFY(connection.frames.first().size() < 4096 + 512);
    QCOMPARE(h.engine.queuedMessages(), qint64(0));
}

void tst_BayeuxEngine::releaseAllHeld()
{
    Harness h;
    QList<std::shared_ptr<FakeConnection>> connections;
    for (int i = 0; i < 3; ++i) {
        const QByteArray clientId = h.handshake(u"u"_s + QString::number(i));
        connections.append(std::make_shared<FakeConnection>());
        h.send(connectMessage(clientId), *connections.last());
    }
    QCOMPARE(h.engine.heldCount(), 3);
    h.engine.releaseAllHeld();
    QCOMPARE(h.engine.heldCount(), 0);
    for (const auto &connection : connections) {
        QCOMPARE(connection->count(), 1);
        const QJsonObject reply = replyOn(connection->last(), Wire::Channel::Connect);
        QCOMPARE(reply.value(Wire::Field::Successful).toBool(), true);
        QCOMPARE(reply.value(Wire::Field::Advice).toObject().value(Wire::AdviceField::Reconnect).toString(),
            QString(Wire::AdviceField::Retry));
    }
    h.advance(30000);
    for (const auto &connection : connections)
        QCOMPARE(connection->writesAfterFinish, 0);
}

// --------------------------------------------------------------------------------------------- ack

void tst_BayeuxEngine::ackBatchNumbers()
{
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s, true);
    QVERIFY(h.subscribe(clientId, u"/a"_s));
    qint64 lastBatch = -1;
    for (int round = 0; round < 3; ++round) {
        h.engine.publish(u"/a"_s, round, {});
        FakeConnection poll;
        const QJsonArray frame = h.send(connectMessage(clientId, std::nullopt, lastBatch), poll);
        const QJsonObject reply = replyOn(frame, Wire::Channel::Connect);
        const qint64 batch = qint64(reply.value(Wire::Field::Ext).toObject().value(Wire::Field::Ack).toDouble(-1));
        QVERIFY(batch > lastBatch);
        QCOMPARE(dataOf(frame), QJsonArray { round }); // acknowledged batches are not sent again
        lastBatch = batch;
    }
    // Every connect reply carries ext.ack, also a held one answered at timeout.
    FakeConnection poll;
    h.send(connectMessage(clientId, std::nullopt, lastBatch), poll);
    QCOMPARE(h.engine.heldCount(), 1);
    h.advance(30000);
    const QJsonObject reply = replyOn(poll.last(), Wire::Channel::Connect);
    QVERIFY(reply.value(Wire::Field::Ext).toObject().value(Wire::Field::Ack).toDouble(-1) > lastBatch);
}

void tst_BayeuxEngine::ackLostResponseIsResent()
{
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s, true);
    QVERIFY(h.subscribe(clientId, u"/a"_s));
    FakeConnection first;
    const QJsonObject firstReply = replyOn(h.send(connectMessage(clientId, 0), first), Wire::Channel::Connect);
    const qint64 acked = qint64(firstReply.value(Wire::Field::Ext).toObject().value(Wire::Field::Ack).toDouble());

    FakeConnection lost;
    h.send(connectMessage(clientId, std::nullopt, acked), lost);
    h.engine.publish(u"/a"_s, u"m1"_s, {});
    h.engine.publish(u"/a"_s, u"m2"_s, {});
    QTRY_COMPARE(lost.count(), 1); // written, but say the client never got it
    QCOMPARE(dataOf(lost.last()), (QJsonArray { u"m1"_s, u"m2"_s }));
    QCOMPARE(h.engine.queuedMessages(), qint64(2)); // kept until acknowledged

    // The client still acknowledges only the batch before: everything comes again, at once.
    FakeConnection retry;
    const QJsonArray again = h.send(connectMessage(clientId, std::nullopt, acked), retry);
    QCOMPARE(retry.count(), 1);
    QCOMPARE(dataOf(again), (QJsonArray { u"m1"_s, u"m2"_s }));
    const qint64 batch = qint64(
        replyOn(again, Wire::Channel::Connect).value(Wire::Field::Ext).toObject().value(Wire::Field::Ack).toDouble());

    // Acknowledged now: the next connect is held and nothing is sent twice.
    FakeConnection next;
    h.send(connectMessage(clientId, std::nullopt, batch), next);
    QCOMPARE(next.count(), 0);
    QCOMPARE(h.engine.heldCount(), 1);
    QCOMPARE(h.engine.queuedMessages(), qint64(0));
}

void tst_BayeuxEngine::ackWebSocketReconnect()
{
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s, true, webSocket());
    QVERIFY(h.subscribe(clientId, u"/a"_s));
    FakeConnection ws(true);
    const QJsonArray first
        = h.send(connectMessage(clientId, 0, std::nullopt, Wire::Transport::WebSocket), ws, webSocket());
    const qint64 acked = qint64(
        replyOn(first, Wire::Channel::Connect).value(Wire::Field::Ext).toObject().value(Wire::Field::Ack).toDouble());
    h.send(connectMessage(clientId, std::nullopt, acked, Wire::Transport::WebSocket), ws, webSocket());
    QCOMPARE(h.engine.heldCount(), 1);

    // With ack, messages ride on connect replies (each belongs to a batch), also on a WebSocket.
    h.engine.publish(u"/a"_s, u"m1"_s, {});
    QTRY_COMPARE(ws.count(), 2);
    QCOMPARE(channelsOf(ws.last()), (QStringList { Wire::Channel::Connect, u"/a"_s }));
    QCOMPARE(h.engine.heldCount(), 0);

    // The socket drops before the client saw that frame; it reconnects on a new socket.
    h.engine.connectionClosed(&ws);
    FakeConnection ws2(true);
    const QJsonArray resent
        = h.send(connectMessage(clientId, std::nullopt, acked, Wire::Transport::WebSocket), ws2, webSocket());
    QCOMPARE(dataOf(resent), QJsonArray { u"m1"_s });
    QCOMPARE(ws.count(), 2);
}

void tst_BayeuxEngine::ackConnectWithoutAckHolds()
{
    // A client that never sends ext.ack must not spin: delivered messages wait for the next
    // delivery instead of forcing an immediate answer.
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s, true);
    QVERIFY(h.subscribe(clientId, u"/a"_s));
    h.engine.publish(u"/a"_s, 1, {});
    FakeConnection first;
    QCOMPARE(dataOf(h.send(connectMessage(clientId), first)), QJsonArray { 1 });
    FakeConnection second;
    h.send(connectMessage(clientId), second);
    QCOMPARE(second.count(), 0);
    QCOMPARE(h.engine.heldCount(), 1);
}

// -------------------------------------------------------------------------------------- validation

void tst_BayeuxEngine::invalidMessages_data()
{
    QTest::addColumn<QJsonValue>("element");
    QTest::addColumn<QString>("error");

    QTest::addRow("number") << QJsonValue(1) << QString(Wire::Error::InvalidMessage);
    QTest::addRow("string") << QJsonValue(u"hello"_s) << QString(Wire::Error::InvalidMessage);
    QTest::addRow("null") << QJsonValue(QJsonValue::Null) << QString(Wire::Error::InvalidMessage);
    QTest::addRow("nested array") << QJsonValue(QJsonArray { QJsonObject {} }) << QString(Wire::Error::InvalidMessage);
    QTest::addRow("empty object") << QJsonValue(QJsonObject {}) << QString(Wire::Error::InvalidMessage);
    QTest::addRow("channel not a string")
        << QJsonValue(QJsonObject { { Wire::Field::Channel, 5 } }) << QString(Wire::Error::InvalidMessage);
    QTest::addRow("clientId not a string")
        << QJsonValue(QJsonObject { { Wire::Field::Channel, Wire::Channel::Connect }, { Wire::Field::ClientId, 5 } })
        << QString(Wire::Error::InvalidMessage);
    QTest::addRow("channel without slash")
        << QJsonValue(QJsonObject { { Wire::Field::Channel, u"meta"_s } }) << QString(Wire::Error::InvalidChannel);
    QTest::addRow("empty channel") << QJsonValue(QJsonObject { { Wire::Field::Channel, QString() } })
                                   << QString(Wire::Error::InvalidChannel);
    QTest::addRow("unknown meta channel")
        << QJsonValue(QJsonObject { { Wire::Field::Channel, u"/meta/ping"_s } }) << QString(Wire::Error::Forbidden);
    QTest::addRow("huge channel") << QJsonValue(
        QJsonObject { { Wire::Field::Channel, QString(u"/"_s + QString(100000, u'a')) } })
                                  << QString(Wire::Error::InvalidChannel);
}

void tst_BayeuxEngine::invalidMessages()
{
    QFETCH(QJsonValue, element);
    QFETCH(QString, error);
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);

    // Alone, and twice next to a valid message: one reply per element, one answer per batch.
    FakeConnection alone;
    const QJsonArray single = h.send(QJsonArray { element }, alone);
    QCOMPARE(alone.count(), 1);
    QCOMPARE(single.size(), 1);
    QCOMPARE(single.first().toObject().value(Wire::Field::Successful).toBool(true), false);
    QCOMPARE(single.first().toObject().value(Wire::Field::Error).toString(), error);

    FakeConnection mixed;
    const QJsonArray frame = h.send(QJsonArray { element, subscribeMessage(clientId, u"/a"_s), element }, mixed);
    QCOMPARE(mixed.count(), 1);
    QCOMPARE(frame.size(), 3);
    QCOMPARE(frame.at(1).toObject().value(Wire::Field::Successful).toBool(), true);
    QCOMPARE(frame.at(2).toObject().value(Wire::Field::Error).toString(), error);
    QCOMPARE(h.engine.sessionCount(), 1);
}

void tst_BayeuxEngine::emptyBatch_data()
{
    QTest::addColumn<bool>("persistent");
    QTest::addColumn<int>("writes");
    QTest::addRow("long-polling answers []") << false << 1;
    QTest::addRow("websocket writes nothing") << true << 0;
}

void tst_BayeuxEngine::emptyBatch()
{
    QFETCH(bool, persistent);
    QFETCH(int, writes);
    Harness h;
    FakeConnection connection(persistent);
    h.engine.handleBatch(QJsonArray {}, &connection, persistent ? webSocket() : longPoll());
    QCOMPARE(connection.count(), writes);
    if (writes) QCOMPARE(connection.frames.first(), QByteArray("[]"));
}

void tst_BayeuxEngine::idIsEchoed_data()
{
    QTest::addColumn<QJsonValue>("id");
    QTest::addRow("string id") << QJsonValue(u"abc"_s);
    QTest::addRow("numeric id") << QJsonValue(17);
}

void tst_BayeuxEngine::idIsEchoed()
{
    QFETCH(QJsonValue, id);
    Harness h;
    const QByteArray clientId = h.handshake(u"exo1"_s);
    QJsonObject subscribe = subscribeMessage(clientId, u"/a"_s);
    subscribe.insert(Wire::Field::Id, id);
    QJsonObject connectMsg = connectMessage(clientId, 0);
    connectMsg.insert(Wire::Field::Id, id);
    FakeConnection connection;
    const QJsonArray frame = h.send(QJsonArray { subscribe, connectMsg }, connection);
    QCOMPARE(frame.size(), 2);
    QCOMPARE(frame.at(0).toObject().value(Wire::Field::Id), id);
    QCOMPARE(frame.at(1).toObject().value(Wire::Field::Id), id);
}

QTEST_GUILESS_MAIN(tst_BayeuxEngine)
#include "tst_bayeuxengine.moc"
