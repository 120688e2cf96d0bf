// A whole node over loopback: every transport, the REST API and every row of SPEC §4.
#include "eventdispatcher.h"
#include "nodefixture.h"
#include "rawwebsocket.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QWebSocket>

namespace {
const QString kChannel = QStringLiteral("/eXo/cometd/test");
const QByteArray kBayeux = QByteArrayLiteral("/cometd/cometd");

QJsonObject first(const RawHttpClient::Reply &reply)
{
    return reply.jsonArray().at(0).toObject();
}

// The messages of a connect answer that are deliveries (not meta replies).
QList<QJsonObject> deliveries(const QJsonArray &batch)
{
    QList<QJsonObject> out;
    for (const QJsonValue &v : batch) {
        const QJsonObject o = v.toObject();
        if (!o.value(QStringLiteral("channel")).toString().startsWith(u"/meta/")) out.append(o);
    }
    return out;
}
} // namespace

class tst_Node : public QObject
{
    Q_OBJECT
    NodeFixture f;

private slots:
    void init() { QVERIFY(f.start()); }
    void cleanup() { f.server.reset(); }

    void tokenIsIssuedAndChecked()
    {
        RawHttpClient c(f.port);
        const QString token = f.token(c, QStringLiteral("exo1"));
        QVERIFY(!token.isEmpty());
        const auto ok = f.exchange(c, "POST", kBayeux, f.json(f.handshakeMessage(QStringLiteral("exo1"), token)));
        QCOMPARE(first(ok).value(QStringLiteral("successful")).toBool(), true);

        const auto wrongUser
            = f.exchange(c, "POST", kBayeux, f.json(f.handshakeMessage(QStringLiteral("exo2"), token)));
        QCOMPARE(first(wrongUser).value(QStringLiteral("successful")).toBool(), false);
        QCOMPARE(first(wrongUser).value(QStringLiteral("error")).toString(), QStringLiteral("403::invalid token"));
        QCOMPARE(first(wrongUser)[u"advice"_qs][u"reconnect"_qs].toString(), QStringLiteral("none"));

        const auto missing = f.exchange(c, "POST", kBayeux,
            f.json(QJsonObject { { QStringLiteral("channel"), QStringLiteral("/meta/handshake") },
                { QStringLiteral("version"), QStringLiteral("1.0") },
                { QStringLiteral("supportedConnectionTypes"), QJsonArray { QStringLiteral("long-polling") } } }));
        QCOMPARE(first(missing).value(QStringLiteral("error")).toString(), QStringLiteral("403::invalid token"));
    }

    void tokenInExt()
    {
        RawHttpClient c(f.port);
        const QString token = f.token(c, QStringLiteral("exo1"));
        QJsonObject hs = f.handshakeMessage(QStringLiteral("exo1"), token);
        hs.remove(QStringLiteral("exoId"));
        hs.remove(QStringLiteral("exoToken"));
        hs.insert(QStringLiteral("ext"),
            QJsonObject { { QStringLiteral("exoId"), QStringLiteral("exo1") }, { QStringLiteral("exoToken"), token } });
        QCOMPARE(first(f.exchange(c, "POST", kBayeux, f.json(hs))).value(QStringLiteral("successful")).toBool(), true);
    }

    void longPollingPrivateAndBroadcast()
    {
        RawHttpClient c(f.port);
        const QString clientId = f.session(c, QStringLiteral("exo1"), kChannel);
        QVERIFY(!clientId.isEmpty());

        RawHttpClient poll(f.port);
        poll.postJson(kBayeux, f.json(f.connectMessage(clientId)));
        QSignalSpy held(&poll, &RawHttpClient::replied);
        QVERIFY(!held.wait(200)); // held: nothing queued yet

        RawHttpClient app(f.port);
        const auto sent = f.exchange(app, "POST", "/rest/sendprivatemessage/",
            f.deliveryBody(kChannel, QStringLiteral("exo1"), QStringLiteral("hello"), QStringLiteral("1")));
        QCOMPARE(sent.status, 200);
        QCOMPARE(sent.jsonObject().value(QStringLiteral("delivered")).toInt(), 1);
        QVERIFY(f.waitFor(poll, 1));
        auto got = deliveries(poll.replies.at(0).jsonArray());
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.at(0).value(QStringLiteral("channel")).toString(), kChannel);
        QCOMPARE(got.at(0).value(QStringLiteral("data")).toString(), QStringLiteral("hello"));
        QCOMPARE(got.at(0).value(QStringLiteral("id")).toString(), QStringLiteral("1"));

