// AdminClient against a real in-process cluster: snapshot and events, refused token, unreachable
// balancer with reconnect, sending, draining.
#include "adminclient.h"
#include "adminclusterfixture.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace AdminGui;

class tst_AdminClient : public QObject
{
    Q_OBJECT
    AdminClusterFixture f;

private Q_SLOTS:
    void init() { QVERIFY(f.start()); }
    void cleanup() { f.stop(); }

    void snapshotThenUserEvents()
    {
        AdminClient client;
        QSignalSpy snapshots(&client, &AdminClient::snapshotReceived);
        QSignalSpy users(&client, &AdminClient::usersChanged);
        QSignalSpy stats(&client, &AdminClient::statsReceived);
        client.connectToCluster(f.url(), AdminClusterFixture::AdminToken);
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 1, 10000);
        QCOMPARE(client.state(), AdminClient::State::Connected);
        const auto snapshot = snapshots.at(0).at(0).value<ClusterSnapshot>();
        QCOMPARE(snapshot.nodes.size(), 1);
        QVERIFY(snapshot.users.isEmpty());

        RawHttpClient bayeux(f.node.port);
        QVERIFY(!f.node.session(bayeux, u"exo1"_s, AdminClusterFixture::Channel).isEmpty());
        const auto joined = [&] {
            for (const auto &signal : std::as_const(users)) {
                for (const UserEvent &e : signal.at(0).value<QList<UserEvent>>()) {
                    if (e.kind == ChangeKind::Added && e.user.user == u"exo1"_s) return true;
                }
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(joined(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!stats.isEmpty(), 10000);
        QCOMPARE(stats.at(0).at(0).value<StatsSample>().nodes.size(), 1);
    }

    void refusedToken()
    {
        AdminClient client;
        QSignalSpy states(&client, &AdminClient::stateChanged);
        QSignalSpy snapshots(&client, &AdminClient::snapshotReceived);
        client.connectToCluster(f.url(), u"wrong"_s);
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), AdminClient::State::Refused, 10000);
        QVERIFY2(client.stateMessage().contains(u"refused the admin token"_s), qPrintable(client.stateMessage()));
        QVERIFY(client.stateMessage().contains(u"401"_s));
        QCOMPARE(snapshots.size(), 0);
    }

    // The balancer goes away: the client says so, retries with backoff, and comes back by itself.
    void reconnectsWhenTheBalancerReturns()
    {
        AdminClient client;
        client.setBackoff(50, 400);
        QSignalSpy snapshots(&client, &AdminClient::snapshotReceived);
        client.connectToCluster(f.url(), AdminClusterFixture::AdminToken);
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 1, 10000);
        const quint16 port = f.node.port;
        f.stop();
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), AdminClient::State::Reconnecting, 10000);
        QVERIFY(client.stateMessage().contains(u"reconnecting in"_s));
        // While it is away, attempts fail as "unreachable".
        QTRY_VERIFY_WITH_TIMEOUT(client.stateMessage().contains(u"unreachable"_s), 10000);
        if (!f.start(port)) QSKIP("the port was taken meanwhile");
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 2, 15000);
        QCOMPARE(client.state(), AdminClient::State::Connected);
    }

    void unreachableFromTheStart()
    {
        const QUrl url = f.url();
        f.stop();
        AdminClient client;
        client.setBackoff(100, 100);
        client.connectToCluster(url, AdminClusterFixture::AdminToken);
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), AdminClient::State::Reconnecting, 10000);
        QVERIFY2(client.stateMessage().contains(u"unreachable"_s), qPrintable(client.stateMessage()));
        client.disconnectFromCluster();
        QCOMPARE(client.state(), AdminClient::State::Disconnected);
    }

    void privateMessageReachesTheUser()
    {
        AdminClient client;
        QSignalSpy snapshots(&client, &AdminClient::snapshotReceived);
        QSignalSpy sent(&client, &AdminClient::messageSent);
        client.connectToCluster(f.url(), AdminClusterFixture::AdminToken);
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 1, 10000);
        RawHttpClient bayeux(f.node.port);
        const QString clientId = f.node.session(bayeux, u"exo2"_s, AdminClusterFixture::Channel);
        QVERIFY(!clientId.isEmpty());

        OutgoingMessage message;
        message.channel = AdminClusterFixture::Channel;
        message.user = u"exo2"_s;
        message.message = QJsonObject { { u"text"_s, u"hello from the console"_s } };
        message.id = u"42"_s;
        const quint64 request = client.sendMessage(message);
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, 10000);
        QCOMPARE(sent.at(0).at(0).toULongLong(), request);
        const auto result = sent.at(0).at(1).value<SendResult>();
        QVERIFY2(result.ok, qPrintable(result.text()));
        QCOMPARE(result.delivered, 1);

        const auto received = AdminClusterFixture::awaitMessage(bayeux, clientId, AdminClusterFixture::Channel);
        QVERIFY(received);
        QCOMPARE(received->value(u"data"_s).toObject().value(u"text"_s).toString(), u"hello from the console"_s);
        QCOMPARE(received->value(u"id"_s).toString(), u"42"_s);

        message.user = u"nobody"_s;
        client.sendMessage(message);
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 2, 10000);
        QCOMPARE(sent.at(1).at(1).value<SendResult>().httpStatus, 404);
    }

    void drainAndUndrain()
    {
        AdminClient client;
        QSignalSpy snapshots(&client, &AdminClient::snapshotReceived);
        QSignalSpy actions(&client, &AdminClient::nodeActionFinished);
        QSignalSpy nodes(&client, &AdminClient::nodeUpdated);
        client.connectToCluster(f.url(), AdminClusterFixture::AdminToken);
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 1, 10000);
        const QString id = snapshots.at(0).at(0).value<ClusterSnapshot>().nodes.at(0).id;
        client.drainNode(id, true);
        QTRY_COMPARE_WITH_TIMEOUT(actions.size(), 1, 10000);
        QVERIFY(actions.at(0).at(1).toBool());
        QTRY_VERIFY_WITH_TIMEOUT(!nodes.isEmpty() && nodes.last().at(0).value<Node>().state == u"draining"_s, 10000);
        client.drainNode(id, false);
        QTRY_COMPARE_WITH_TIMEOUT(actions.size(), 2, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(nodes.last().at(0).value<Node>().state == u"up"_s, 10000);
        client.drainNode(u"no-such-node"_s, true);
        QTRY_COMPARE_WITH_TIMEOUT(actions.size(), 3, 10000);
        QVERIFY(!actions.at(2).at(1).toBool());
    }

    void releaseUnknownUser()
    {
        AdminClient client;
        QSignalSpy released(&client, &AdminClient::userReleased);
        client.connectToCluster(f.url(), AdminClusterFixture::AdminToken);
        client.releaseUser(u"ghost"_s);
        QTRY_COMPARE_WITH_TIMEOUT(released.size(), 1, 10000);
        QVERIFY(!released.at(0).at(1).toBool());
    }
};

QTEST_GUILESS_MAIN(tst_AdminClient)
#include "tst_adminclient.moc"
