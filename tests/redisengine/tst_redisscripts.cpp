// The Lua scripts' semantics (server/redisengine/scripts) against a real redis-server: placement
// order and ties, stickiness, capacity under concurrent placements from several connections,
// reservation and node expiry on Redis' clock, full lists, delivery routing, and garbage in Redis.
#include "redisconnection.h"
#include "redisscripts.h"
#include "redisserver.h"
#include "redissubscriber.h"
#include "scriptcaller.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using RedisEngine::Scripts;

namespace {

const QByteArray Prefix = "t";
const QByteArray NodeTimeout = "3000";
const QByteArray Reservation = "30000";

QByteArray report(const QString &id, int max, const QJsonArray &users = {}, bool fullList = false, int page = 0,
    bool last = true, const QJsonArray &channels = {})
{
    QJsonObject o { { u"nodeId"_s, id }, { u"url"_s, u"http://127.0.0.1:%1"_s.arg(1000 + id.back().digitValue()) },
        { u"maxConnection"_s, max }, { u"sessions"_s, 0 }, { u"messagesIn"_s, 0 }, { u"messagesOut"_s, 0 },
        { u"users"_s, users }, { u"channels"_s, channels } };
    if (fullList) o.insert(u"fullList"_s, QJsonObject { { u"epoch"_s, 7 }, { u"page"_s, page }, { u"last"_s, last } });
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject opened(const QString &user, int sessions = 1)
{
    return { { u"user"_s, user }, { u"sessions"_s, sessions }, { u"opened"_s, true },
        { u"transport"_s, u"websocket"_s }, { u"connectedSince"_s, u"2026-12-03T10:00:00.000Z"_s } };
}

} // namespace

class tst_RedisScripts : public QObject
{
    Q_OBJECT

    std::unique_ptr<RedisServer> m_server;
    std::unique_ptr<Redis::Connection> m_redis;

    Redis::Options options() const
    {
        Redis::Options o;
        o.server = { u"127.0.0.1"_s, m_server->port() };
        return o;
    }

    Redis::Reply run(const Redis::Script &script, QList<QByteArray> args)
    {
        args.prepend(Prefix);
        return callScript(*m_redis, script, args);
    }

    QString place(const QString &user, const QByteArray &reservation = Reservation)
    {
        const Redis::Reply r = run(Scripts::instance().place, { user.toUtf8(), NodeTimeout, reservation });
        if (r.isError()) return u"error: "_s + QString::fromUtf8(r.text);
        return QString::fromUtf8(r.elements.value(r.elements.size() == 3 ? 1 : 0).text);
    }

    void reportNode(const QString &id, int max, const QJsonArray &users = {}, const QByteArray &timeout = NodeTimeout)
    {
        const Redis::Reply r = run(Scripts::instance().report, { timeout, report(id, max, users, true) });
        QVERIFY2(!r.isError(), r.text.constData());
    }

    int slotsOn(const QString &id)
    {
        return int(callCommand(*m_redis, { "SCARD", Prefix + ":slots:" + id.toUtf8() }).integer);
    }

private Q_SLOTS:
    void initTestCase() { COMETD_REQUIRE_REDIS_SERVER(); }

    void init()
    {
        m_server = std::make_unique<RedisServer>();
        QVERIFY(m_server->start());
        m_redis = std::make_unique<Redis::Connection>(options());
        QSignalSpy up(m_redis.get(), &Redis::Connection::up);
        m_redis->start();
        QVERIFY(up.wait(5000));
        const QByteArray configured = R"([["n1","http://127.0.0.1:1001",2],["n2","http://127.0.0.1:1002",4]])";
        QCOMPARE(run(Scripts::instance().configure, { configured }).integer, 2);
    }

    void cleanup()
    {
        m_redis.reset();
        m_server.reset();
    }

    void configuredNodesStartDown()
    {
        QCOMPARE(place(u"alice"_s), u"full"_s); // no node has reported yet
        const Redis::Reply nodes = run(Scripts::instance().nodes, { NodeTimeout });
        QCOMPARE(nodes.elements.size(), 2);
        QVERIFY(nodes.elements.at(0).text.contains(R"("state":"down")"));
    }

    void leastLoadedThenPlacementOrder()
    {
        reportNode(u"n1"_s, 2);
        reportNode(u"n2"_s, 4);
        // Ties go to the earlier node; then the lower slots/maxConnection ratio.
        QCOMPARE(place(u"u1"_s), u"n1"_s); // 0/2 vs 0/4: tie
        QCOMPARE(place(u"u2"_s), u"n2"_s); // 1/2 vs 0/4
        QCOMPARE(place(u"u3"_s), u"n2"_s); // 1/2 vs 1/4
        QCOMPARE(place(u"u4"_s), u"n1"_s); // 1/2 vs 2/4: tie
        QCOMPARE(place(u"u5"_s), u"n2"_s);
        QCOMPARE(place(u"u6"_s), u"n2"_s);
        QCOMPARE(place(u"u7"_s), u"full"_s);
        QCOMPARE(slotsOn(u"n1"_s), 2);
        QCOMPARE(slotsOn(u"n2"_s), 4);
        // Sticky, even on a full node; a release frees the slot.
        QCOMPARE(place(u"u1"_s), u"n1"_s);
        QCOMPARE(run(Scripts::instance().release, { "u1" }).integer, 1);
        QCOMPARE(run(Scripts::instance().release, { "u1" }).integer, 0);
        QCOMPARE(slotsOn(u"n1"_s), 1);
        QCOMPARE(place(u"u7"_s), u"n1"_s);
    }

