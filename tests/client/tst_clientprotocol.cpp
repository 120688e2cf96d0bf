// ClientProtocol without sockets: the messages it builds and what it makes of replies and advice.
#include "clientprotocol.h"

#include <QJsonDocument>
#include <QTest>

using namespace Cometd;
using namespace std::chrono_literals;
using Kind = ClientProtocol::Action::Kind;
using State = ClientProtocol::State;

namespace {

const QString kUser = QStringLiteral("exo1");
const QString kToken = QStringLiteral("token-1");
const QString kClientId = QStringLiteral("client-1");
const QUrl kNode(QStringLiteral("http://127.0.0.1:8081"));
const QUrl kOtherNode(QStringLiteral("http://127.0.0.1:8082"));
const QUrl kBase(QStringLiteral("http://127.0.0.1:8080/rest/"));

ClientOptions options(bool viaBalancer = false)
{
    ClientOptions o;
    o.user = kUser;
    if (viaBalancer)
        o.baseUrl = kBase;
    else
        o.nodeUrl = kNode;
    o.maxBackoff = 2000ms;
    return o;
}

QList<Kind> kinds(const ClientProtocol::Actions &actions)
{
    QList<Kind> out;
    for (const auto &a : actions)
        out.append(a.kind);
    return out;
}

const ClientProtocol::Action *find(const ClientProtocol::Actions &actions, Kind kind)
{
    for (const auto &a : actions) {
        if (a.kind == kind) return &a;
    }
    return nullptr;
}

// The one message of the action's Send, or an empty object.
QJsonObject sent(const ClientProtocol::Actions &actions, const QString &channel = {})
{
    for (const auto &a : actions) {
        if (a.kind != Kind::Send) continue;
        for (const QJsonValue &v : a.messages) {
            const QJsonObject o = v.toObject();
            if (channel.isEmpty() || o.value(u"channel").toString() == channel) return o;
        }
    }
    return {};
}

QJsonObject reply(const QString &channel, bool successful, const QJsonObject &extra = {})
{
    QJsonObject o = extra;
    o.insert(QStringLiteral("channel"), channel);
    o.insert(QStringLiteral("successful"), successful);
    return o;
}

QJsonObject handshakeOk(bool ack = false, int interval = 0)
{
    QJsonObject extra { { QStringLiteral("clientId"), kClientId },
        { QStringLiteral("advice"),
            QJsonObject { { QStringLiteral("reconnect"), QStringLiteral("retry") },
                { QStringLiteral("interval"), interval }, { QStringLiteral("timeout"), 2000 } } } };
    if (ack) extra.insert(QStringLiteral("ext"), QJsonObject { { QStringLiteral("ack"), true } });
    return reply(QStringLiteral("/meta/handshake"), true, extra);
}

// start → token → handshake reply; returns the actions that the handshake reply produced.
ClientProtocol::Actions handshaken(ClientProtocol &p, const QJsonObject &handshakeReply = handshakeOk())
{
    p.start();
    p.tokenReceived(200, kToken.toUtf8());
    return p.received({ handshakeReply });
}

} // namespace

