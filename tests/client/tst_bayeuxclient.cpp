// BayeuxClient against in-process nodes: the whole flow on both transports, messages in, stop and
// release, refusals, a node restarting on its port, and failover between two nodes of a cluster.
#include "bayeuxclient.h"
#include "eventdispatcher.h"
#include "nodeserver.h"
#include "rawhttpclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Cometd;
using namespace std::chrono_literals;

namespace {

const QString kChannel = QStringLiteral("/eXo/cometd/test");
const QString kSecret = QStringLiteral("test-secret");
const QByteArray kAdminToken = QByteArrayLiteral("admin-token");
constexpr int kWaitMs = 15000;

NodeConfig config(NodeConfig::Role role = NodeConfig::Role::All, quint16 port = 0)
{
    NodeConfig c;
    c.role = role;
    c.listen = ListenAddress { QStringLiteral("127.0.0.1"), port };
    c.secret = kSecret;
    c.adminToken = QString::fromLatin1(kAdminToken);
    c.bayeux.timeout = 2000ms;
    c.bayeux.maxInterval = 3000ms;
    c.limits.idleTimeout = 10000ms;
    return c;
}

struct Server
{
    std::unique_ptr<NodeServer> node;
    quint16 port = 0;

    bool start(NodeConfig c)
    {
        node = std::make_unique<NodeServer>(std::move(c));
        port = node->start();
        return port != 0;
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)); }
    QUrl restUrl() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/rest/").arg(port)); }
};

RawHttpClient::Reply call(quint16 port, const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
    const QList<QByteArray> &headers = {})
{
    RawHttpClient client(port);
    if (method == "POST")
        client.postJson(path, body, headers);
    else
        client.request(method, path, body, headers);
    if (!QTest::qWaitFor([&] { return !client.replies.isEmpty() || client.isClosed(); }, kWaitMs)) return {};
    return client.replies.value(0);
}

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

int sendPrivate(
    quint16 port, const QString &user, const QJsonValue &message, const QString &id, const QString &channel = kChannel)
{
    return call(port, "POST", "/rest/sendprivatemessage/",
        json({ { QStringLiteral("channel"), channel }, { QStringLiteral("exoId"), user },
            { QStringLiteral("message"), message }, { QStringLiteral("id"), id } }))
        .status;
}

int sendBroadcast(quint16 port, const QJsonValue &message, const QString &id, const QString &channel = kChannel)
{
    return call(port, "POST", "/rest/sendbroadcastmessage/",
        json({ { QStringLiteral("channel"), channel }, { QStringLiteral("message"), message },
            { QStringLiteral("id"), id } }))
        .status;
}

int liveNodes(quint16 balancerPort)
{
    const auto reply = call(balancerPort, "GET", "/admin/api/cluster", {}, { "Authorization: Bearer " + kAdminToken });
    int up = 0;
    for (const QJsonValue &node : reply.jsonObject().value(u"nodes").toArray())
        up += node.toObject().value(u"state").toString() == u"up" ? 1 : 0;
    return up;
}

// Everything a client said, for the checks.
struct Recorder
{
    QObject context;
    QList<ClientMessage> messages;
    QStringList errors;
    QList<QUrl> failovers;

    explicit Recorder(BayeuxClient &client)
    {
        QObject::connect(
            &client, &BayeuxClient::messageReceived, &context, [this](const ClientMessage &m) { messages.append(m); });
        QObject::connect(
            &client, &BayeuxClient::errorOccurred, &context, [this](const QString &e) { errors.append(e); });
        QObject::connect(&client, &BayeuxClient::failedOver, &context, [this](const QUrl &u) { failovers.append(u); });
    }
    bool has(const QString &id, const QJsonValue &data, const QString &channel = kChannel) const
    {
        return std::any_of(messages.begin(), messages.end(),
            [&](const ClientMessage &m) { return m.id == id && m.data == data && m.channel == channel; });
    }
};

ClientOptions clientOptions(const QString &user, ClientTransport transport, bool ack = true)
{
    ClientOptions o;
    o.user = user;
    o.transport = transport;
    o.ack = ack;
    o.channels = QStringList { kChannel };
    o.requestTimeout = 5000ms;
    o.maxBackoff = 1000ms;
    return o;
}

