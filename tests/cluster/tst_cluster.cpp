// A local cluster as an operator runs it: a balancer and two nodes, each a real cometd-node process.
//
// Ports: the balancer listens on port 0 with no static nodes; each node gets a port picked just
// before it starts (bound, read, closed) so that its own config can name its URL and maxConnection,
// and joins the balancer dynamically by presenting the secret. A node that loses the race for its
// port is started again on another one.
#include "clusterprocess.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include "redisserver.h"

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

const QString kNode = QStringLiteral(COMETD_NODE_BINARY);
const QByteArray kSecret = QByteArrayLiteral("cluster-test-secret");
constexpr int kWaitMs = ClusterTest::WaitMs;
using ClusterTest::baseUrl;
using ClusterTest::call;
using ClusterTest::freePort;
using ClusterTest::get;
using ClusterTest::json;

// A cometd-node process.
struct Process : ClusterTest::Process
{
    bool start(const QStringList &args) { return ClusterTest::Process::start(kNode, args); }
};

QByteArray sign(const QByteArray &timestamp, const QByteArray &nonce, const QByteArray &body)
{
    return QMessageAuthenticationCode::hash(timestamp + '\n' + nonce + '\n' + body, kSecret, QCryptographicHash::Sha256)
        .toHex();
}

// The headers a cluster process signs a request with, stamped `offsetMs` from now.
QList<QByteArray> signedHeaders(const QByteArray &body, qint64 offsetMs = 0)
{
    const QByteArray timestamp = QByteArray::number(QDateTime::currentMSecsSinceEpoch() + offsetMs);
    const QByteArray nonce
        = QByteArray::number(QRandomGenerator::global()->generate64(), 16)
              .rightJustified(16, '0')
              .append(QByteArray::number(QRandomGenerator::global()->generate64(), 16).rightJustified(16, '0'));
    return { "Content-Type: application/json", "X-Cometd-Timestamp: " + timestamp, "X-Cometd-Nonce: " + nonce,
        "X-Cometd-Signature: " + sign(timestamp, nonce, body) };
}

} // namespace

class tst_Cluster : public QObject
{
    Q_OBJECT

private:
    ClusterTest::LocalCluster m_cluster { kNode, QString::fromUtf8(kSecret), { 10, 15 } };
    ClusterTest::Process &m_balancer = m_cluster.balancer;
    // COMETD_CLUSTER_ENGINE=redis: the same suite with every process on a Redis of its own (SPEC §6).
    std::unique_ptr<RedisServer> m_redis;
    QList<quint16> &m_nodePorts = m_cluster.nodePorts;

    bool startNode(int index) { return m_cluster.startNode(index); }
    QString nodeUrl(int index) const { return m_cluster.nodeUrl(index); }

    // Where the balancer would send a new user now; releases the slot again.
    QString probe()
    {
        const auto r = get(m_balancer.port, "/rest/cometdurl/probe/");
        get(m_balancer.port, "/rest/releasecometd/probe/");
        return r.status == 200 ? QString::fromUtf8(r.body) : QString::number(r.status);
    }

    QString handshake(quint16 port, const QString &user)
    {
        const auto token = get(port, "/rest/gettoken/" + user.toUtf8() + '/');
        if (token.status != 200) return {};
        const QJsonObject hs { { QStringLiteral("channel"), QStringLiteral("/meta/handshake") },
            { QStringLiteral("version"), QStringLiteral("1.0") },
            { QStringLiteral("supportedConnectionTypes"), QJsonArray { QStringLiteral("long-polling") } },
            { QStringLiteral("exoId"), user }, { QStringLiteral("exoToken"), QString::fromUtf8(token.body) } };
        const auto r = call(port, "POST", "/cometd/cometd", json(QJsonObject(hs)).prepend('[').append(']'),
            { "Content-Type: application/json" });
        return r.jsonArray().at(0).toObject().value(QStringLiteral("clientId")).toString();
    }

    RawHttpClient::Reply bayeux(quint16 port, const QJsonObject &message)
    {
        return call(port, "POST", "/cometd/cometd", json(message).prepend('[').append(']'),
            { "Content-Type: application/json" });
    }