        // broadcast with a JSON object as the message: delivered exactly as sent
        const QJsonObject payload { { QStringLiteral("n"), 2 } };
        const auto broadcast = f.exchange(app, "POST", "/rest/continuation/sendbroadcastmessage",
            f.deliveryBody(kChannel, {}, payload, QStringLiteral("2")));
        QCOMPARE(broadcast.status, 200);
        QCOMPARE(broadcast.jsonObject().value(QStringLiteral("delivered")).toInt(), 1);
        poll.postJson(kBayeux, f.json(f.connectMessage(clientId)));
        QVERIFY(f.waitFor(poll, 2));
        got = deliveries(poll.replies.at(1).jsonArray());
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.at(0).value(QStringLiteral("data")).toObject(), payload);
    }

    void batchingDeliversEverythingQueued()
    {
        RawHttpClient c(f.port);
        const QString clientId = f.session(c, QStringLiteral("exo1"), kChannel);
        RawHttpClient app(f.port);
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(f.exchange(app, "POST", "/rest/sendprivatemessage",
                          f.deliveryBody(kChannel, QStringLiteral("exo1"), i, QString::number(i)))
                         .status,
                200);
        }
        const auto reply = f.exchange(c, "POST", kBayeux, f.json(f.connectMessage(clientId)));
        QCOMPARE(deliveries(reply.jsonArray()).size(), 5);
    }

    void connectTimesOutWithAdvice()
    {
        RawHttpClient c(f.port);
        const QString clientId = f.session(c, QStringLiteral("exo1"), kChannel);
        const auto reply = f.exchange(c, "POST", kBayeux, f.json(f.connectMessage(clientId)));
        const QJsonObject connect = first(reply);
        QCOMPARE(connect.value(QStringLiteral("channel")).toString(), QStringLiteral("/meta/connect"));
        QCOMPARE(connect.value(QStringLiteral("successful")).toBool(), true);
        QCOMPARE(connect[u"advice"_qs][u"reconnect"_qs].toString(), QStringLiteral("retry"));
    }

    void callbackPolling()
    {
        RawHttpClient c(f.port);
        const QString user = QStringLiteral("exo1");
        const QString token = f.token(c, user);
        const QByteArray message = QUrl::toPercentEncoding(QString::fromUtf8(
            f.json(QJsonArray { f.handshakeMessage(user, token, QStringLiteral("callback-polling")) })));
        const auto reply = f.exchange(c, "GET", kBayeux + "?jsonp=cb_1&message=" + message);
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.header("Content-Type").startsWith("text/javascript"));
        QVERIFY(reply.body.startsWith("cb_1("));
        QVERIFY(reply.body.endsWith(");"));
        const QByteArray inner = reply.body.mid(5, reply.body.size() - 7);
        const QJsonObject hs = QJsonDocument::fromJson(inner).array().at(0).toObject();
        QCOMPARE(hs.value(QStringLiteral("successful")).toBool(), true);

        const auto bad = f.exchange(c, "GET", kBayeux + "?jsonp=alert(1)&message=" + message);
        QCOMPARE(bad.status, 400);
    }

    void formEncodedPost()
    {
        RawHttpClient c(f.port);
        const QString token = f.token(c, QStringLiteral("exo1"));
        const QByteArray body = "message="
            + QUrl::toPercentEncoding(QString::fromUtf8(f.json(f.handshakeMessage(QStringLiteral("exo1"), token))));
        c.request("POST", kBayeux, body, { QByteArrayLiteral("Content-Type: application/x-www-form-urlencoded") });
        QVERIFY(f.waitFor(c, 2));
        QCOMPARE(first(c.replies.at(1)).value(QStringLiteral("successful")).toBool(), true);
    }

    void browserCookieIsSet()
    {
        RawHttpClient c(f.port);
        const QString token = f.token(c, QStringLiteral("exo1"));
        const auto reply = f.exchange(c, "POST", kBayeux, f.json(f.handshakeMessage(QStringLiteral("exo1"), token)));
        QVERIFY(reply.header("Set-Cookie").startsWith("BAYEUX_BROWSER="));
        const QByteArray cookie = reply.header("Set-Cookie").split(';').at(0);
        const auto again = f.exchange(
            c, "POST", kBayeux, f.json(f.handshakeMessage(QStringLiteral("exo1"), token)), { "Cookie: " + cookie });
        QVERIFY(again.header("Set-Cookie").isEmpty());
    }

    void webSocketFlow()
    {
        RawHttpClient rest(f.port);
        const QString user = QStringLiteral("exo1");
        const QString token = f.token(rest, user);
        QWebSocket ws;
        QSignalSpy frames(&ws, &QWebSocket::textMessageReceived);
        ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/cometd/cometd").arg(f.port)));
        QTRY_COMPARE(ws.state(), QAbstractSocket::ConnectedState);
        const auto send
            = [&](const QJsonObject &m) { ws.sendTextMessage(QString::fromUtf8(f.json(QJsonArray { m }))); };
        qsizetype consumed = 0;
        const auto nextFrame = [&]() -> QJsonArray {
            if (frames.size() <= consumed && !frames.wait(5000)) return {};
            return QJsonDocument::fromJson(frames.at(consumed++).at(0).toString().toUtf8()).array();
        };
        send(f.handshakeMessage(user, token, QStringLiteral("websocket")));
        const QJsonObject hs = nextFrame().at(0).toObject();
        QVERIFY(hs.value(QStringLiteral("successful")).toBool());
        const QString clientId = hs.value(QStringLiteral("clientId")).toString();
        send(f.message(QStringLiteral("/meta/subscribe"), clientId, { { QStringLiteral("subscription"), kChannel } }));
        QVERIFY(nextFrame().at(0).toObject().value(QStringLiteral("successful")).toBool());
        send(f.connectMessage(clientId, QStringLiteral("websocket")));

        const auto sent = f.exchange(rest, "POST", "/rest/sendbroadcastmessage/",
            f.deliveryBody(kChannel, {}, QStringLiteral("hello!!!"), QStringLiteral("2")));
        QCOMPARE(sent.jsonObject().value(QStringLiteral("delivered")).toInt(), 1);
        QJsonArray pushed;
        while (deliveries(pushed).isEmpty()) {
            pushed = nextFrame();
            QVERIFY2(!pushed.isEmpty(), qPrintable(frames.isEmpty() ? QString() : frames.last().at(0).toString()));
        }
        const QJsonObject got = deliveries(pushed).at(0);
        QCOMPARE(got.value(QStringLiteral("data")).toString(), QStringLiteral("hello!!!"));
        QCOMPARE(got.value(QStringLiteral("id")).toString(), QStringLiteral("2"));

        // a client publish reaches the subscribers too (the publisher included)
        send(f.message(kChannel, clientId, { { QStringLiteral("data"), QStringLiteral("from client") } }));
        bool sawOwn = false;
        for (int i = 0; i < 4 && !sawOwn; ++i) {
            for (const QJsonObject &m : deliveries(nextFrame()))
                sawOwn = sawOwn || m.value(QStringLiteral("data")).toString() == u"from client";
        }
        QVERIFY(sawOwn);
    }

    void silentWebSocketIsPingedThenClosed()
    {
        NodeConfig config = NodeFixture::defaultConfig();
        config.bayeux.timeout = std::chrono::milliseconds(500);
        config.limits.idleTimeout = std::chrono::milliseconds(1500);
        QVERIFY(f.start(config));
        // A raw client: it completes the upgrade, then never answers a ping (QWebSocket would).
        QTcpSocket raw;
        QByteArray received;
        bool closed = false;
        connect(&raw, &QTcpSocket::readyRead, &raw, [&] { received += raw.readAll(); });
        connect(&raw, &QTcpSocket::disconnected, &raw, [&] { closed = true; });
        raw.connectToHost(QHostAddress::LocalHost, f.port);
        raw.write("GET /cometd/cometd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                  "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        QTRY_VERIFY(received.contains("\r\n\r\n"));
        QVERIFY(received.startsWith("HTTP/1.1 101"));
        const qsizetype headEnd = received.indexOf("\r\n\r\n") + 4;
        // a ping frame (FIN + opcode 0x9) arrives once the socket has been quiet for a while ...
        QTRY_VERIFY_WITH_TIMEOUT(received.size() > headEnd, 15000);
        QCOMPARE(quint8(received.at(headEnd)), quint8(0x89));
        // ... and, still unanswered, the socket is closed
        QTRY_VERIFY_WITH_TIMEOUT(closed, 15000);
    }

    // The idle sweep walks sockets from the one heard from longest ago and stops at the first
    // recent one: a socket that talks moves behind the silent ones, which are still pinged, then
    // closed, while it is left alone.
    void onlySilentWebSocketsArePinged()
    {
        NodeConfig config = NodeFixture::defaultConfig();
        config.limits.idleTimeout = std::chrono::milliseconds(1500);
        QVERIFY(f.start(config));
        RawWebSocket talker;
        RawWebSocket silent;
        talker.open(f.port);
        QTRY_VERIFY(talker.isOpen());
        silent.open(f.port); // opened after the talker: behind it in the list until the talker talks
        QTRY_VERIFY(silent.isOpen());
        // Every 300 ms a message the node answers (an unknown client's connect).
        QTimer talk;
        connect(&talk, &QTimer::timeout, &talker, [&] {
            talker.sendText(R"([{"channel":"/meta/connect","clientId":"nobody","connectionType":"websocket"}])");
        });
        talk.start(300);
        const auto pinged = [](const RawWebSocket &ws) {
            return std::any_of(ws.frames.cbegin(), ws.frames.cend(), [](const auto &f) { return f.opcode == 0x9; });
        };
        QTRY_VERIFY_WITH_TIMEOUT(pinged(silent), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(silent.isClosed(), 15000);
        QVERIFY(!talker.isClosed());
        QVERIFY(!pinged(talker));
        QVERIFY(talker.frames.size() >= 3); // its messages were answered all along
    }

    void severalSessionsOfOneUser()
    {
        RawHttpClient tab1(f.port), tab2(f.port);
        QVERIFY(!f.session(tab1, QStringLiteral("exo1"), kChannel).isEmpty());
        QVERIFY(!f.session(tab2, QStringLiteral("exo1"), kChannel).isEmpty());
        RawHttpClient app(f.port);
        const auto sent = f.exchange(app, "POST", "/rest/sendprivatemessage",
            f.deliveryBody(kChannel, QStringLiteral("exo1"), QStringLiteral("x"), QStringLiteral("9")));
        QCOMPARE(sent.jsonObject().value(QStringLiteral("delivered")).toInt(), 2);
    }

    void subscriptionQueries()
    {
        RawHttpClient c(f.port);
        QVERIFY(!f.session(c, QStringLiteral("exo1"), kChannel).isEmpty());
        const QByteArray q = "?channel=" + QUrl::toPercentEncoding(kChannel);
        QCOMPARE(f.exchange(c, "GET", "/rest/issubscribed/exo1/" + q).body, QByteArray("true"));
        QCOMPARE(f.exchange(c, "GET", "/rest/continuation/issubscribed/exo2" + q).body, QByteArray("false"));
        QCOMPARE(f.exchange(c, "GET", "/rest/haschannel/" + q).body, QByteArray("true"));
        QCOMPARE(f.exchange(c, "GET", "/rest/haschannel?channel=%2Fnobody").body, QByteArray("false"));
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("bayeuxError"); // expected in the first reply, when status is 200

        QTest::addRow("malformed JSON") << QByteArray("POST") << kBayeux << QByteArray("[{\"channel\":") << 400
                                        << QString();
        QTest::addRow("wrong JSON shape") << QByteArray("POST") << kBayeux << QByteArray("42") << 400 << QString();
        QTest::addRow("unknown client")
            << QByteArray("POST") << kBayeux
            << QByteArray(R"([{"channel":"/meta/connect","clientId":"nope","connectionType":"long-polling"}])") << 200
            << QStringLiteral("402::unknown client");
        QTest::addRow("element not an object")
            << QByteArray("POST") << kBayeux << QByteArray("[1]") << 200 << QString();
        QTest::addRow("unknown path") << QByteArray("GET") << QByteArray("/nothing/here") << QByteArray() << 404
                                      << QString();
        QTest::addRow("wrong method") << QByteArray("DELETE") << kBayeux << QByteArray() << 405 << QString();
        QTest::addRow("send: malformed JSON")
            << QByteArray("POST") << QByteArray("/rest/sendprivatemessage/") << QByteArray("{") << 400 << QString();
        QTest::addRow("send: bad channel")
            << QByteArray("POST") << QByteArray("/rest/sendbroadcastmessage/")
            << QByteArray(R"({"channel":"no slash","message":"m","id":"1"})") << 400 << QString();
        QTest::addRow("send: meta channel")
            << QByteArray("POST") << QByteArray("/rest/sendbroadcastmessage/")
            << QByteArray(R"({"channel":"/meta/connect","message":"m","id":"1"})") << 400 << QString();
        QTest::addRow("send: non-string id")
            << QByteArray("POST") << QByteArray("/rest/sendbroadcastmessage/")
            << QByteArray(R"({"channel":"/a","message":"m","id":1})") << 400 << QString();
        QTest::addRow("send: unknown user")
            << QByteArray("POST") << QByteArray("/rest/sendprivatemessage/")
            << QByteArray(R"({"exoId":"ghost","channel":"/a","message":"m","id":"1"})") << 404 << QString();
        QTest::addRow("gettoken: empty user")
            << QByteArray("GET") << QByteArray("/rest/gettoken//") << QByteArray() << 400 << QString();
        QTest::addRow("gettoken: control character")
            << QByteArray("GET") << QByteArray("/rest/gettoken/a%01b/") << QByteArray() << 400 << QString();
        QTest::addRow("gettoken: too long") << QByteArray("GET") << QByteArray("/rest/gettoken/" + QByteArray(300, 'u'))
                                            << QByteArray() << 400 << QString();
    }

    void errors()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, bayeuxError);
        RawHttpClient c(f.port);
        const auto reply = f.exchange(c, method, path, body);
        QCOMPARE(reply.status, status);
        if (status >= 400 && method != "HEAD")
            QVERIFY2(!reply.jsonObject().value(QStringLiteral("error")).toString().isEmpty(), reply.body.constData());
        if (status == 200) {
            QCOMPARE(first(reply).value(QStringLiteral("successful")).toBool(), false);
            if (!bayeuxError.isEmpty()) QCOMPARE(first(reply).value(QStringLiteral("error")).toString(), bayeuxError);
        }
    }

    void badChannelName()
    {
        RawHttpClient c(f.port);
        const QString clientId = f.session(c, QStringLiteral("exo1"), kChannel);
        const auto reply = f.exchange(c, "POST", kBayeux,
            f.json(f.message(QStringLiteral("/meta/subscribe"), clientId,
                { { QStringLiteral("subscription"), QStringLiteral("bad name") } })));
        QCOMPARE(first(reply).value(QStringLiteral("error")).toString(), QStringLiteral("400::invalid channel"));
        const auto publishMeta = f.exchange(c, "POST", kBayeux,
            f.json(f.message(QStringLiteral("/meta/foo"), clientId, { { QStringLiteral("data"), 1 } })));
        QCOMPARE(first(publishMeta).value(QStringLiteral("successful")).toBool(), false);
    }

    void bodyOverTheLimit()
    {
        RawHttpClient c(f.port);
        c.postJson(kBayeux, QByteArray(70000, ' '));
        QVERIFY(f.waitFor(c, 1));
        QCOMPARE(c.replies.at(0).status, 413);
        QTRY_VERIFY(c.isClosed());
    }

    void credentialsRequiredWithApiKey()
    {
        NodeConfig config = NodeFixture::defaultConfig();
        config.apiKey = QStringLiteral("k3y");
        QVERIFY(f.start(config));
        RawHttpClient c(f.port);
        const QByteArray body = f.deliveryBody(kChannel, {}, QStringLiteral("m"), QStringLiteral("1"));
        QCOMPARE(f.exchange(c, "POST", "/rest/sendbroadcastmessage", body).status, 401);
        QCOMPARE(
            f.exchange(c, "POST", "/rest/sendbroadcastmessage", body, { "Authorization: Bearer wrong" }).status, 401);
        QCOMPARE(
            f.exchange(c, "POST", "/rest/sendbroadcastmessage", body, { "Authorization: Bearer k3y" }).status, 200);
    }

    void corsAndPreflight()
    {
        RawHttpClient c(f.port);
        const auto preflight = f.exchange(c, "OPTIONS", kBayeux, {},
            { "Origin: http://app.example", "Access-Control-Request-Method: POST",
                "Access-Control-Request-Headers: content-type" });
        QCOMPARE(preflight.status, 204);
        QCOMPARE(preflight.header("Access-Control-Allow-Origin"), QByteArray("http://app.example"));
        QVERIFY(preflight.header("Access-Control-Allow-Methods").contains("POST"));
        QCOMPARE(preflight.header("Access-Control-Allow-Headers"), QByteArray("content-type"));
        const auto token = f.exchange(c, "GET", "/rest/gettoken/exo1", {}, { "Origin: http://app.example" });
        QCOMPARE(token.header("Access-Control-Allow-Origin"), QByteArray("http://app.example"));
    }

    void clientAbortsDuringHeldPoll()
    {
        RawHttpClient c(f.port);
        const QString clientId = f.session(c, QStringLiteral("exo1"), kChannel);
        {
            RawHttpClient poll(f.port);
            poll.postJson(kBayeux, f.json(f.connectMessage(clientId)));
            QTRY_COMPARE(f.server->engine().heldCount(), 1);
            poll.socket().abort();
        }
        QTRY_COMPARE(f.server->engine().heldCount(), 0);
        // the message queued for the gone poll is delivered on the next connect
        RawHttpClient app(f.port);
        QCOMPARE(f.exchange(app, "POST", "/rest/sendprivatemessage",
                      f.deliveryBody(kChannel, QStringLiteral("exo1"), QStringLiteral("kept"), QStringLiteral("5")))
                     .status,
            200);
        const auto reply = f.exchange(c, "POST", kBayeux, f.json(f.connectMessage(clientId)));
        const auto got = deliveries(reply.jsonArray());
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.at(0).value(QStringLiteral("data")).toString(), QStringLiteral("kept"));
    }

    void thousandHeldPollsAnsweredByOneBroadcast()
    {
        constexpr int N = 1000;
        NodeConfig config = NodeFixture::defaultConfig();
        config.bayeux.maxInterval = std::chrono::milliseconds(60000);
        config.bayeux.timeout = std::chrono::milliseconds(30000);
        QVERIFY(f.start(config));
        RawHttpClient setup(f.port);
        std::vector<std::unique_ptr<RawHttpClient>> polls;
        QStringList ids;
        for (int i = 0; i < N; ++i) {
            const QString id = f.session(setup, QStringLiteral("user%1").arg(i), kChannel);
            QVERIFY(!id.isEmpty());
            ids.append(id);
        }
        for (int i = 0; i < N; ++i) {
            polls.push_back(std::make_unique<RawHttpClient>(f.port));
            polls.back()->postJson(kBayeux, f.json(f.connectMessage(ids.at(i))));
        }
        QTRY_COMPARE_WITH_TIMEOUT(f.server->engine().heldCount(), N, 20000);
        const auto sent = f.exchange(setup, "POST", "/rest/sendbroadcastmessage",
            f.deliveryBody(kChannel, {}, QStringLiteral("all"), QStringLiteral("b")));
        QCOMPARE(sent.jsonObject().value(QStringLiteral("delivered")).toInt(), N);
        const auto answered = [&] {
            return std::count_if(polls.begin(), polls.end(), [](const auto &p) { return !p->replies.isEmpty(); });
        };
        QTRY_COMPARE_WITH_TIMEOUT(answered(), qsizetype(N), 20000);
        for (const auto &p : polls) {
            const auto got = deliveries(p->replies.at(0).jsonArray());
            QCOMPARE(got.size(), 1);
            QCOMPARE(got.at(0).value(QStringLiteral("data")).toString(), QStringLiteral("all"));
        }
    }
};

int main(int argc, char **argv)
{
    EventLoop::installFromEnvironment();
    QCoreApplication app(argc, argv);
    tst_Node test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_node.moc"
