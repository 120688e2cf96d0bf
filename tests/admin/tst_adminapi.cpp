// The admin API, /metrics and the admin events WebSocket of an in-process node in role all.
#include "logthrottle.h"
#include "nodefixture.h"

#include <QNetworkRequest>
#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace {
const QString kChannel = u"/eXo/cometd/test"_s;
const QByteArray kAuth = QByteArrayLiteral("Authorization: Bearer adm1n");

QJsonObject messageBody(const QString &type, const QString &user)
{
    QJsonObject o { { u"type"_s, type }, { u"channel"_s, kChannel }, { u"message"_s, u"hi"_s }, { u"id"_s, u"7"_s } };
    if (!user.isEmpty()) o.insert(u"exoId"_s, user);
    return o;
}

QStringList sortedKeys(const QJsonObject &o)
{
    QStringList keys = o.keys();
    keys.sort();
    return keys;
}
} // namespace

class tst_AdminApi : public QObject
{
    Q_OBJECT
    NodeFixture f;

    QJsonObject getJson(RawHttpClient &c, const QByteArray &path, int expectedStatus = 200)
    {
        const auto reply = f.exchange(c, "GET", path, {}, { kAuth });
        if (reply.status != expectedStatus) qWarning() << path << reply.status << reply.body;
        return reply.status == expectedStatus ? reply.jsonObject() : QJsonObject();
    }

    QString nodeId(RawHttpClient &c)
    {
        return getJson(c, "/admin/api/cluster").value(u"nodes"_s).toArray().at(0).toObject().value(u"id"_s).toString();
    }

private Q_SLOTS:
    void init()
    {
        NodeConfig config = NodeFixture::defaultConfig();
        config.adminToken = u"adm1n"_s;
        config.apiKey = u"k3y"_s;
        // The tests' sessions do not poll: they must outlive a test, not expire within 3 s.
        config.bayeux.maxInterval = std::chrono::minutes(1);
        QVERIFY(f.start(config));
    }
    void cleanup() { f.server.reset(); }