    void dynamicNodeJoinsAfterConfiguredOnes()
    {
        reportNode(u"n9"_s, 10);
        reportNode(u"n1"_s, 10);
        QCOMPARE(place(u"a"_s), u"n1"_s); // tie: configured n1 comes first
        const Redis::Reply nodes = run(Scripts::instance().nodes, { NodeTimeout });
        QCOMPARE(nodes.elements.size(), 3);
        QVERIFY(nodes.elements.at(2).text.contains(R"("id":"n9")"));
        QVERIFY(nodes.elements.at(2).text.contains(R"("dyn":true)"));
    }

    void capacityUnderConcurrentPlacements()
    {
        // 200 placements at once over four connections for 2 + 4 slots on two nodes: six win.
        reportNode(u"n1"_s, 2);
        reportNode(u"n2"_s, 4);
        std::vector<std::unique_ptr<Redis::Connection>> connections;
        for (int i = 0; i < 4; ++i) {
            connections.push_back(std::make_unique<Redis::Connection>(options()));
            QSignalSpy up(connections.back().get(), &Redis::Connection::up);
            connections.back()->start();
            QVERIFY(up.wait(5000));
        }
        int placed = 0, full = 0, answered = 0;
        QHash<QByteArray, int> perNode;
        for (int i = 0; i < 200; ++i) {
            Redis::Connection &c = *connections[size_t(i % 4)];
            Scripts::instance().place.run(c, {}, { Prefix, "user" + QByteArray::number(i), NodeTimeout, Reservation },
                [&](const Redis::Reply &r) {
                    ++answered;
                    if (r.elements.size() == 3) {
                        ++placed;
                        ++perNode[r.elements.at(1).text];
                    } else if (r.elements.size() == 1 && r.elements.at(0).text == "full") {
                        ++full;
                    }
                });
        }
        QTRY_COMPARE_WITH_TIMEOUT(answered, 200, 20000);
        QCOMPARE(placed, 6);
        QCOMPARE(full, 194);
        QCOMPARE(perNode.value("n1"), 2);
        QCOMPARE(perNode.value("n2"), 4);
        QCOMPARE(slotsOn(u"n1"_s), 2);
        QCOMPARE(slotsOn(u"n2"_s), 4);
    }

    void reservationsExpireOnRedisClock()
    {
        reportNode(u"n1"_s, 2);
        QCOMPARE(place(u"a"_s, "150"), u"n1"_s);
        QCOMPARE(slotsOn(u"n1"_s), 1);
        // Nothing is due at once; after its 150 ms the reservation goes.
        QCOMPARE(run(Scripts::instance().expire, { "60000" }).integer, 0);
        // QTRY evaluates its condition once more after it holds: count, since expiry happens once.
        qint64 expired = 0;
        QTRY_VERIFY_WITH_TIMEOUT((expired += run(Scripts::instance().expire, { "60000" }).integer) > 0, 5000);
        QCOMPARE(expired, 1);
        QCOMPARE(slotsOn(u"n1"_s), 0);
        QVERIFY(callCommand(*m_redis, { "HEXISTS", Prefix + ":users", "a" }).integer == 0);
    }

    void sessionConsumesReservationAndHoldsTheSlot()
    {
        reportNode(u"n1"_s, 2);
        QCOMPARE(place(u"a"_s, "150"), u"n1"_s);
        reportNode(u"n1"_s, 2, { opened(u"a"_s) });
        // The opened session consumed the reservation: nothing is left to expire, ever.
        QCOMPARE(callCommand(*m_redis, { "ZCARD", Prefix + ":resv" }).integer, 0);
        QCOMPARE(run(Scripts::instance().expire, { "60000" }).integer, 0);
        QCOMPARE(slotsOn(u"n1"_s), 1); // a live session holds it
    }