class tst_ClientProtocol : public QObject
{
    Q_OBJECT

private slots:
    void handshakeContent_data()
    {
        QTest::addColumn<ClientTransport>("transport");
        QTest::addColumn<bool>("ack");
        QTest::addColumn<QString>("connectionType");
        QTest::addRow("long-polling with ack")
            << ClientTransport::LongPolling << true << QStringLiteral("long-polling");
        QTest::addRow("long-polling without ack")
            << ClientTransport::LongPolling << false << QStringLiteral("long-polling");
        QTest::addRow("websocket with ack") << ClientTransport::WebSocket << true << QStringLiteral("websocket");
    }
    void handshakeContent()
    {
        QFETCH(ClientTransport, transport);
        QFETCH(bool, ack);
        QFETCH(QString, connectionType);
        ClientOptions o = options();
        o.transport = transport;
        o.ack = ack;
        ClientProtocol p(o);

        const auto start = p.start();
        QCOMPARE(kinds(start), QList<Kind> { Kind::FetchToken });
        QCOMPARE(start.first().url.toString(), QStringLiteral("http://127.0.0.1:8081/rest/gettoken/exo1/"));
        QCOMPARE(p.state(), State::Authorizing);

        const auto actions = p.tokenReceived(200, "token-1\n");
        QCOMPARE(kinds(actions), (QList<Kind> { Kind::ResetTransport, Kind::Send }));
        QCOMPARE(p.state(), State::Handshaking);
        const QJsonObject hs = sent(actions);
        QCOMPARE(hs.value(u"channel").toString(), QStringLiteral("/meta/handshake"));
        QCOMPARE(hs.value(u"version").toString(), QStringLiteral("1.0"));
        QCOMPARE(hs.value(u"supportedConnectionTypes").toArray(), QJsonArray { connectionType });
        QCOMPARE(hs.value(u"exoId").toString(), kUser);
        QCOMPARE(hs.value(u"exoToken").toString(), kToken);
        QVERIFY(!hs.value(u"id").toString().isEmpty());
        QCOMPARE(hs.value(u"ext").toObject().value(u"ack").toBool(), ack);
        QCOMPARE(hs.contains(u"ext"), ack);
        QCOMPARE(p.cometdUrl().toString(), QStringLiteral("http://127.0.0.1:8081/cometd/cometd"));
    }

    void locatesThroughTheBalancer()
    {
        ClientProtocol p(options(true));
        const auto start = p.start();
        QCOMPARE(kinds(start), QList<Kind> { Kind::Locate });
        QCOMPARE(start.first().url.toString(), QStringLiteral("http://127.0.0.1:8080/rest/cometdurl/exo1/"));
        QCOMPARE(p.state(), State::Locating);

        // No room (503): try again later.
        auto actions = p.located(503, {});
        QVERIFY(find(actions, Kind::Schedule));
        QCOMPARE(p.state(), State::Reconnecting);
        QCOMPARE(kinds(p.timerFired()), QList<Kind> { Kind::Locate });

        actions = p.located(200, "http://127.0.0.1:8082");
        QCOMPARE(kinds(actions), QList<Kind> { Kind::FetchToken });
        QCOMPARE(actions.first().url.toString(), QStringLiteral("http://127.0.0.1:8082/rest/gettoken/exo1/"));
        QCOMPARE(p.node(), kOtherNode);
    }

    void handshakeThenSubscriptionsThenReady()
    {
        ClientOptions o = options();
        o.channels = QStringList { QStringLiteral("/a"), QStringLiteral("/b") };
        ClientProtocol p(o);
        const auto actions = handshaken(p);
        QCOMPARE(p.state(), State::Connected);
        QCOMPARE(p.clientId(), kClientId);
        QVERIFY(!find(actions, Kind::Ready));

        QJsonArray subscriptions;
        bool connectSent = false;
        for (const auto &a : actions) {
            if (a.kind != Kind::Send) continue;
            for (const QJsonValue &v : a.messages) {
                const QJsonObject m = v.toObject();
                if (m.value(u"channel").toString() == u"/meta/subscribe") subscriptions.append(m);
                if (m.value(u"channel").toString() == u"/meta/connect") {
                    QVERIFY(a.connect);
                    QCOMPARE(a.timeout, 2000ms + o.requestTimeout); // the advised hold and then some
                    connectSent = true;
                }
            }
        }
        QVERIFY(connectSent);
        QCOMPARE(subscriptions.size(), 2);
        QCOMPARE(subscriptions.at(0).toObject().value(u"clientId").toString(), kClientId);

        auto answer = [&](int i) {
            const QJsonObject s = subscriptions.at(i).toObject();
            return p.received({ reply(QStringLiteral("/meta/subscribe"), true,
                { { QStringLiteral("id"), s.value(u"id") },
                    { QStringLiteral("subscription"), s.value(u"subscription") } }) });
        };
        QVERIFY(!find(answer(0), Kind::Ready));
        QVERIFY(find(answer(1), Kind::Ready));
        // Answered twice (a duplicate): no second ready.
        QVERIFY(!find(answer(1), Kind::Ready));
    }

