// The records the Lua scripts keep in Redis, read back: what a balancer's view is built from, and
// what garbage in Redis must not turn into.
#include "redisrecords.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace RedisEngine;

class tst_RedisRecords : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void userWithSessionsOnTwoNodesAndAReservation()
    {
        const auto record = decodeUserRecord(
            R"({"p":[["n2",2,"websocket","2026-12-03T10:00:00.000Z"],["n1",1,"long-polling","2026-12-03T09:00:00.000Z"]],"r":"n3","ru":5,"rev":17})");
        QVERIFY(record);
        QCOMPARE(record->revision, 17u);
        const Balancer::UserInfo info = record->info(u"alice"_s);
        QCOMPARE(info.nodeId, u"n2"_s); // the oldest node with sessions is the user's home
        QCOMPARE(info.nodeIds, (QStringList { u"n2"_s, u"n1"_s, u"n3"_s }));
        QCOMPARE(info.sessions, 3);
        QCOMPARE(info.transport, u"websocket"_s);
        QVERIFY(info.reserved);
        QCOMPARE(info.connectedSince, QDateTime(QDate(2026, 12, 3), QTime(9, 0), Qt::UTC));
        QCOMPARE(record->sessionNodes(), (QStringList { u"n2"_s, u"n1"_s }));
        QCOMPARE(record->privateTargets(), (QStringList { u"n2"_s, u"n1"_s, u"n3"_s }));
    }

    void reservationOnly()
    {
        const auto record = decodeUserRecord(R"({"r":"n1","ru":1796314950428,"rev":2})");
        QVERIFY(record);
        const Balancer::UserInfo info = record->info(u"bob"_s);
        QCOMPARE(info.nodeId, u"n1"_s);
        QCOMPARE(info.sessions, 0);
        QVERIFY(info.reserved);
        QVERIFY(record->sessionNodes().isEmpty());
        // Its handshake on n1 may be there before n1's record says so: a private message asks n1.
        QCOMPARE(record->privateTargets(), QStringList { u"n1"_s });
    }

    void garbageIsRefused_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("not json") << QByteArray("{nope");
        QTest::newRow("array") << QByteArray("[1,2]");
        QTest::newRow("no slot") << QByteArray(R"({"rev":3})");
        QTest::newRow("presence not a list") << QByteArray(R"({"p":"n1","rev":3})");
        QTest::newRow("entry without node") << QByteArray(R"({"p":[[1,2]],"rev":3})");
        QTest::newRow("fractional sessions") << QByteArray(R"({"p":[["n1",1.5]],"rev":3})");
        QTest::newRow("huge sessions") << QByteArray(R"({"p":[["n1",1e300]],"rev":3})");
        QTest::newRow("reservation not a string") << QByteArray(R"({"r":5,"rev":3})");
    }
    void garbageIsRefused()
    {
        QFETCH(QByteArray, json);
        QVERIFY(!decodeUserRecord(json));
    }

    void nodeRecord()
    {
        const auto record = decodeNodeRecord(
            R"({"state":"draining","users":2,"sessions":5,"dyn":false,"age":15,"order":1,"in":7,"out":9,"alive":true,"url":"http:\/\/127.0.0.1:1","max":20,"id":"n1","drain":true})");
        QVERIFY(record);
        QCOMPARE(record->ageMs, 15);
        const Balancer::NodeInfo &n = record->info;
        QCOMPARE(n.id, u"n1"_s);
        QCOMPARE(n.url, u"http://127.0.0.1:1"_s);
        QCOMPARE(n.state, Balancer::NodeState::Draining);
        QVERIFY(n.draining);
        QVERIFY(!n.dynamic);
        QCOMPARE(n.maxConnection, 20);
        QCOMPARE(n.users, 2);
        QCOMPARE(n.sessions, 5);
        QCOMPARE(n.messagesIn, 7);
        QCOMPARE(n.messagesOut, 9);
    }

    void downNodeShowsNoSessions()
    {
        const auto record = decodeNodeRecord(R"({"state":"down","users":0,"sessions":5,"age":-1,"id":"n9"})");
        QVERIFY(record);
        QCOMPARE(record->info.state, Balancer::NodeState::Down);
        QCOMPARE(record->info.sessions, 0);
        QCOMPARE(record->ageMs, -1);
        QVERIFY(record->info.dynamic); // a node no balancer configured
    }

    void nodeGarbage()
    {
        QVERIFY(!decodeNodeRecord("[]"));
        QVERIFY(!decodeNodeRecord(R"({"users":1,"age":1})")); // no id
        QVERIFY(!decodeNodeRecord(R"({"id":"n1","users":"x","age":1})"));
    }

    void events()
    {
        const auto joined = decodeEvent(R"({"k":"u","u":"alice","rev":9,"r":{"r":"n1","ru":3,"rev":9}})");
        QVERIFY(joined && joined->user && !joined->node);
        QCOMPARE(joined->user->user, u"alice"_s);
        QCOMPARE(joined->user->revision, 9u);
        QVERIFY(joined->user->record);
        QCOMPARE(joined->user->record->reservedNode, u"n1"_s);

        const auto left = decodeEvent(R"({"k":"u","u":"alice","rev":10})");
        QVERIFY(left && left->user);
        QVERIFY(!left->user->record);

        const auto node = decodeEvent(R"({"k":"n","id":"n2"})");
        QVERIFY(node && node->node);
        QCOMPARE(node->node->nodeId, u"n2"_s);

        QVERIFY(!decodeEvent(R"({"k":"x"})"));
        QVERIFY(!decodeEvent(R"({"k":"u","rev":1})"));
        QVERIFY(!decodeEvent(R"({"k":"u","u":"a","rev":1,"r":"garbage"})"));
        QVERIFY(!decodeEvent("hello"));
    }
};

QTEST_GUILESS_MAIN(tst_RedisRecords)
#include "tst_redisrecords.moc"