    void silentNodeGoesDownAndReleasesItsUsers()
    {
        reportNode(u"n1"_s, 2, { opened(u"a"_s) });
        reportNode(u"n2"_s, 4, { opened(u"b"_s) });
        QCOMPARE(slotsOn(u"n1"_s), 1);
        // With a 200 ms node timeout, n1 (never reporting again) goes down; n2 keeps reporting.
        qint64 expired = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                run(Scripts::instance().report, { NodeTimeout, report(u"n2"_s, 4) }); // a heartbeat
                return (expired += run(Scripts::instance().expire, { "200" }).integer) > 0;
            }(),
            5000);
        QCOMPARE(expired, 1);
        QCOMPARE(slotsOn(u"n1"_s), 0);
        QCOMPARE(slotsOn(u"n2"_s), 1);
        QVERIFY(callCommand(*m_redis, { "HEXISTS", Prefix + ":users", "a" }).integer == 0);
        const Redis::Reply nodes = run(Scripts::instance().nodes, { "200" });
        QVERIFY(nodes.elements.at(0).text.contains(R"("state":"down")"));
        // Back: it reports, and is asked for its full list.
        const Redis::Reply back = run(Scripts::instance().report, { NodeTimeout, report(u"n1"_s, 2) });
        QCOMPARE(back.elements.size(), 2);
        QCOMPARE(back.elements.at(1).integer, 1);
    }

    void fullListDropsWhatItDidNotList()
    {
        reportNode(u"n1"_s, 10, { opened(u"a"_s), opened(u"b"_s), opened(u"c"_s) });
        QCOMPARE(slotsOn(u"n1"_s), 3);
        // A two-page list that mentions only a and c.
        Redis::Reply r
            = run(Scripts::instance().report, { NodeTimeout, report(u"n1"_s, 10, { opened(u"a"_s) }, true, 0, false) });
        QCOMPARE(r.elements.at(1).integer, 0);
        r = run(Scripts::instance().report, { NodeTimeout, report(u"n1"_s, 10, { opened(u"c"_s) }, true, 1, true) });
        QCOMPARE(r.elements.at(1).integer, 0);
        QCOMPARE(slotsOn(u"n1"_s), 2);
        QVERIFY(callCommand(*m_redis, { "HEXISTS", Prefix + ":users", "b" }).integer == 0);
        // A page out of sequence abandons the list and asks for a new one.
        r = run(Scripts::instance().report, { NodeTimeout, report(u"n1"_s, 10, {}, true, 3, true) });
        QCOMPARE(r.elements.at(1).integer, 1);
        QCOMPARE(slotsOn(u"n1"_s), 2);
    }

    void deliveryGoesToTheNodesHoldingTheUser()
    {
        reportNode(u"n1"_s, 10, { opened(u"a"_s, 2) });
        reportNode(u"n2"_s, 10, { opened(u"a"_s, 1) });
        Redis::Subscriber subscriber(options(), { Prefix + ":node:n1", Prefix + ":node:n2" });
        QSignalSpy up(&subscriber, &Redis::Subscriber::up);
        QSignalSpy messages(&subscriber, &Redis::Subscriber::message);
        subscriber.start();
        QVERIFY(up.wait(5000));
        const QByteArray body = R"({"channel":"/x","message":1,"exoId":"a"})";
        QCOMPARE(run(Scripts::instance().deliver, { NodeTimeout, "a", body }).integer, 3);
        QTRY_COMPARE(messages.size(), 2);
        QCOMPARE(messages.at(0).at(1).toByteArray(), body);
        QCOMPARE(run(Scripts::instance().deliver, { NodeTimeout, "nobody", body }).integer, 0);
    }

    void broadcastCountsSubscribersOfTheChannelAndItsWildcards()
    {
        const QJsonArray channels { QJsonObject { { u"channel"_s, u"/a/b"_s }, { u"subscribers"_s, 2 } },
            QJsonObject { { u"channel"_s, u"/a/*"_s }, { u"subscribers"_s, 3 } },
            QJsonObject { { u"channel"_s, u"/**"_s }, { u"subscribers"_s, 1 } },
            QJsonObject { { u"channel"_s, u"/a/b/*"_s }, { u"subscribers"_s, 50 } } };
        QVERIFY(!run(Scripts::instance().report, { NodeTimeout, report(u"n1"_s, 10, {}, true, 0, true, channels) })
                     .isError());
        QCOMPARE(
            run(Scripts::instance().broadcast, { NodeTimeout, "/a/b", R"({"channel":"/a/b","message":1})" }).integer,
            6);
        const Redis::Reply summed = run(Scripts::instance().channels, { NodeTimeout });
        QCOMPARE(summed.elements.size(), 12);
    }

    void garbageInRedisIsSkipped()
    {
        reportNode(u"n1"_s, 10);
        // A user's record that is not JSON, a node record that is not JSON, a key of the wrong type.
        callCommand(*m_redis, { "HSET", Prefix + ":users", "a", "{garbage" });
        callCommand(*m_redis, { "HSET", Prefix + ":nodes", "bad", "[[[" });
        QCOMPARE(place(u"a"_s), u"n1"_s);
        callCommand(*m_redis, { "DEL", Prefix + ":resv" });
        callCommand(*m_redis, { "SET", Prefix + ":resv", "not a zset" });
        QCOMPARE(place(u"b"_s), u"n1"_s);
        QCOMPARE(callCommand(*m_redis, { "TYPE", Prefix + ":resv" }).text, QByteArray("zset"));
        QCOMPARE(run(Scripts::instance().nodes, { NodeTimeout }).elements.size(), 2); // n1, n2; "bad" skipped
    }
};

QTEST_GUILESS_MAIN(tst_RedisScripts)
#include "tst_redisscripts.moc"