    // A channel's subscribers as the balancer heard of them in the nodes' reports. On Redis a
    // broadcast counts the subscribers last reported (nothing waits for the nodes' answers), so the
    // tests let the reports arrive before they broadcast.
    int reportedSubscribers(const QString &channel)
    {
        for (const QJsonValue &c :
            get(m_balancer.port, "/admin/api/channels").jsonObject().value(u"channels"_s).toArray()) {
            if (c.toObject().value(u"channel"_s).toString() == channel)
                return c.toObject().value(u"subscribers"_s).toInt();
        }
        return 0;
    }

    RawHttpClient::Reply send(const QByteArray &kind, const QJsonObject &body)
    {
        return call(m_balancer.port, "POST", "/rest/" + kind + '/', json(body), { "Content-Type: application/json" });
    }

private slots:
    void initTestCase()
    {
        if (qgetenv("COMETD_CLUSTER_ENGINE") == "redis") {
            COMETD_REQUIRE_REDIS_SERVER();
            m_redis = std::make_unique<RedisServer>();
            QVERIFY2(m_redis->start(), m_redis->output().constData());
            m_cluster.useRedis(m_redis->url());
        }
        QVERIFY(m_cluster.startBalancer());

        // No node yet: nowhere to go.
        const auto none = get(m_balancer.port, "/rest/cometdurl/early/");
        QCOMPARE(none.status, 503);

        QVERIFY(startNode(0));
        QTRY_COMPARE_WITH_TIMEOUT(probe(), nodeUrl(0), kWaitMs);
        // A user on node 1 tips placement to node 2 as soon as that one has joined.
        QCOMPARE(get(m_balancer.port, "/rest/cometdurl/filler/").status, 200);
        QVERIFY(startNode(1));
        QTRY_COMPARE_WITH_TIMEOUT(probe(), nodeUrl(1), kWaitMs);
        QCOMPARE(get(m_balancer.port, "/rest/releasecometd/filler/").status, 200);
    }

    void cleanupTestCase() { m_cluster.killAll(); }

    void capacityStickinessRelease()
    {
        QHash<QString, int> perNode;
        QHash<QString, QString> placed;
        for (int i = 0; i < 25; ++i) {
            const QByteArray user = "user" + QByteArray::number(i);
            const auto r = get(m_balancer.port, "/rest/cometdurl/" + user + '/');
            QVERIFY2(r.status == 200, user.constData());
            QCOMPARE(r.header("Content-Type").left(10), QByteArray("text/plain"));
            placed.insert(QString::fromUtf8(user), QString::fromUtf8(r.body));
            ++perNode[QString::fromUtf8(r.body)];
        }
        QCOMPARE(perNode.value(nodeUrl(0)), 10);
        QCOMPARE(perNode.value(nodeUrl(1)), 15);

        const auto full = get(m_balancer.port, "/rest/cometdurl/user25/");
        QCOMPARE(full.status, 503);
        QCOMPARE(full.header("Retry-After"), QByteArray("1"));

        // Sticky, in both path forms, with and without the trailing slash, and as JSON.
        QCOMPARE(QString::fromUtf8(get(m_balancer.port, "/rest/cometdurl/user3").body), placed.value(u"user3"_s));
        QCOMPARE(QString::fromUtf8(get(m_balancer.port, "/rest/balancer/cometdurl/user17/").body),
            placed.value(u"user17"_s));
        const auto asJson = get(m_balancer.port, "/rest/cometdurl/user4/", { "Accept: application/json" });
        QCOMPARE(asJson.status, 200);
        QCOMPARE(asJson.jsonObject().value(u"url"_s).toString(), placed.value(u"user4"_s));
        QCOMPARE(asJson.jsonObject().value(u"nodeId"_s).toString(),
            placed.value(u"user4"_s) == nodeUrl(0) ? u"1"_s : u"2"_s);

        // A release frees the slot for somebody else, on the same node.
        QCOMPARE(get(m_balancer.port, "/rest/balancer/releasecometd/user0").status, 200);
        QCOMPARE(get(m_balancer.port, "/rest/releasecometd/user0/").status, 404);
        const auto next = get(m_balancer.port, "/rest/cometdurl/user25/");
        QCOMPARE(next.status, 200);
        QCOMPARE(QString::fromUtf8(next.body), placed.value(u"user0"_s));

        for (int i = 1; i <= 25; ++i)
            QCOMPARE(get(m_balancer.port, "/rest/releasecometd/user" + QByteArray::number(i) + '/').status, 200);
        QCOMPARE(probe(), nodeUrl(0));
    }

    void badRequests_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QList<QByteArray>>("headers");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");