    void refusedSubscriptionIsAnErrorNotReady()
    {
        ClientOptions o = options();
        o.channels = QStringList { QStringLiteral("/bad*") };
        ClientProtocol p(o);
        const QJsonObject s = sent(handshaken(p), QStringLiteral("/meta/subscribe"));
        const auto actions = p.received({ reply(QStringLiteral("/meta/subscribe"), false,
            { { QStringLiteral("id"), s.value(u"id") },
                { QStringLiteral("error"), QStringLiteral("400::invalid channel") } }) });
        QVERIFY(find(actions, Kind::Error));
        QVERIFY(find(actions, Kind::Error)->text.contains(u"400::invalid channel"));
        QVERIFY(!find(actions, Kind::Ready));
        QCOMPARE(p.state(), State::Connected);
    }

    // Who said no, and in their words: kept until the client is ready, or until an attempt gets no
    // answer at all (a program waiting for many clients tells "refused" from "still trying").
    void refusalNamesWhoRefusedAndWhy_data()
    {
        QTest::addColumn<int>("step"); // 0 cometdurl, 1 gettoken, 2 handshake
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body"); // the HTTP body, or the handshake's Bayeux error
        QTest::addColumn<QString>("advice");
        QTest::addColumn<ClientRefusal>("expected");
        QTest::addColumn<State>("state");
        using By = ClientRefusal::By;
        using Step = ClientRefusal::Step;
        QTest::addRow("balancer full") << 0 << 503 << QByteArray("no node has room; retry shortly\n") << QString()
                                       << ClientRefusal { By::Balancer, Step::Locate, 503,
                                              QStringLiteral("no node has room; retry shortly") }
                                       << State::Reconnecting;
        QTest::addRow("balancer: bad user name (JSON error)")
            << 0 << 400 << QByteArray(R"({"error":"invalid user name"})") << QString()
            << ClientRefusal { By::Balancer, Step::Locate, 400, QStringLiteral("invalid user name") } << State::Failed;
        QTest::addRow("token refused") << 1 << 401 << QByteArray(R"({"error":"API key required"})") << QString()
                                       << ClientRefusal { By::Node, Step::Token, 401,
                                              QStringLiteral("API key required") }
                                       << State::Failed;
        QTest::addRow("too many sessions")
            << 2 << 0 << QByteArray("503::too many sessions") << QStringLiteral("none")
            << ClientRefusal { By::Node, Step::Handshake, 0, QStringLiteral("503::too many sessions") }
            << State::Failed;
        QTest::addRow("node full") << 2 << 0 << QByteArray("503::node full") << QStringLiteral("handshake")
                                   << ClientRefusal { By::Node, Step::Handshake, 0, QStringLiteral("503::node full") }
                                   << State::Reconnecting;
    }
    void refusalNamesWhoRefusedAndWhy()
    {
        QFETCH(int, step);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, advice);
        QFETCH(ClientRefusal, expected);
        QFETCH(State, state);
        ClientProtocol p(options(true));
        p.start();
        QVERIFY(!p.lastRefusal());
        ClientProtocol::Actions actions;
        if (step == 0) {
            actions = p.located(status, body);
        } else {
            p.located(200, "http://127.0.0.1:8081");
            if (step == 1) {
                actions = p.tokenReceived(status, body);
            } else {
                p.tokenReceived(200, kToken.toUtf8());
                actions = p.received({ reply(QStringLiteral("/meta/handshake"), false,
                    { { QStringLiteral("error"), QString::fromUtf8(body) },
                        { QStringLiteral("advice"), QJsonObject { { QStringLiteral("reconnect"), advice } } } }) });
            }
        }
        QVERIFY(p.lastRefusal());
        QCOMPARE(*p.lastRefusal(), expected);
        QCOMPARE(p.state(), state);
        // The error text carries the refuser's words too.
        QVERIFY2(
            find(actions, Kind::Error)->text.contains(expected.reason), qPrintable(find(actions, Kind::Error)->text));
    }

    void refusalClearsOnSilenceAndOnReady()
    {
        ClientOptions o = options(true);
        o.failover = false;
        ClientProtocol p(o);
        p.start();
        p.located(503, "no node has room; retry shortly");
        QVERIFY(p.lastRefusal());
        p.timerFired();
        p.located(0, {}); // the balancer went silent: no longer "refused", still trying
        QVERIFY(!p.lastRefusal());
        p.timerFired();
        p.located(503, "no node has room; retry shortly");
        p.timerFired();
        p.located(200, "http://127.0.0.1:8081"); // an attempt under way is not refused
        QVERIFY(!p.lastRefusal());
        p.tokenReceived(200, kToken.toUtf8());
        p.received({ reply(QStringLiteral("/meta/handshake"), false,
            { { QStringLiteral("error"), QStringLiteral("503::node full") },
                { QStringLiteral("advice"),
                    QJsonObject { { QStringLiteral("reconnect"), QStringLiteral("handshake") },
                        { QStringLiteral("interval"), 1000 } } } }) });
        QVERIFY(p.lastRefusal());
        p.timerFired();
        const auto actions = p.received({ handshakeOk() });
        QVERIFY(find(actions, Kind::Ready));
        QVERIFY(!p.lastRefusal());
    }

    void refusedSubscriptionIsARefusal()
    {
        ClientOptions o = options();
        o.channels = QStringList { QStringLiteral("/bad*") };
        ClientProtocol p(o);
        const QJsonObject s = sent(handshaken(p), QStringLiteral("/meta/subscribe"));
        p.received({ reply(QStringLiteral("/meta/subscribe"), false,
            { { QStringLiteral("id"), s.value(u"id") },
                { QStringLiteral("error"), QStringLiteral("400::invalid channel") } }) });
        QVERIFY(p.lastRefusal());
        QCOMPARE(p.lastRefusal()->step, ClientRefusal::Step::Subscribe);
        QCOMPARE(p.lastRefusal()->reason, QStringLiteral("400::invalid channel"));
    }

    void connectAdvice_data()
    {
        QTest::addColumn<QJsonObject>("connectReply");
        QTest::addColumn<QList<Kind>>("expected");
        QTest::addColumn<State>("state");
        QTest::addColumn<QString>("sentChannel"); // what goes out now, or after the timer
        QTest::addColumn<bool>("viaTimer");

        const auto advice = [](const QString &reconnect, int interval) {
            return QJsonObject { { QStringLiteral("advice"),
                QJsonObject {
                    { QStringLiteral("reconnect"), reconnect }, { QStringLiteral("interval"), interval } } } };
        };
        const QString connect = QStringLiteral("/meta/connect");
        const QString handshake = QStringLiteral("/meta/handshake");
        QTest::addRow("retry, no interval: connect again at once")
            << reply(connect, true, advice(QStringLiteral("retry"), 0)) << QList<Kind> { Kind::Send }
            << State::Connected << connect << false;
        QTest::addRow("retry with interval: connect after it")
            << reply(connect, true, advice(QStringLiteral("retry"), 500)) << QList<Kind> { Kind::Schedule }
            << State::Connected << connect << true;
        QTest::addRow("handshake advice: handshake again")
            << reply(connect, true, advice(QStringLiteral("handshake"), 0))
            << QList<Kind> { Kind::Error, Kind::ResetTransport, Kind::Send } << State::Handshaking << handshake
            << false;
        QTest::addRow("handshake advice with interval")
            << reply(connect, true, advice(QStringLiteral("handshake"), 300))
            << QList<Kind> { Kind::Error, Kind::Schedule } << State::Reconnecting << handshake << true;
        QJsonObject unknown = advice(QStringLiteral("handshake"), 0);
        unknown.insert(QStringLiteral("error"), QStringLiteral("402::unknown client"));
        QTest::addRow("402 unknown client: handshake again")
            << reply(connect, false, unknown) << QList<Kind> { Kind::Error, Kind::ResetTransport, Kind::Send }
            << State::Handshaking << handshake << false;
        QJsonObject unknownNoAdvice { { QStringLiteral("error"), QStringLiteral("402::unknown client") } };
        QTest::addRow("402 without advice: handshake again")
            << reply(connect, false, unknownNoAdvice) << QList<Kind> { Kind::Error, Kind::ResetTransport, Kind::Send }
            << State::Handshaking << handshake << false;
        QTest::addRow("reconnect none: failed") << reply(connect, true, advice(QStringLiteral("none"), 0))
                                                << QList<Kind> { Kind::CancelTimer, Kind::ResetTransport, Kind::Error }
                                                << State::Failed << QString() << false;
        QJsonObject other = advice(QStringLiteral("retry"), 0);
        other.insert(QStringLiteral("error"), QStringLiteral("500::oops"));
        QTest::addRow("other failure: backoff, then connect")
            << reply(connect, false, other) << QList<Kind> { Kind::Error, Kind::Schedule } << State::Reconnecting
            << connect << true;
    }
    void connectAdvice()
    {
        QFETCH(QJsonObject, connectReply);
        QFETCH(QList<Kind>, expected);
        QFETCH(State, state);
        QFETCH(QString, sentChannel);
        QFETCH(bool, viaTimer);

        ClientProtocol p(options());
        handshaken(p);
        connectReply.insert(QStringLiteral("clientId"), kClientId);
        auto actions = p.received({ connectReply });
        QCOMPARE(kinds(actions), expected);
        QCOMPARE(p.state(), state);
        if (viaTimer) {
            QVERIFY(find(actions, Kind::Schedule)->delay > 0ms);
            actions = p.timerFired();
        }
        if (sentChannel.isEmpty()) {
            QVERIFY(!find(actions, Kind::Send));
            return;
        }
        const QJsonObject message = sent(actions);
        QCOMPARE(message.value(u"channel").toString(), sentChannel);
        if (sentChannel == u"/meta/handshake") {
            // The token is kept for a re-handshake: no new gettoken.
            QCOMPARE(message.value(u"exoToken").toString(), kToken);
            QVERIFY(!find(actions, Kind::FetchToken));
        } else {
            QCOMPARE(message.value(u"clientId").toString(), kClientId);
            QCOMPARE(message.value(u"connectionType").toString(), QStringLiteral("long-polling"));
        }
    }

    void ack_data()
    {
        QTest::addColumn<bool>("clientWants");
        QTest::addColumn<bool>("serverOffers");
        QTest::addRow("both") << true << true;
        QTest::addRow("server without ack") << true << false;
        QTest::addRow("client without ack") << false << true;
    }
    void ack()
    {
        QFETCH(bool, clientWants);
        QFETCH(bool, serverOffers);
        const bool enabled = clientWants && serverOffers;
        ClientOptions o = options();
        o.ack = clientWants;
        ClientProtocol p(o);
        QJsonObject hs = handshakeOk(false);
        if (serverOffers) hs.insert(QStringLiteral("ext"), QJsonObject { { QStringLiteral("ack"), true } });

        QJsonObject connect = sent(handshaken(p, hs), QStringLiteral("/meta/connect"));
        QCOMPARE(p.ackEnabled(), enabled);
        QCOMPARE(connect.contains(u"ext"), enabled);
        if (enabled) QCOMPARE(connect.value(u"ext").toObject().value(u"ack").toInteger(), -1);

        // The server numbers the batch of messages it sends with the connect reply.
        for (int batch : { 3, 4 }) {
            const QJsonObject connectReply = reply(QStringLiteral("/meta/connect"), true,
                { { QStringLiteral("clientId"), kClientId },
                    { QStringLiteral("ext"), QJsonObject { { QStringLiteral("ack"), batch } } } });
            const QJsonObject delivered { { QStringLiteral("channel"), QStringLiteral("/a") },
                { QStringLiteral("data"), QStringLiteral("hello") }, { QStringLiteral("id"), QString::number(batch) } };
            const auto actions = p.received({ connectReply, delivered });
            // Delivered first, then the connect that acknowledges it.
            QCOMPARE(kinds(actions), (QList<Kind> { Kind::Deliver, Kind::Send }));
            QCOMPARE(actions.first().message.channel, QStringLiteral("/a"));
            QCOMPARE(actions.first().message.data, QJsonValue(QStringLiteral("hello")));
            QCOMPARE(actions.first().message.id, QString::number(batch));
            connect = sent(actions);
            QCOMPARE(connect.contains(u"ext"), enabled);
            if (enabled) QCOMPARE(connect.value(u"ext").toObject().value(u"ack").toInteger(), batch);
        }
    }

    void invalidToken_data()
    {
        QTest::addColumn<bool>("afterRehandshake");
        QTest::addRow("fresh token refused") << false;
        QTest::addRow("kept token refused, then a fresh one too") << true;
    }
    void invalidToken()
    {
        QFETCH(bool, afterRehandshake);
        ClientProtocol p(options());
        const QJsonObject refused = reply(QStringLiteral("/meta/handshake"), false,
            { { QStringLiteral("error"), QStringLiteral("403::invalid token") },
                { QStringLiteral("advice"),
                    QJsonObject { { QStringLiteral("reconnect"), QStringLiteral("none") } } } });
        if (!afterRehandshake) {
            p.start();
            p.tokenReceived(200, kToken.toUtf8());
        } else {
            handshaken(p);
            p.received({ reply(QStringLiteral("/meta/connect"), false,
                { { QStringLiteral("error"), QStringLiteral("402::unknown client") } }) });
            QCOMPARE(p.state(), State::Handshaking);
            // The kept token is refused: one new token is fetched.
            const auto actions = p.received({ refused });
            QCOMPARE(kinds(actions), QList<Kind> { Kind::FetchToken });
            QCOMPARE(p.state(), State::Authorizing);
            QCOMPARE(sent(p.tokenReceived(200, "token-2")).value(u"exoToken").toString(), QStringLiteral("token-2"));
        }
        const auto actions = p.received({ refused });
        QCOMPARE(p.state(), State::Failed);
        QVERIFY(find(actions, Kind::Error));
        QVERIFY(find(actions, Kind::Error)->text.contains(u"403::invalid token"));
        QVERIFY(!find(actions, Kind::Send));
        QVERIFY(!find(actions, Kind::Schedule));
        // Nothing brings a failed client back but start().
        QVERIFY(p.timerFired().isEmpty());
        QVERIFY(p.transportFailed(QStringLiteral("closed")).isEmpty());
    }

    void handshakeAdvice_data()
    {
        QTest::addColumn<QJsonObject>("handshakeReply");
        QTest::addColumn<State>("state");
        QTest::addColumn<bool>("handshakesAgain");
        const auto refusal = [](const QString &error, const QJsonObject &advice) {
            return reply(QStringLiteral("/meta/handshake"), false,
                { { QStringLiteral("error"), error }, { QStringLiteral("advice"), advice } });
        };
        QTest::addRow("node full: handshake after the interval") << refusal(QStringLiteral("503::node full"),
            { { QStringLiteral("reconnect"), QStringLiteral("handshake") }, { QStringLiteral("interval"), 1000 } })
                                                                 << State::Reconnecting << true;
        QTest::addRow("unsupported connection type, reconnect none")
            << refusal(QStringLiteral("400::unsupported connection type"),
                   { { QStringLiteral("reconnect"), QStringLiteral("none") } })
            << State::Failed << false;
        QTest::addRow("no advice: backoff, then handshake")
            << refusal(QStringLiteral("500::whatever"), {}) << State::Reconnecting << true;
    }
    void handshakeAdvice()
    {
        QFETCH(QJsonObject, handshakeReply);
        QFETCH(State, state);
        QFETCH(bool, handshakesAgain);
        ClientProtocol p(options());
        handshaken(p, handshakeReply);
        QCOMPARE(p.state(), state);
        const QJsonObject again = sent(p.timerFired());
        QCOMPARE(again.value(u"channel").toString(), handshakesAgain ? QStringLiteral("/meta/handshake") : QString());
    }

    void backoffIsExponentialAndCapped_data()
    {
        QTest::addColumn<int>("failures");
        QTest::addColumn<int>("ms");
        QTest::addRow("first") << 1 << 250;
        QTest::addRow("second") << 2 << 500;
        QTest::addRow("third") << 3 << 1000;
        QTest::addRow("fourth") << 4 << 2000;
        QTest::addRow("capped") << 10 << 2000;
    }
    void backoffIsExponentialAndCapped()
    {
        QFETCH(int, failures);
        QFETCH(int, ms);
        ClientProtocol p(options());
        QCOMPARE(p.backoff(failures), std::chrono::milliseconds(ms));

        // The scheduled delay is the backoff less at most a quarter of jitter.
        ClientProtocol q(options());
        handshaken(q);
        ClientProtocol::Actions actions;
        for (int i = 0; i < failures; ++i) {
            actions = q.transportFailed(QStringLiteral("refused"));
            QCOMPARE(q.state(), State::Reconnecting);
            if (i + 1 < failures)
                QCOMPARE(sent(q.timerFired()).value(u"channel").toString(), QStringLiteral("/meta/connect"));
        }
        const auto delay = find(actions, Kind::Schedule)->delay;
        QVERIFY2(delay <= std::chrono::milliseconds(ms) && delay >= std::chrono::milliseconds(ms * 3 / 4),
            qPrintable(QString::number(delay.count())));
    }

    void failoverRelocates()
    {
        ClientOptions o = options(true);
        o.channels = QStringList { QStringLiteral("/a") };
        ClientProtocol p(o);
        p.start();
        p.located(200, "http://127.0.0.1:8081");
        p.tokenReceived(200, kToken.toUtf8());
        QJsonObject subscribe = sent(p.received({ handshakeOk() }), QStringLiteral("/meta/subscribe"));
        auto subscribed = [&](const QJsonObject &s) {
            return p.received(
                { reply(QStringLiteral("/meta/subscribe"), true, { { QStringLiteral("id"), s.value(u"id") } }) });
        };
        auto actions = subscribed(subscribe);
        QCOMPARE(kinds(actions), QList<Kind> { Kind::Ready });

        // The node stops answering: back to the balancer, which first still names the dead node.
        actions = p.transportFailed(QStringLiteral("connection refused"));
        QCOMPARE(kinds(actions), (QList<Kind> { Kind::ResetTransport, Kind::Error, Kind::Schedule }));
        QCOMPARE(kinds(p.timerFired()), QList<Kind> { Kind::Locate });
        p.located(200, "http://127.0.0.1:8081");
        actions = p.tokenReceived(0, {});
        QCOMPARE(p.state(), State::Reconnecting);
        QCOMPARE(kinds(p.timerFired()), QList<Kind> { Kind::Locate });

        // Then another one.
        QCOMPARE(kinds(p.located(200, "http://127.0.0.1:8082")), QList<Kind> { Kind::FetchToken });
        QCOMPARE(sent(p.tokenReceived(200, "token-2")).value(u"exoToken").toString(), QStringLiteral("token-2"));
        subscribe = sent(p.received({ handshakeOk() }), QStringLiteral("/meta/subscribe"));
        QCOMPARE(subscribe.value(u"subscription").toString(), QStringLiteral("/a"));
        actions = subscribed(subscribe);
        QCOMPARE(kinds(actions), (QList<Kind> { Kind::FailedOver, Kind::Ready }));
        QCOMPARE(actions.first().url, kOtherNode);
        QCOMPARE(p.cometdUrl().toString(), QStringLiteral("http://127.0.0.1:8082/cometd/cometd"));
    }

    void withoutFailoverRetriesTheSameNode()
    {
        ClientOptions o = options(true);
        o.failover = false;
        ClientProtocol p(o);
        p.start();
        p.located(200, "http://127.0.0.1:8081");
        p.tokenReceived(200, kToken.toUtf8());
        p.received({ handshakeOk() });
        p.transportFailed(QStringLiteral("connection refused"));
        const QJsonObject connect = sent(p.timerFired());
        QCOMPARE(connect.value(u"channel").toString(), QStringLiteral("/meta/connect"));
        QCOMPARE(p.node(), kNode);
    }

    void stop_data()
    {
        QTest::addColumn<bool>("viaBalancer");
        QTest::addColumn<bool>("releaseSlot");
        QTest::addColumn<bool>("releases");
        QTest::addRow("via balancer, release") << true << true << true;
        QTest::addRow("via balancer, keep the slot") << true << false << false;
        QTest::addRow("fixed node: nothing to release") << false << true << false;
    }
    void stop()
    {
        QFETCH(bool, viaBalancer);
        QFETCH(bool, releaseSlot);
        QFETCH(bool, releases);
        ClientProtocol p(options(viaBalancer));
        p.start();
        if (viaBalancer) p.located(200, "http://127.0.0.1:8081");
        p.tokenReceived(200, kToken.toUtf8());
        p.received({ handshakeOk() });
        const quint64 epoch = p.epoch();

        auto actions = p.stop(releaseSlot);
        QVERIFY(p.epoch() != epoch); // what was planned before no longer goes out
        QCOMPARE(p.state(), State::Disconnecting);
        const QJsonObject disconnect = sent(actions);
        QCOMPARE(disconnect.value(u"channel").toString(), QStringLiteral("/meta/disconnect"));
        QCOMPARE(disconnect.value(u"clientId").toString(), kClientId);
        QVERIFY(p.stop(releaseSlot).isEmpty()); // once

        // The held connect comes back with reconnect none: not a failure while disconnecting.
        QVERIFY(p.received({ reply(QStringLiteral("/meta/connect"), true,
                               { { QStringLiteral("clientId"), kClientId },
                                   { QStringLiteral("advice"),
                                       QJsonObject { { QStringLiteral("reconnect"), QStringLiteral("none") } } } }) })
                    .isEmpty());
        actions = p.received({ reply(QStringLiteral("/meta/disconnect"), true) });
        if (releases) {
            const auto *release = find(actions, Kind::Release);
            QVERIFY(release);
            QCOMPARE(release->url.toString(), QStringLiteral("http://127.0.0.1:8080/rest/releasecometd/exo1/"));
            QVERIFY(!find(actions, Kind::Stopped));
            actions = p.released();
        }
        QVERIFY(!find(actions, Kind::Release));
        QVERIFY(find(actions, Kind::Stopped));
        QCOMPARE(p.state(), State::Idle);
    }

    void stopWhenUnreachableStillStops()
    {
        ClientProtocol p(options());
        handshaken(p);
        p.stop(true);
        const auto actions = p.transportFailed(QStringLiteral("timed out"));
        QVERIFY(find(actions, Kind::Stopped));
        QCOMPARE(p.state(), State::Idle);
    }

    void gettokenRefused()
    {
        ClientProtocol p(options());
        p.start();
        const auto actions = p.tokenReceived(401, {});
        QCOMPARE(p.state(), State::Failed);
        QVERIFY(find(actions, Kind::Error)->text.contains(u"401"));
    }

    void metaAndRepliesAreNotDelivered()
    {
        ClientProtocol p(options());
        handshaken(p);
        const auto actions
            = p.received({ reply(QStringLiteral("/a"), true, { { QStringLiteral("id"), QStringLiteral("9") } }),
                QJsonObject { { QStringLiteral("channel"), QStringLiteral("/meta/whatever") } },
                QJsonObject { { QStringLiteral("channel"), QStringLiteral("/b") },
                    { QStringLiteral("data"), QJsonObject { { QStringLiteral("k"), 1 } } },
                    { QStringLiteral("id"), 7 } } });
        QCOMPARE(kinds(actions), QList<Kind> { Kind::Deliver });
        QCOMPARE(actions.first().message.id, QStringLiteral("7"));
        QCOMPARE(actions.first().message.data.toObject().value(u"k").toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_ClientProtocol)
#include "tst_clientprotocol.moc"