    void tokenRequired_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("header");
        const QList<QPair<QByteArray, QByteArray>> endpoints { { "GET", "/admin/api/cluster" },
            { "GET", "/admin/api/users" }, { "GET", "/admin/api/channels/" }, { "POST", "/admin/api/messages" },
            { "POST", "/admin/api/nodes/1/drain" }, { "POST", "/admin/api/nodes/1/undrain" } };
        for (const auto &[method, path] : endpoints) {
            QTest::addRow("%s %s without token", method.constData(), path.constData())
                << method << path << QByteArray();
            QTest::addRow("%s %s wrong token", method.constData(), path.constData())
                << method << path << QByteArray("Authorization: Bearer adm1m");
            QTest::addRow("%s %s api key instead", method.constData(), path.constData())
                << method << path << QByteArray("Authorization: Bearer k3y");
        }
    }
    void tokenRequired()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, header);
        RawHttpClient c(f.port);
        const QList<QByteArray> headers = header.isEmpty() ? QList<QByteArray>() : QList<QByteArray> { header };
        const auto reply = f.exchange(c, method, path, method == "POST" ? QByteArray("{}") : QByteArray(), headers);
        QCOMPARE(reply.status, 401);
    }

    // RFC 7235: the scheme is case-insensitive, and one or more spaces may follow it. The admin API
    // (token adm1n) and the delivery API (apiKey k3y) share the check.
    void schemeCaseInsensitive_data()
    {
        QTest::addColumn<QByteArray>("path"); // GET for the admin API, a POSTed broadcast otherwise
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<int>("status");
        const QByteArray admin = "/admin/api/cluster";
        const QByteArray send = "/rest/sendbroadcastmessage/";
        QTest::addRow("admin Bearer") << admin << QByteArray("Authorization: Bearer adm1n") << 200;
        QTest::addRow("admin bearer") << admin << QByteArray("Authorization: bearer adm1n") << 200;
        QTest::addRow("admin BEARER") << admin << QByteArray("Authorization: BEARER adm1n") << 200;
        QTest::addRow("admin spaces after the scheme") << admin << QByteArray("Authorization: bearer    adm1n") << 200;
        QTest::addRow("admin bearer, wrong token") << admin << QByteArray("Authorization: bearer adm1m") << 401;
        QTest::addRow("admin Basic") << admin << QByteArray("Authorization: Basic xyz") << 401;
        QTest::addRow("admin no space") << admin << QByteArray("Authorization: Beareradm1n") << 401;
        QTest::addRow("send bearer") << send << QByteArray("Authorization: bearer k3y") << 200;
        QTest::addRow("send BEARER, two spaces") << send << QByteArray("Authorization: BEARER  k3y") << 200;
        QTest::addRow("send bearer, wrong key") << send << QByteArray("Authorization: bearer k3z") << 401;
        QTest::addRow("send Basic") << send << QByteArray("Authorization: Basic xyz") << 401;
    }
    void schemeCaseInsensitive()
    {
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, header);
        QFETCH(int, status);
        RawHttpClient c(f.port);
        const bool admin = path.startsWith("/admin/");
        const QJsonObject delivery { { u"channel"_s, kChannel }, { u"message"_s, u"hi"_s }, { u"id"_s, u"7"_s } };
        const QByteArray body = admin ? QByteArray() : QJsonDocument(delivery).toJson(QJsonDocument::Compact);
        QCOMPARE(f.exchange(c, admin ? "GET" : "POST", path, body, { header }).status, status);
    }

    // A token-guessing flood costs a few log lines, not one per attempt.
    void refusalsAreThrottled()
    {
        static int refusedLines = 0;
        refusedLines = 0;
        const QtMessageHandler previous
            = qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &text) {
                  if (text.contains(u"refused an admin call"_s)) ++refusedLines;
              });
        RawHttpClient c(f.port);
        constexpr int Attempts = 200;
        for (int i = 0; i < Attempts; ++i) {
            const QByteArray header = "Authorization: Bearer guess" + QByteArray::number(i);
            if (f.exchange(c, "GET", "/admin/api/cluster", {}, { header }).status != 401) break;
        }
        qInstallMessageHandler(previous);
        QCOMPARE(c.replies.size(), Attempts);
        QVERIFY(refusedLines >= 1);
        // Five per 10 s window: two windows at most unless the machine is very slow.
        QVERIFY2(refusedLines <= 2 * LogThrottle::DefaultBurst, qPrintable(QString::number(refusedLines)));
    }

    void clusterShape()
    {
        RawHttpClient c(f.port);
        const QJsonObject cluster = getJson(c, "/admin/api/cluster/");
        QCOMPARE(sortedKeys(cluster), (QStringList { u"nodes"_s, u"totals"_s }));
        const QJsonArray nodes = cluster.value(u"nodes"_s).toArray();
        QCOMPARE(nodes.size(), 1);
        const QJsonObject node = nodes.at(0).toObject();
        QCOMPARE(sortedKeys(node),
            (QStringList { u"dynamic"_s, u"id"_s, u"maxConnection"_s, u"messagesIn"_s, u"messagesOut"_s, u"sessions"_s,
                u"state"_s, u"url"_s, u"users"_s }));
        QCOMPARE(node.value(u"state"_s).toString(), u"up"_s);
        QVERIFY(node.value(u"dynamic"_s).isBool());
        QCOMPARE(node.value(u"url"_s).toString(), f.server->baseUrl().toString());
        const QJsonObject totals = cluster.value(u"totals"_s).toObject();
        QCOMPARE(sortedKeys(totals),
            (QStringList { u"messagesIn"_s, u"messagesOut"_s, u"nodes"_s, u"sessions"_s, u"users"_s }));
        QCOMPARE(totals.value(u"nodes"_s).toInt(), 1);
    }

    void usersAfterHandshake()
    {
        RawHttpClient c(f.port);
        QVERIFY(!f.session(c, u"exo1"_s, kChannel).isEmpty());
        QVERIFY(!f.session(c, u"other"_s, kChannel).isEmpty());
        QTRY_COMPARE(getJson(c, "/admin/api/users").value(u"total"_s).toInt(), 2);
        const QJsonObject page = getJson(c, "/admin/api/users?filter=EXO");
        QCOMPARE(page.value(u"total"_s).toInt(), 1);
        const QJsonObject user = page.value(u"users"_s).toArray().at(0).toObject();
        QCOMPARE(sortedKeys(user),
            (QStringList { u"connectedSince"_s, u"node"_s, u"sessions"_s, u"transport"_s, u"user"_s }));
        QCOMPARE(user.value(u"user"_s).toString(), u"exo1"_s);
        QCOMPARE(user.value(u"node"_s).toString(), nodeId(c));
        QCOMPARE(user.value(u"sessions"_s).toInt(), 1);
        QCOMPARE(user.value(u"transport"_s).toString(), u"long-polling"_s);
        const QDateTime since = QDateTime::fromString(user.value(u"connectedSince"_s).toString(), Qt::ISODateWithMs);
        QVERIFY(since.isValid());
        QCOMPARE(since.timeSpec(), Qt::UTC);

        const QJsonObject paged = getJson(c, "/admin/api/users?offset=1&limit=1");
        QCOMPARE(paged.value(u"total"_s).toInt(), 2);
        QCOMPARE(paged.value(u"users"_s).toArray().size(), 1);
        QCOMPARE(paged.value(u"users"_s).toArray().at(0).toObject().value(u"user"_s).toString(), u"other"_s);
        QCOMPARE(getJson(c, "/admin/api/users?limit=0").value(u"users"_s).toArray().size(), 0);
    }

    void badPaging_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addRow("limit not a number") << QByteArray("limit=ten");
        QTest::addRow("negative limit") << QByteArray("limit=-1");
        QTest::addRow("negative offset") << QByteArray("offset=-5");
        QTest::addRow("fractional offset") << QByteArray("offset=1.5");
        QTest::addRow("overflowing limit") << QByteArray("limit=99999999999999999999999");
    }
    void badPaging()
    {
        QFETCH(QByteArray, query);
        RawHttpClient c(f.port);
        QCOMPARE(f.exchange(c, "GET", "/admin/api/users?" + query, {}, { kAuth }).status, 400);
    }

    // A subscriber makes the channel appear with its count; messages on it give it a rate; when the
    // subscriber leaves, the channel goes.
    void channels()
    {
        RawHttpClient c(f.port);
        QCOMPARE(getJson(c, "/admin/api/channels").value(u"channels"_s).toArray().size(), 0);
        const QString clientId = f.session(c, u"exo5"_s, kChannel);
        QVERIFY(!clientId.isEmpty());
        const auto listed
            = [&] { return getJson(c, "/admin/api/channels").value(u"channels"_s).toArray().at(0).toObject(); };
        QTRY_COMPARE_WITH_TIMEOUT(listed().value(u"channel"_s).toString(), kChannel, 10000);
        QCOMPARE(listed().value(u"subscribers"_s).toInt(), 1);

        // Several messages within one tick: the next tick shows a non-zero rate.
        RawHttpClient sender(f.port);
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(
                f.exchange(sender, "POST", "/admin/api/messages", f.json(messageBody(u"broadcast"_s, {})), { kAuth })
                    .jsonObject()
                    .value(u"delivered"_s)
                    .toInt(),
                1);
        }
        QTRY_VERIFY_WITH_TIMEOUT(listed().value(u"messagesPerSecond"_s).toDouble() > 0, 10000);

        RawHttpClient bye(f.port);
        const QJsonObject disconnect { { u"channel"_s, u"/meta/disconnect"_s }, { u"clientId"_s, clientId } };
        QCOMPARE(f.exchange(bye, "POST", "/cometd/cometd", f.json(disconnect)).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(getJson(c, "/admin/api/channels").value(u"channels"_s).toArray().size(), 0, 10000);
    }

    void drainAndUndrain()
    {
        RawHttpClient c(f.port);
        const QByteArray id = nodeId(c).toUtf8();
        QVERIFY(!id.isEmpty());
        auto reply = f.exchange(c, "POST", "/admin/api/nodes/" + id + "/drain", {}, { kAuth });
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.jsonObject().value(u"state"_s).toString(), u"draining"_s);
        QCOMPARE(reply.jsonObject().value(u"id"_s).toString(), QString::fromUtf8(id));
        QCOMPARE(getJson(c, "/admin/api/cluster").value(u"nodes"_s).toArray().at(0).toObject().value(u"state"_s),
            u"draining"_s);
        // a draining node takes no new users
        QCOMPARE(f.exchange(c, "GET", "/rest/cometdurl/newcomer/").status, 503);
        const QByteArray draining = "cometd_node_draining{node=\"" + id + "\"} ";
        auto metrics = f.exchange(c, "GET", "/metrics").body;
        QVERIFY2(metrics.contains(QByteArray(draining + "1\n")), metrics.constData());
        reply = f.exchange(c, "POST", "/admin/api/nodes/" + id + "/undrain/", {}, { kAuth });
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.jsonObject().value(u"state"_s).toString(), u"up"_s);
        metrics = f.exchange(c, "GET", "/metrics").body;
        QVERIFY2(metrics.contains(QByteArray(draining + "0\n")), metrics.constData());
        QCOMPARE(f.exchange(c, "GET", "/rest/cometdurl/newcomer/").status, 200);
        QCOMPARE(f.exchange(c, "POST", "/admin/api/nodes/nosuch/drain", {}, { kAuth }).status, 404);
        QCOMPARE(f.exchange(c, "POST", "/admin/api/nodes/nosuch/undrain", {}, { kAuth }).status, 404);
    }

    void messages()
    {
        RawHttpClient c(f.port);
        const QString clientId = f.session(c, u"exo1"_s, kChannel);
        QVERIFY(!clientId.isEmpty());
        auto reply
            = f.exchange(c, "POST", "/admin/api/messages", f.json(messageBody(u"private"_s, u"exo1"_s)), { kAuth });
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.jsonObject().value(u"delivered"_s).toInt(), 1);
        reply = f.exchange(c, "POST", "/admin/api/messages/", f.json(messageBody(u"broadcast"_s, {})), { kAuth });
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.jsonObject().value(u"delivered"_s).toInt(), 1);
        QCOMPARE(f.exchange(c, "POST", "/admin/api/messages", f.json(messageBody(u"private"_s, u"nobody"_s)), { kAuth })
                     .status,
            404);

        // both messages reach the session
        reply = f.exchange(c, "POST", "/cometd/cometd", f.json(f.connectMessage(clientId)));
        int got = 0;
        for (const QJsonValue &v : reply.jsonArray()) {
            const QJsonObject m = v.toObject();
            if (m.value(u"channel"_s).toString() == kChannel) {
                QCOMPARE(m.value(u"data"_s).toString(), u"hi"_s);
                QCOMPARE(m.value(u"id"_s).toString(), u"7"_s);
                ++got;
            }
        }
        QCOMPARE(got, 2);
    }

    void badMessages_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addRow("not json") << QByteArray("{");
        QTest::addRow("array") << QByteArray("[]");
        QTest::addRow("no type") << f.json(QJsonObject { { u"channel"_s, kChannel }, { u"message"_s, u"m"_s } });
        QTest::addRow("unknown type") << f.json(messageBody(u"multicast"_s, u"exo1"_s));
        QTest::addRow("private without exoId") << f.json(messageBody(u"private"_s, {}));
        QTest::addRow("meta channel") << f.json(QJsonObject {
            { u"type"_s, u"broadcast"_s }, { u"channel"_s, u"/meta/connect"_s }, { u"message"_s, u"m"_s } });
    }
    void badMessages()
    {
        QFETCH(QByteArray, body);
        RawHttpClient c(f.port);
        QCOMPARE(f.exchange(c, "POST", "/admin/api/messages", body, { kAuth }).status, 400);
    }

    void metrics()
    {
        RawHttpClient c(f.port);
        QVERIFY(!f.session(c, u"exo1"_s, kChannel).isEmpty());
        const auto reply = f.exchange(c, "GET", "/metrics");
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.header("Content-Type").startsWith("text/plain; version=0.0.4"));
        QVERIFY2(reply.body.contains("\ncometd_sessions 1\n"), reply.body.constData());
        QVERIFY(reply.body.contains("# TYPE cometd_deliveries_total counter\n"));
        const QByteArray up = "cometd_node_up{node=\"" + nodeId(c).toUtf8() + "\"} 1\n";
        QVERIFY2(reply.body.contains(up), reply.body.constData());
    }

    // A balancer alone: its metrics are per node, and admin messages take the forwarding route.
    void balancerRole()
    {
        NodeConfig config = NodeFixture::defaultConfig();
        config.role = NodeConfig::Role::Balancer;
        config.adminToken = u"adm1n"_s;
        config.nodes = { NodeConfig::NodeEntry { u"n1"_s, QUrl(u"http://127.0.0.1:1"_s), 10 } };
        QVERIFY(f.start(config));
        RawHttpClient c(f.port);
        const auto metrics = f.exchange(c, "GET", "/metrics");
        QCOMPARE(metrics.status, 200);
        QVERIFY2(metrics.body.contains("cometd_node_up{node=\"n1\"} 0\n"), metrics.body.constData());
        QVERIFY(metrics.body.contains("\ncometd_cluster_nodes 1\n"));
        QVERIFY(!metrics.body.contains("\ncometd_sessions "));
        const auto broadcast
            = f.exchange(c, "POST", "/admin/api/messages", f.json(messageBody(u"broadcast"_s, {})), { kAuth });
        QCOMPARE(broadcast.status, 200);
        QCOMPARE(broadcast.jsonObject().value(u"delivered"_s).toInt(), 0);
        QCOMPARE(f.exchange(c, "POST", "/admin/api/messages", f.json(messageBody(u"private"_s, u"exo1"_s)), { kAuth })
                     .status,
            404);
        const auto drained = f.exchange(c, "POST", "/admin/api/nodes/n1/drain", {}, { kAuth });
        QCOMPARE(drained.status, 200);
        QCOMPARE(drained.jsonObject().value(u"state"_s).toString(), u"down"_s);
    }

    void eventsNeedTheToken()
    {
        QWebSocket ws;
        QSignalSpy errors(&ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
        QSignalSpy connected(&ws, &QWebSocket::connected);
        ws.open(QUrl(u"ws://127.0.0.1:%1/admin/api/events"_s.arg(f.port)));
        QVERIFY(errors.wait(10000));
        QCOMPARE(connected.size(), 0);

        // The refusal names the reason before any handshake: 401, as the REST routes answer.
        RawHttpClient raw(f.port);
        raw.request("GET", "/admin/api/events", {},
            { "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==" });
        QTRY_COMPARE(raw.replies.size(), 1);
        QCOMPARE(raw.replies.at(0).status, 401);
    }

    void eventsSnapshotThenUserJoined()
    {
        QWebSocket ws;
        QSignalSpy frames(&ws, &QWebSocket::textMessageReceived);
        QNetworkRequest request(QUrl(u"ws://127.0.0.1:%1/admin/api/events"_s.arg(f.port)));
        request.setRawHeader("Authorization", "Bearer adm1n");
        ws.open(request);
        QTRY_VERIFY(!frames.isEmpty());
        const QJsonObject snapshot = QJsonDocument::fromJson(frames.at(0).at(0).toString().toUtf8()).object();
        QCOMPARE(snapshot.value(u"type"_s).toString(), u"snapshot"_s);
        QCOMPARE(snapshot.value(u"cluster"_s).toObject().value(u"nodes"_s).toArray().size(), 1);
        QVERIFY(snapshot.value(u"users"_s).isArray());
        QVERIFY(snapshot.value(u"channels"_s).isArray());

        RawHttpClient c(f.port);
        QVERIFY(!f.session(c, u"exo9"_s, kChannel).isEmpty());
        const auto sawJoin = [&] {
            for (const QList<QVariant> &frame : std::as_const(frames)) {
                const QJsonObject o = QJsonDocument::fromJson(frame.at(0).toString().toUtf8()).object();
                if (o.value(u"type"_s) == u"user"_s && o.value(u"event"_s) == u"joined"_s
                    && o.value(u"user"_s).toObject().value(u"user"_s) == u"exo9"_s)
                    return true;
            }
            return false;
        };
        QTRY_VERIFY(sawJoin());
        const auto sawStats = [&] {
            for (const QList<QVariant> &frame : std::as_const(frames)) {
                const QJsonObject o = QJsonDocument::fromJson(frame.at(0).toString().toUtf8()).object();
                const QJsonArray nodes = o.value(u"nodes"_s).toArray();
                // users (slots) beside sessions: the console's load is users against maxConnection
                if (o.value(u"type"_s) == u"stats"_s && nodes.size() == 1 && o.value(u"at"_s).isString()
                    && nodes.at(0).toObject().value(u"users"_s).toInt() >= 1)
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(sawStats(), 10000);
        const auto sawChannel = [&] {
            for (const QList<QVariant> &frame : std::as_const(frames)) {
                const QJsonObject o = QJsonDocument::fromJson(frame.at(0).toString().toUtf8()).object();
                const QJsonObject channel = o.value(u"channel"_s).toObject();
                if (o.value(u"type"_s) == u"channel"_s && o.value(u"event"_s) == u"added"_s
                    && channel.value(u"channel"_s) == kChannel && channel.value(u"subscribers"_s) == 1
                    && channel.value(u"messagesPerSecond"_s).isDouble())
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(sawChannel(), 10000);
    }
};

QTEST_GUILESS_MAIN(tst_AdminApi)
#include "tst_adminapi.moc"