        const QByteArray report = R"({"nodeId":"9","url":"http://127.0.0.1:9","maxConnection":5})";
        const QByteArray now = QByteArray::number(QDateTime::currentMSecsSinceEpoch());
        const QByteArray stale = QByteArray::number(QDateTime::currentMSecsSinceEpoch() - 120000);
        const QByteArray nonce = "00112233445566778899aabbccddeeff";
        QTest::addRow("empty user") << QByteArray("GET") << QByteArray("/rest/cometdurl//") << QList<QByteArray> {}
                                    << QByteArray() << 400;
        QTest::addRow("control character")
            << QByteArray("GET") << QByteArray("/rest/cometdurl/a%01b/") << QList<QByteArray> {} << QByteArray() << 400;
        QTest::addRow("name too long") << QByteArray("GET") << QByteArray("/rest/cometdurl/" + QByteArray(257, 'x'))
                                       << QList<QByteArray> {} << QByteArray() << 400;
        QTest::addRow("release unknown") << QByteArray("GET") << QByteArray("/rest/releasecometd/nobody/")
                                         << QList<QByteArray> {} << QByteArray() << 404;
        QTest::addRow("unsigned report") << QByteArray("POST") << QByteArray("/cluster/report") << QList<QByteArray> {}
                                         << report << 401;
        QTest::addRow("wrong signature") << QByteArray("POST") << QByteArray("/cluster/report")
                                         << QList<QByteArray> { "X-Cometd-Timestamp: " + now,
                                                "X-Cometd-Nonce: " + nonce,
                                                "X-Cometd-Signature: " + sign(now, nonce, report + ' ') }
                                         << report << 401;
        QTest::addRow("stale timestamp") << QByteArray("POST") << QByteArray("/cluster/report")
                                         << QList<QByteArray> { "X-Cometd-Timestamp: " + stale,
                                                "X-Cometd-Nonce: " + nonce,
                                                "X-Cometd-Signature: " + sign(stale, nonce, report) }
                                         << report << 401;
        QTest::addRow("signed but malformed")
            << QByteArray("POST") << QByteArray("/cluster/report")
            << QList<QByteArray> { "X-Cometd-Timestamp: " + now, "X-Cometd-Nonce: " + nonce,
                   "X-Cometd-Signature: " + sign(now, nonce, "[1]") }
            << QByteArray("[1]") << 400;
        QTest::addRow("signed without a nonce")
            << QByteArray("POST") << QByteArray("/cluster/report")
            << QList<QByteArray> { "X-Cometd-Timestamp: " + now, "X-Cometd-Signature: " + sign(now, {}, report) }
            << report << 401;
    }

    void badRequests()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QList<QByteArray>, headers);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QCOMPARE(call(m_balancer.port, method, path, body, headers).status, status);
    }

    // SPEC §4: a channel name over 1,024 bytes is "400::invalid channel" on subscribe, unsubscribe and
    // publish, and a 400 from the delivery API; 1,024 bytes are fine.
    void channelNameLimit()
    {
        const quint16 node1 = m_nodePorts[0];
        const QString clientId = handshake(node1, u"longnames"_s);
        QVERIFY(!clientId.isEmpty());
        const QString longest = u"/"_s + QString(1023, u'x');
        const QString tooLong = u"/"_s + QString(1024, u'x');
        const auto reply
            = [&](const QJsonObject &message) { return bayeux(node1, message).jsonArray().at(0).toObject(); };
        const auto meta = [&](const QString &channel, const QString &subscription) {
            return reply(
                { { u"channel"_s, channel }, { u"clientId"_s, clientId }, { u"subscription"_s, subscription } });
        };
        QVERIFY(meta(u"/meta/subscribe"_s, longest).value(u"successful"_s).toBool());
        for (const QString &channel : { u"/meta/subscribe"_s, u"/meta/unsubscribe"_s }) {
            const QJsonObject refused = meta(channel, tooLong);
            QVERIFY(!refused.value(u"successful"_s).toBool());
            QCOMPARE(refused.value(u"error"_s).toString(), u"400::invalid channel"_s);
        }
        const QJsonObject published
            = reply({ { u"channel"_s, tooLong }, { u"clientId"_s, clientId }, { u"data"_s, u"x"_s } });
        QVERIFY(!published.value(u"successful"_s).toBool());
        QCOMPARE(published.value(u"error"_s).toString(), u"400::invalid channel"_s);
        const QJsonObject toUser { { u"channel"_s, tooLong }, { u"exoId"_s, u"longnames"_s },
            { u"message"_s, u"x"_s } };
        QCOMPARE(send("sendprivatemessage", toUser).status, 400);
        QJsonObject atTheLimit = toUser;
        atTheLimit.insert(u"channel"_s, longest);
        QTRY_COMPARE_WITH_TIMEOUT(send("sendprivatemessage", atTheLimit).status, 200, kWaitMs);
        bayeux(node1, { { u"channel"_s, u"/meta/disconnect"_s }, { u"clientId"_s, clientId } });
        get(m_balancer.port, "/rest/releasecometd/longnames/");
    }

    // A signed delivery batch captured on the way is refused the second time, within its timestamp
    // window: one copy reaches the client.
    void deliveryBatchReplayIsRefused()
    {
        const quint16 node1 = m_nodePorts[0];
        const QString clientId = handshake(node1, u"replay"_s);
        QVERIFY(!clientId.isEmpty());
        const QJsonObject subscribe { { u"channel"_s, u"/meta/subscribe"_s }, { u"clientId"_s, clientId },
            { u"subscription"_s, u"/eXo/cometd/test"_s } };
        QCOMPARE(bayeux(node1, subscribe).status, 200);

        const QByteArray batch
            = R"([{"channel":"/eXo/cometd/test","exoId":"replay","message":"once","id":"51","type":"private"}])";
        const QList<QByteArray> headers = signedHeaders(batch);
        const auto first = call(node1, "POST", "/cluster/deliver", batch, headers);
        QCOMPARE(first.status, 200);
        QCOMPARE(first.jsonObject().value(u"delivered"_s).toArray(), QJsonArray { 1 });
        QCOMPARE(call(node1, "POST", "/cluster/deliver", batch, headers).status, 401);
        QCOMPARE(call(node1, "POST", "/cluster/deliver", batch, headers).status, 401);

        const QJsonObject connect { { u"channel"_s, u"/meta/connect"_s }, { u"clientId"_s, clientId },
            { u"connectionType"_s, u"long-polling"_s } };
        QStringList ids;
        for (const QJsonValue &m : bayeux(node1, connect).jsonArray()) {
            if (m.toObject().value(u"channel"_s) != u"/meta/connect"_s)
                ids.append(m.toObject().value(u"id"_s).toString());
        }
        QCOMPARE(ids, QStringList { u"51"_s });
        bayeux(node1, { { u"channel"_s, u"/meta/disconnect"_s }, { u"clientId"_s, clientId } });
        get(m_balancer.port, "/rest/releasecometd/replay/");
    }

    // A signed report is taken once: the same bytes again are a replay.
    void reportReplayIsRefused()
    {
        const QByteArray report = json(
            { { u"nodeId"_s, u"1"_s }, { u"url"_s, nodeUrl(0) }, { u"maxConnection"_s, m_cluster.capacities.at(0) } });
        const QList<QByteArray> headers = signedHeaders(report);
        const auto first = call(m_balancer.port, "POST", "/cluster/report", report, headers);
        QCOMPARE(first.status, 200);
        QCOMPARE(call(m_balancer.port, "POST", "/cluster/report", report, headers).status, 401);
    }

    // A report stamped 20 s ahead (a clock stepped forward, then back) is within the skew window;
    // the node's later, "older" reports must still be taken: it stays up on every look.
    void reportFromTheFutureKeepsTheNodeUp()
    {
        const QByteArray report = json(
            { { u"nodeId"_s, u"1"_s }, { u"url"_s, nodeUrl(0) }, { u"maxConnection"_s, m_cluster.capacities.at(0) } });
        QCOMPARE(call(m_balancer.port, "POST", "/cluster/report", report, signedHeaders(report, 20000)).status, 200);
        QElapsedTimer watching;
        watching.start();
        int looks = 0;
        while (watching.elapsed() < 5000) { // past the 3 s node timeout
            const auto cluster = get(m_balancer.port, "/admin/api/cluster");
            QCOMPARE(cluster.status, 200);
            const QJsonArray nodes = cluster.jsonObject().value(u"nodes"_s).toArray();
            QCOMPARE(nodes.size(), 2);
            for (const QJsonValue &node : nodes)
                QCOMPARE(node.toObject().value(u"state"_s).toString(), u"up"_s);
            ++looks;
            QTest::qWait(100); // the next look, not a synchronisation
        }
        QVERIFY(looks >= 20);
    }

    // A session opened on a node reaches the balancer in its reports: the user sticks to that node,
    // private messages through the balancer reach it there, and its end frees the user.
    void sessionsAndDeliveryThroughTheBalancer()
    {
        const quint16 node2 = m_nodePorts[1];
        const QString clientId = handshake(node2, u"alice"_s);
        QVERIFY(!clientId.isEmpty());
        // Placement alone would pick node 1 (both empty, node 1 listed first).
        QTRY_COMPARE_WITH_TIMEOUT(
            QString::fromUtf8(get(m_balancer.port, "/rest/cometdurl/alice/").body), nodeUrl(1), kWaitMs);

        const QJsonObject subscribe { { u"channel"_s, u"/meta/subscribe"_s }, { u"clientId"_s, clientId },
            { u"subscription"_s, u"/eXo/cometd/test"_s } };
        QCOMPARE(bayeux(node2, subscribe).status, 200);

        const QJsonObject toAlice { { u"channel"_s, u"/eXo/cometd/test"_s }, { u"exoId"_s, u"alice"_s },
            { u"message"_s, u"hello"_s }, { u"id"_s, u"1"_s } };
        const auto privately = send("sendprivatemessage", toAlice);
        QCOMPARE(privately.status, 200);
        QCOMPARE(privately.jsonObject().value(u"delivered"_s).toInt(), 1);

        QJsonObject toBob = toAlice;
        toBob.insert(u"exoId"_s, u"bob"_s);
        QCOMPARE(send("sendprivatemessage", toBob).status, 404);

        const QJsonObject everybody { { u"channel"_s, u"/eXo/cometd/test"_s }, { u"message"_s, u"hi all"_s },
            { u"id"_s, u"2"_s } };
        QTRY_COMPARE_WITH_TIMEOUT(reportedSubscribers(u"/eXo/cometd/test"_s), 1, kWaitMs);
        const auto broadcast = send("sendbroadcastmessage", everybody);
        QCOMPARE(broadcast.status, 200);
        QCOMPARE(broadcast.jsonObject().value(u"delivered"_s).toInt(), 1);
        QCOMPARE(send("sendbroadcastmessage", QJsonObject { { u"channel"_s, u"/meta/x"_s } }).status, 400);

        const QJsonObject disconnect { { u"channel"_s, u"/meta/disconnect"_s }, { u"clientId"_s, clientId } };
        QCOMPARE(bayeux(node2, disconnect).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(send("sendprivatemessage", toAlice).status, 404, kWaitMs);
        get(m_balancer.port, "/rest/releasecometd/alice/");
    }

    // A user who handshakes on the node cometdurl gave it is reachable at once through the balancer,
    // before the node's report of the session arrives there: the balancer asks the node that holds
    // the user's reservation too, and the node answers with what it holds. Without a handshake the
    // answer is still a 404.
    void reachableBeforeTheNodeReports()
    {
        if (m_redis)
            QSKIP("On Redis the delivery answer counts the sessions the nodes have written, and a session "
                  "not yet written is not counted (see the README's Redis section)");
        const QJsonObject message { { u"channel"_s, u"/eXo/cometd/test"_s }, { u"message"_s, u"at once"_s },
            { u"id"_s, u"q"_s } };
        QList<std::pair<quint16, QString>> sessions;
        for (int i = 0; i < 20; ++i) { // of the cluster's 25 slots
            const QString user = u"quick%1"_s.arg(i);
            const QUrl node(QString::fromUtf8(get(m_balancer.port, "/rest/cometdurl/" + user.toUtf8() + '/').body));
            QVERIFY(node.port() > 0);
            QJsonObject toUser = message;
            toUser.insert(u"exoId"_s, user);
            QCOMPARE(send("sendprivatemessage", toUser).status, 404); // reserved, no session yet
            const QString clientId = handshake(quint16(node.port()), user);
            QVERIFY(!clientId.isEmpty());
            sessions.append({ quint16(node.port()), clientId });
            const auto answer = send("sendprivatemessage", toUser);
            QCOMPARE(answer.status, 200);
            QCOMPARE(answer.jsonObject().value(u"delivered"_s).toInt(), 1);
        }
        // The slots go back for the tests after this one.
        for (const auto &[port, clientId] : std::as_const(sessions))
            bayeux(port, QJsonObject { { u"channel"_s, u"/meta/disconnect"_s }, { u"clientId"_s, clientId } });
        for (int i = 0; i < 20; ++i) {
            const QByteArray user = "quick" + QByteArray::number(i);
            QTRY_COMPARE_WITH_TIMEOUT(get(m_balancer.port, "/rest/releasecometd/" + user + '/').status, 404, kWaitMs);
        }
    }

    // The delivery API of a node reaches the whole cluster: a private message for a user held by the
    // other node, and a broadcast, go through the balancer; messages arrive intact.
    void deliveryThroughANode()
    {
        const quint16 ports[2] = { m_nodePorts[0], m_nodePorts[1] };
        const QString users[2] = { u"bob"_s, u"carol"_s };
        QString clientIds[2];
        for (int i = 0; i < 2; ++i) {
            clientIds[i] = handshake(ports[i], users[i]);
            QVERIFY(!clientIds[i].isEmpty());
            const QJsonObject subscribe { { u"channel"_s, u"/meta/subscribe"_s }, { u"clientId"_s, clientIds[i] },
                { u"subscription"_s, u"/eXo/cometd/test"_s } };
            QCOMPARE(bayeux(ports[i], subscribe).status, 200);
        }
        // The balancer has heard of both sessions.
        QTRY_COMPARE_WITH_TIMEOUT(
            QString::fromUtf8(get(m_balancer.port, "/rest/cometdurl/carol/").body), nodeUrl(1), kWaitMs);

        const QJsonObject toCarol { { u"channel"_s, u"/eXo/cometd/test"_s }, { u"exoId"_s, u"carol"_s },
            { u"message"_s, QJsonObject { { u"text"_s, u"via node 1"_s } } }, { u"id"_s, u"31"_s } };
        const auto forwarded
            = call(ports[0], "POST", "/rest/sendprivatemessage/", json(toCarol), { "Content-Type: application/json" });
        QCOMPARE(forwarded.status, 200);
        QCOMPARE(forwarded.jsonObject().value(u"delivered"_s).toInt(), 1);

        const QJsonObject everybody { { u"channel"_s, u"/eXo/cometd/test"_s }, { u"message"_s, u"to all"_s },
            { u"id"_s, u"32"_s } };
        QTRY_COMPARE_WITH_TIMEOUT(reportedSubscribers(u"/eXo/cometd/test"_s), 2, kWaitMs);
        const auto broadcast = call(ports[1], "POST", "/rest/continuation/sendbroadcastmessage", json(everybody),
            { "Content-Type: application/json" });
        QCOMPARE(broadcast.status, 200);
        QCOMPARE(broadcast.jsonObject().value(u"delivered"_s).toInt(), 2);

        // What each client's next /meta/connect brings.
        const auto received = [&](int i) {
            const QJsonObject connect { { u"channel"_s, u"/meta/connect"_s }, { u"clientId"_s, clientIds[i] },
                { u"connectionType"_s, u"long-polling"_s } };
            QStringList out;
            for (const QJsonValue &m : bayeux(ports[i], connect).jsonArray()) {
                const QJsonObject o = m.toObject();
                if (o.value(u"channel"_s) == u"/meta/connect"_s) continue;
                out.append(o.value(u"id"_s).toString() + u' '
                    + QString::fromUtf8(
                        QJsonDocument(QJsonArray { o.value(u"data"_s) }).toJson(QJsonDocument::Compact)));
            }
            return out;
        };
        QCOMPARE(received(0), (QStringList { u"32 [\"to all\"]"_s }));
        QCOMPARE(received(1), (QStringList { u"31 [{\"text\":\"via node 1\"}]"_s, u"32 [\"to all\"]"_s }));

        // The cluster route takes signed batches only.
        const QByteArray batch = "[{\"type\":\"broadcast\",\"channel\":\"/eXo/cometd/test\",\"message\":1}]";
        QCOMPARE(call(ports[0], "POST", "/cluster/deliver", batch, { "Content-Type: application/json" }).status, 401);

        for (int i = 0; i < 2; ++i) {
            bayeux(ports[i], { { u"channel"_s, u"/meta/disconnect"_s }, { u"clientId"_s, clientIds[i] } });
            get(m_balancer.port, "/rest/releasecometd/" + users[i].toUtf8() + '/');
        }
    }

    // A user with sessions on both nodes gets a private message sent to either node's API on both.
    void privateMessageThroughANodeReachesBothNodes()
    {
        QString clientIds[2];
        for (int i = 0; i < 2; ++i) {
            clientIds[i] = handshake(m_nodePorts[i], u"frank"_s);
            QVERIFY(!clientIds[i].isEmpty());
        }
        const QJsonObject toFrank { { u"channel"_s, u"/eXo/cometd/test"_s }, { u"exoId"_s, u"frank"_s },
            { u"message"_s, u"both"_s }, { u"id"_s, u"41"_s } };
        const auto deliveredVia = [&](int i) {
            return call(m_nodePorts[i], "POST", "/rest/sendprivatemessage/", json(toFrank),
                { "Content-Type: application/json" })
                .jsonObject()
                .value(u"delivered"_s)
                .toInt();
        };
        // Once the balancer has heard of both sessions.
        QTRY_COMPARE_WITH_TIMEOUT(deliveredVia(0), 2, kWaitMs);
        QCOMPARE(deliveredVia(1), 2);
        for (int i = 0; i < 2; ++i)
            bayeux(m_nodePorts[i], { { u"channel"_s, u"/meta/disconnect"_s }, { u"clientId"_s, clientIds[i] } });
        get(m_balancer.port, "/rest/releasecometd/frank/");
    }

    // The admin events stream of the balancer shows what happens on the nodes: the snapshot of both,
    // a user joining and leaving on node 1, its channel appearing, a drained node.
    void eventsStream()
    {
        QWebSocket events;
        QList<QJsonObject> frames;
        connect(&events, &QWebSocket::textMessageReceived, this,
            [&frames](const QString &text) { frames.append(QJsonDocument::fromJson(text.toUtf8()).object()); });
        events.open(QUrl(u"ws://127.0.0.1:%1/admin/api/events"_s.arg(m_balancer.port))); // loopback: no token
        QTRY_VERIFY_WITH_TIMEOUT(!frames.isEmpty(), kWaitMs);
        QCOMPARE(frames.at(0).value(u"type"_s).toString(), u"snapshot"_s);
        QCOMPARE(frames.at(0).value(u"cluster"_s).toObject().value(u"nodes"_s).toArray().size(), 2);

        const auto seen = [&frames](const QString &type, const QString &event, const QString &key, const QString &field,
                              const QJsonValue &value) {
            for (const QJsonObject &f : std::as_const(frames)) {
                if (f.value(u"type"_s) != type || (!event.isEmpty() && f.value(u"event"_s) != event)) continue;
                const QJsonObject o = f.value(key).toObject();
                if (o.value(field) == value) return o;
            }
            return QJsonObject();
        };

        const QString clientId = handshake(m_nodePorts[0], u"dave"_s);
        QVERIFY(!clientId.isEmpty());
        QCOMPARE(bayeux(m_nodePorts[0],
                     { { u"channel"_s, u"/meta/subscribe"_s }, { u"clientId"_s, clientId },
                         { u"subscription"_s, u"/events/test"_s } })
                     .status,
            200);
        QTRY_VERIFY_WITH_TIMEOUT(!seen(u"user"_s, u"joined"_s, u"user"_s, u"user"_s, u"dave"_s).isEmpty(), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(
            seen(u"user"_s, {}, u"user"_s, u"user"_s, u"dave"_s).value(u"node"_s).toString(), u"1"_s, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(seen(u"channel"_s, u"added"_s, u"channel"_s, u"channel"_s, u"/events/test"_s)
                                      .value(u"subscribers"_s)
                                      .toInt(),
            1, kWaitMs);
        const auto statsOfBoth = [&frames] {
            return std::any_of(frames.cbegin(), frames.cend(), [](const QJsonObject &f) {
                return f.value(u"type"_s) == u"stats"_s && f.value(u"nodes"_s).toArray().size() == 2;
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(statsOfBoth(), kWaitMs);

        QCOMPARE(call(m_balancer.port, "POST", "/admin/api/nodes/2/drain").status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(!seen(u"node"_s, {}, u"node"_s, u"state"_s, u"draining"_s).isEmpty(), kWaitMs);
        QCOMPARE(call(m_balancer.port, "POST", "/admin/api/nodes/2/undrain").status, 200);

        bayeux(m_nodePorts[0], { { u"channel"_s, u"/meta/disconnect"_s }, { u"clientId"_s, clientId } });
        QTRY_VERIFY_WITH_TIMEOUT(!seen(u"user"_s, u"left"_s, u"user"_s, u"user"_s, u"dave"_s).isEmpty(), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(
            !seen(u"channel"_s, u"removed"_s, u"channel"_s, u"channel"_s, u"/events/test"_s).isEmpty(), kWaitMs);
    }

    // cometd-node with no configuration is a cluster of one: it places every user on itself.
    void allInOne()
    {
        Process single;
        QVERIFY(single.start({ QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") }));
        const auto placed = get(single.port, "/rest/cometdurl/exo1/", { "Accept: application/json" });
        QCOMPARE(placed.status, 200);
        QCOMPARE(placed.jsonObject().value(u"url"_s).toString(), baseUrl(single.port));
        QCOMPARE(placed.jsonObject().value(u"nodeId"_s).toString(), u"1"_s);
        QVERIFY(!handshake(single.port, u"exo1"_s).isEmpty());
        QCOMPARE(get(single.port, "/rest/releasecometd/exo1").status, 200);
        // The session holds the slot after the reservation is gone: still placed there, still known.
        QCOMPARE(QString::fromUtf8(get(single.port, "/rest/cometdurl/exo1").body), baseUrl(single.port));
        QCOMPARE(call(single.port, "POST", "/cluster/report", "{}").status, 400); // loopback, no secret: unsigned
    }

    void nodeKilledThenBack()
    {
        QCOMPARE(probe(), nodeUrl(0));
        const auto before = get(m_balancer.port, "/rest/cometdurl/before/");
        QCOMPARE(QString::fromUtf8(before.body), nodeUrl(0));

        QElapsedTimer sinceKill;
        m_cluster.nodes[0]->kill();
        sinceKill.start();
        // "before" sticks to node 1 while it lives; once it is down its users are released and go
        // to the live node.
        QTRY_COMPARE_WITH_TIMEOUT(
            QString::fromUtf8(get(m_balancer.port, "/rest/cometdurl/before/").body), nodeUrl(1), kWaitMs);
        // Down after 3 s of silence; its last report came at most a heartbeat before the kill.
        const qint64 downAfter = sinceKill.elapsed();
        QVERIFY2(downAfter >= 1500 && downAfter < 5000, QByteArray::number(downAfter).constData());
        QCOMPARE(probe(), nodeUrl(1));
        QCOMPARE(get(m_balancer.port, "/rest/releasecometd/before/").status, 200);

        QVERIFY(startNode(0));
        QTRY_COMPARE_WITH_TIMEOUT(probe(), nodeUrl(0), kWaitMs);
    }

    // Without its balancer a node still serves its own users: the delivery API falls back to them.
    void balancerDownNodeDeliversLocally()
    {
        m_balancer.kill();
        const quint16 port = m_nodePorts[0];
        const QString clientId = handshake(port, u"erin"_s);
        QVERIFY(!clientId.isEmpty());
        QCOMPARE(bayeux(port,
                     { { u"channel"_s, u"/meta/subscribe"_s }, { u"clientId"_s, clientId },
                         { u"subscription"_s, u"/eXo/cometd/test"_s } })
                     .status,
            200);
        const QJsonObject toErin { { u"channel"_s, u"/eXo/cometd/test"_s }, { u"exoId"_s, u"erin"_s },
            { u"message"_s, u"alone"_s }, { u"id"_s, u"51"_s } };
        const auto privately
            = call(port, "POST", "/rest/sendprivatemessage/", json(toErin), { "Content-Type: application/json" });
        QCOMPARE(privately.status, 200);
        QCOMPARE(privately.jsonObject().value(u"delivered"_s).toInt(), 1);
        QJsonObject toNobody = toErin;
        toNobody.insert(u"exoId"_s, u"nobody"_s);
        QCOMPARE(call(port, "POST", "/rest/sendprivatemessage/", json(toNobody), { "Content-Type: application/json" })
                     .status,
            404);
        const auto connect = bayeux(port,
            { { u"channel"_s, u"/meta/connect"_s }, { u"clientId"_s, clientId },
                { u"connectionType"_s, u"long-polling"_s } });
        bool received = false;
        for (const QJsonValue &m : connect.jsonArray())
            received |= m.toObject().value(u"id"_s) == u"51"_s && m.toObject().value(u"data"_s) == u"alone"_s;
        QVERIFY(received);
    }
};

QTEST_GUILESS_MAIN(tst_Cluster)
#include "tst_cluster.moc"