void transportRows()
{
    QTest::addColumn<ClientTransport>("transport");
    QTest::addRow("long-polling") << ClientTransport::LongPolling;
    QTest::addRow("websocket") << ClientTransport::WebSocket;
}

} // namespace

class tst_BayeuxClient : public QObject
{
    Q_OBJECT

private slots:
    void fullFlow_data()
    {
        QTest::addColumn<ClientTransport>("transport");
        QTest::addColumn<bool>("ack");
        QTest::addRow("long-polling") << ClientTransport::LongPolling << true;
        QTest::addRow("long-polling without ack") << ClientTransport::LongPolling << false;
        QTest::addRow("websocket") << ClientTransport::WebSocket << true;
        QTest::addRow("websocket without ack") << ClientTransport::WebSocket << false;
    }
    void fullFlow()
    {
        QFETCH(ClientTransport, transport);
        QFETCH(bool, ack);
        Server server;
        QVERIFY(server.start(config()));

        ClientOptions o = clientOptions(QStringLiteral("exo1"), transport, ack);
        o.baseUrl = server.restUrl();
        BayeuxClient client(o);
        Recorder seen(client);
        QSignalSpy ready(&client, &BayeuxClient::ready);
        QSignalSpy states(&client, &BayeuxClient::stateChanged);
        client.start();
        QVERIFY(ready.wait(kWaitMs));
        QCOMPARE(client.state(), BayeuxClient::State::Connected);
        QCOMPARE(client.nodeUrl(), server.url());
        QVERIFY(!client.clientId().isEmpty());
        QVERIFY(states.size() >= 3); // locating, authorizing, handshaking, connected (some may coalesce)

        // A private message, through the delivery API, arrives intact.
        QCOMPARE(sendPrivate(server.port, QStringLiteral("exo1"), QStringLiteral("hello"), QStringLiteral("1")), 200);
        QTRY_VERIFY_WITH_TIMEOUT(seen.has(QStringLiteral("1"), QStringLiteral("hello")), kWaitMs);
        // A broadcast, with a JSON object as its message.
        const QJsonObject payload { { QStringLiteral("text"), QStringLiteral("hello!!!") },
            { QStringLiteral("n"), 2 } };
        QCOMPARE(sendBroadcast(server.port, payload, QStringLiteral("2")), 200);
        QTRY_VERIFY_WITH_TIMEOUT(seen.has(QStringLiteral("2"), payload), kWaitMs);
        // Several in a row keep their order.
        for (int i = 3; i < 8; ++i)
            QCOMPARE(sendPrivate(server.port, QStringLiteral("exo1"), QStringLiteral("m%1").arg(i), QString::number(i)),
                200);
        QTRY_COMPARE_WITH_TIMEOUT(seen.messages.size(), 7, kWaitMs);
        for (int i = 3; i < 8; ++i)
            QCOMPARE(seen.messages.at(i - 1).id, QString::number(i));

        // Its own publish comes back to it, as a subscriber.
        client.publish(kChannel, QStringLiteral("self"));
        QTRY_COMPARE_WITH_TIMEOUT(seen.messages.size(), 8, kWaitMs);
        QCOMPARE(seen.messages.last().data, QJsonValue(QStringLiteral("self")));

        // A channel added later is subscribed at once.
        const QString other = QStringLiteral("/eXo/other");
        client.subscribe(other);
        QVERIFY(client.options().channels.contains(other));
        QTRY_COMPARE_WITH_TIMEOUT(
            call(server.port, "GET", "/rest/issubscribed/exo1/?channel=" + QUrl::toPercentEncoding(other)).body,
            QByteArray("true"), kWaitMs);
        QCOMPARE(sendBroadcast(server.port, QStringLiteral("other"), QStringLiteral("9"), other), 200);
        QTRY_VERIFY_WITH_TIMEOUT(seen.has(QStringLiteral("9"), QStringLiteral("other"), other), kWaitMs);
        QCOMPARE(seen.messages.size(), 9); // nothing twice
        QVERIFY2(seen.errors.isEmpty(), qPrintable(seen.errors.join(u'\n')));

        QSignalSpy stopped(&client, &BayeuxClient::stopped);
        client.stop();
        QVERIFY(stopped.wait(kWaitMs));
        QCOMPARE(client.state(), BayeuxClient::State::Idle);
        // The session and the slot are gone: the user has nothing to release, and gets a node again.
        QCOMPARE(sendPrivate(server.port, QStringLiteral("exo1"), QStringLiteral("late"), QStringLiteral("10")), 404);
        // (The node tells its balancer about the closed session on the next turn of the event loop.)
        QTRY_COMPARE_WITH_TIMEOUT(call(server.port, "GET", "/rest/releasecometd/exo1/").status, 404, kWaitMs);
        const auto again = call(server.port, "GET", "/rest/cometdurl/exo1/");
        QCOMPARE(again.status, 200);
        QCOMPARE(QString::fromUtf8(again.body), server.url().toString());
        QCOMPARE(call(server.port, "GET", "/rest/releasecometd/exo1/").status, 200);
    }

    void directNodeAndApiKey_data()
    {
        QTest::addColumn<QByteArray>("apiKey");
        QTest::addColumn<bool>("succeeds");
        QTest::addRow("with the api key") << QByteArrayLiteral("app-key") << true;
        QTest::addRow("without: gettoken 401, failed") << QByteArray() << false;
        QTest::addRow("wrong key: failed") << QByteArrayLiteral("nope") << false;
    }
    void directNodeAndApiKey()
    {
        QFETCH(QByteArray, apiKey);
        QFETCH(bool, succeeds);
        NodeConfig c = config();
        c.apiKey = QStringLiteral("app-key");
        c.tokenIssue = NodeConfig::TokenIssue::ApiKey;
        Server server;
        QVERIFY(server.start(c));

        ClientOptions o = clientOptions(QStringLiteral("exo2"), ClientTransport::LongPolling);
        o.nodeUrl = server.url();
        o.apiKey = apiKey;
        BayeuxClient client(o);
        Recorder seen(client);
        QSignalSpy ready(&client, &BayeuxClient::ready);
        QSignalSpy states(&client, &BayeuxClient::stateChanged);
        client.start();
        if (succeeds) {
            QVERIFY(ready.wait(kWaitMs));
            QCOMPARE(client.nodeUrl(), server.url());
        } else {
            QTRY_COMPARE_WITH_TIMEOUT(client.state(), BayeuxClient::State::Failed, kWaitMs);
            QCOMPARE(states.last().at(0).value<BayeuxClient::State>(), BayeuxClient::State::Failed);
            QCOMPARE(ready.size(), 0);
            QCOMPARE(seen.errors.size(), 1);
            QVERIFY2(seen.errors.first().contains(u"401"), qPrintable(seen.errors.first()));
        }
        QSignalSpy stopped(&client, &BayeuxClient::stopped);
        client.stop();
        QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, kWaitMs);
        QCOMPARE(client.state(), BayeuxClient::State::Idle);
    }

    void serverRestart_data()
    {
        QTest::addColumn<ClientTransport>("transport");
        QTest::addColumn<bool>("direct");
        QTest::addRow("long-polling via cometdurl") << ClientTransport::LongPolling << false;
        QTest::addRow("websocket via cometdurl") << ClientTransport::WebSocket << false;
        // With a fixed node: /meta/connect retried until the node answers 402, then a new handshake.
        QTest::addRow("long-polling, fixed node") << ClientTransport::LongPolling << true;
        QTest::addRow("websocket, fixed node") << ClientTransport::WebSocket << true;
    }
    void serverRestart()
    {
        QFETCH(ClientTransport, transport);
        QFETCH(bool, direct);
        Server server;
        QVERIFY(server.start(config()));
        const quint16 port = server.port;

        ClientOptions o = clientOptions(QStringLiteral("exo3"), transport);
        if (direct)
            o.nodeUrl = server.url();
        else
            o.baseUrl = server.restUrl();
        BayeuxClient client(o);
        Recorder seen(client);
        QSignalSpy ready(&client, &BayeuxClient::ready);
        client.start();
        QVERIFY(ready.wait(kWaitMs));
        const QString firstClientId = client.clientId();

        // The node goes away and a new one (no memory of the session) comes back on the same port.
        server.node.reset();
        QTRY_VERIFY_WITH_TIMEOUT(client.state() != BayeuxClient::State::Connected, kWaitMs);
        QVERIFY(server.start(config(NodeConfig::Role::All, port)));
        QCOMPARE(server.port, port);

        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, kWaitMs);
        QCOMPARE(client.state(), BayeuxClient::State::Connected);
        QVERIFY(client.clientId() != firstClientId);
        QVERIFY(!seen.errors.isEmpty()); // the loss was reported
        if (direct) {
            QVERIFY2(std::any_of(seen.errors.begin(), seen.errors.end(),
                         [](const QString &e) { return e.contains(u"402::unknown client"); }),
                qPrintable(seen.errors.join(u'\n')));
        }
        QVERIFY(seen.failovers.isEmpty()); // same node

        QCOMPARE(sendPrivate(server.port, QStringLiteral("exo3"), QStringLiteral("back"), QStringLiteral("1")), 200);
        QTRY_VERIFY_WITH_TIMEOUT(seen.has(QStringLiteral("1"), QStringLiteral("back")), kWaitMs);
    }

    void failover_data() { transportRows(); }
    void failover()
    {
        QFETCH(ClientTransport, transport);
        Server balancer;
        QVERIFY(balancer.start(config(NodeConfig::Role::Balancer)));
        Server nodes[2];
        for (int i = 0; i < 2; ++i) {
            NodeConfig c = config(NodeConfig::Role::Node);
            c.nodeId = QString::number(i + 1);
            c.balancerUrl = balancer.url();
            QVERIFY(nodes[i].start(c));
        }
        QTRY_COMPARE_WITH_TIMEOUT(liveNodes(balancer.port), 2, kWaitMs);

        ClientOptions o = clientOptions(QStringLiteral("exo4"), transport);
        o.baseUrl = balancer.restUrl();
        BayeuxClient client(o);
        Recorder seen(client);
        QSignalSpy ready(&client, &BayeuxClient::ready);
        QSignalSpy failedOver(&client, &BayeuxClient::failedOver);
        client.start();
        QVERIFY(ready.wait(kWaitMs));
        const int used = client.nodeUrl() == nodes[0].url() ? 0 : 1;
        QCOMPARE(client.nodeUrl(), nodes[used].url());
        const QUrl survivor = nodes[1 - used].url();

        // Its node dies without a word; the balancer notices after 3 s of silence.
        nodes[used].node.reset();
        QVERIFY(failedOver.wait(kWaitMs));
        QCOMPARE(failedOver.first().at(0).toUrl(), survivor);
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, kWaitMs);
        QCOMPARE(client.nodeUrl(), survivor);
        QCOMPARE(client.state(), BayeuxClient::State::Connected);

        // Through the balancer, once it has heard of the new session.
        QTRY_COMPARE_WITH_TIMEOUT(
            sendPrivate(balancer.port, QStringLiteral("exo4"), QStringLiteral("moved"), QStringLiteral("1")), 200,
            kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(seen.has(QStringLiteral("1"), QStringLiteral("moved")), kWaitMs);

        QSignalSpy stopped(&client, &BayeuxClient::stopped);
        client.stop();
        QVERIFY(stopped.wait(kWaitMs));
    }

    void deletedInsideItsOwnSignal()
    {
        Server server;
        QVERIFY(server.start(config()));
        ClientOptions o = clientOptions(QStringLiteral("exo5"), ClientTransport::LongPolling);
        o.baseUrl = server.restUrl();
        auto *client = new BayeuxClient(o);
        QPointer<BayeuxClient> guard(client);
        QObject context;
        connect(client, &BayeuxClient::ready, &context, [client] { delete client; });
        client->start();
        QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), kWaitMs);
        // The server still works (nothing left dangling on either side).
        QCOMPARE(call(server.port, "GET", "/rest/cometdurl/other/").status, 200);
    }
};

int main(int argc, char **argv)
{
    EventLoop::installFromEnvironment();
    QCoreApplication app(argc, argv);
    tst_BayeuxClient test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_bayeuxclient.moc"
