// The cluster on Redis (SPEC §6) as an operator runs it: a real redis-server, two balancers and
// three nodes, every one a real cometd-node process on loopback. Placement and capacity are shared
// by the balancers, deliveries go node to node through Redis pub/sub (also published by redis-cli,
// as any application may), and each fault of the issue is played for real: Redis SIGKILLed and
// restarted empty, Redis absent at start, a balancer SIGKILLed, a node SIGKILLed, a Sentinel
// failover, and garbage in Redis.
#include "clusterprocess.h"
#include "processstats.h"
#include "redisserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using ClusterTest::call;
using ClusterTest::get;
using ClusterTest::json;

namespace {

const QString kNode = QStringLiteral(COMETD_NODE_BINARY);
const QString kPrefix = u"faults"_s;
constexpr int kCapacity = 5; // per node
constexpr int kWaitMs = ClusterTest::WaitMs;

QByteArray channel(const QByteArray &name)
{
    return kPrefix.toUtf8() + ':' + name;
}

// A metric's value on a process's /metrics, -1 when absent.
double metric(quint16 port, QByteArrayView name)
{
    const QByteArray text = get(port, "/metrics").body;
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(name) && line.size() > name.size() && line.at(name.size()) == ' ')
            return line.mid(name.size() + 1).toDouble();
    }
    return -1;
}

} // namespace

class tst_RedisFaults : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<RedisServer> m_redis;
    std::unique_ptr<ClusterTest::Process> m_balancers[2];
    std::unique_ptr<ClusterTest::Process> m_nodes[3];
    quint16 m_nodePorts[3] = {};
    QJsonObject m_redisConfig;

    QString writeConfig(const QString &name, const QJsonObject &config)
    {
        QFile file(m_dir.filePath(name + u".json"_s));
        if (!file.open(QIODevice::WriteOnly)) return {};
        file.write(QJsonDocument(config).toJson());
        return file.fileName();
    }

    bool startBalancer(int i)
    {
        const QString config = writeConfig(u"balancer%1"_s.arg(i), { { u"redis"_s, m_redisConfig } });
        m_balancers[i] = std::make_unique<ClusterTest::Process>();
        return m_balancers[i]->start(
            kNode, { u"--config"_s, config, u"--role"_s, u"balancer"_s, u"--listen"_s, u"127.0.0.1:0"_s });
    }

    // Node i (id n<i+1>) on a port of its own, so that its config can name its URL and capacity.
    bool startNode(int i)
    {
        for (int attempt = 0; attempt < 5; ++attempt) {
            if (attempt > 0 || m_nodePorts[i] == 0) m_nodePorts[i] = ClusterTest::freePort();
            const QString id = u"n%1"_s.arg(i + 1);
            const QJsonObject self { { u"id"_s, id }, { u"url"_s, ClusterTest::baseUrl(m_nodePorts[i]) },
                { u"maxConnection"_s, kCapacity } };
            const QString config
                = writeConfig(id, { { u"redis"_s, m_redisConfig }, { u"nodes"_s, QJsonArray { self } } });
            m_nodes[i] = std::make_unique<ClusterTest::Process>();
            if (m_nodes[i]->start(kNode,
                    { u"--config"_s, config, u"--role"_s, u"node"_s, u"--node-id"_s, id, u"--listen"_s,
                        u"127.0.0.1:%1"_s.arg(m_nodePorts[i]) }))
                return true;
        }
        return false;
    }

    quint16 balancer(int i) const { return m_balancers[i]->port; }

    // Nodes up on a balancer's admin view.
    int upNodes(int b)
    {
        int up = 0;
        for (const QJsonValue &n : get(balancer(b), "/admin/api/cluster").jsonObject().value(u"nodes"_s).toArray())
            up += n.toObject().value(u"state"_s).toString() == u"up"_s;
        return up;
    }

    QString stateOf(int b, const QString &id)
    {
        for (const QJsonValue &n : get(balancer(b), "/admin/api/cluster").jsonObject().value(u"nodes"_s).toArray()) {
            if (n.toObject().value(u"id"_s).toString() == id) return n.toObject().value(u"state"_s).toString();
        }
        return u"absent"_s;
    }

    // The user's live sessions as a balancer's admin view shows them; -1 when it holds no slot.
    int sessionsOf(int b, const QString &user)
    {
        const QJsonObject page = get(balancer(b), "/admin/api/users?filter=" + user.toUtf8()).jsonObject();
        for (const QJsonValue &u : page.value(u"users"_s).toArray()) {
            if (u.toObject().value(u"user"_s).toString() == user) return u.toObject().value(u"sessions"_s).toInt();
        }
        return -1;
    }
    bool knowsUser(int b, const QString &user) { return sessionsOf(b, user) >= 0; }

    QString cometdUrl(int b, const QString &user)
    {
        const auto r = get(balancer(b), "/rest/cometdurl/" + user.toUtf8() + '/');
        return r.status == 200 ? QString::fromUtf8(r.body) : u"status %1"_s.arg(r.status);
    }

    // A long-polling session for `user` on node i, subscribed to /faults; its client id.
    QString session(int i, const QString &user)
    {
        const quint16 port = m_nodePorts[i];
        const auto token = get(port, "/rest/gettoken/" + user.toUtf8() + '/');
        if (token.status != 200) return {};
        const QJsonObject hs { { u"channel"_s, u"/meta/handshake"_s }, { u"version"_s, u"1.0"_s },
            { u"supportedConnectionTypes"_s, QJsonArray { u"long-polling"_s } }, { u"exoId"_s, user },
            { u"exoToken"_s, QString::fromUtf8(token.body) } };
        const QString clientId = bayeux(i, hs).jsonArray().at(0).toObject().value(u"clientId"_s).toString();
        if (clientId.isEmpty()) return {};
        bayeux(i,
            { { u"channel"_s, u"/meta/subscribe"_s }, { u"clientId"_s, clientId },
                { u"subscription"_s, u"/faults"_s } });
        return clientId;
    }

    RawHttpClient::Reply bayeux(int i, const QJsonObject &message)
    {
        return call(m_nodePorts[i], "POST", "/cometd/cometd", json(message).prepend('[').append(']'),
            { "Content-Type: application/json" });
    }

    // The data of the messages the session's next /meta/connect brings.
    QStringList received(int i, const QString &clientId)
    {
        QStringList out;
        const QJsonObject connect { { u"channel"_s, u"/meta/connect"_s }, { u"clientId"_s, clientId },
            { u"connectionType"_s, u"long-polling"_s } };
        for (const QJsonValue &m : bayeux(i, connect).jsonArray()) {
            if (m.toObject().value(u"channel"_s) == u"/faults"_s) out.append(m.toObject().value(u"data"_s).toString());
        }
        return out;
    }

    RawHttpClient::Reply sendPrivate(quint16 port, const QString &user, const QString &text)
    {
        const QJsonObject body { { u"channel"_s, u"/faults"_s }, { u"exoId"_s, user }, { u"message"_s, text } };
        return call(port, "POST", "/rest/sendprivatemessage/", json(body), { "Content-Type: application/json" });
    }

    int delivered(const RawHttpClient::Reply &r) { return r.jsonObject().value(u"delivered"_s).toInt(-1); }

    int redisCli(const QStringList &args)
    {
        QProcess cli;
        cli.start(u"redis-cli"_s, QStringList { u"-p"_s, QString::number(m_redis->port()) } + args);
        if (!cli.waitForFinished(kWaitMs)) return -1;
        return cli.exitCode();
    }

    bool startCluster()
    {
        m_redisConfig = { { u"url"_s, m_redis->url() }, { u"prefix"_s, kPrefix } };
        for (int b = 0; b < 2; ++b) {
            if (!startBalancer(b)) return false;
        }
        for (int n = 0; n < 3; ++n) {
            if (!startNode(n)) return false;
        }
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        COMETD_REQUIRE_REDIS_SERVER();
        QVERIFY(m_dir.isValid());
    }

    void init()
    {
        m_redis = std::make_unique<RedisServer>();
        QVERIFY2(m_redis->start(), m_redis->output().constData());
        QVERIFY(startCluster());
        QTRY_COMPARE_WITH_TIMEOUT(upNodes(0), 3, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(upNodes(1), 3, kWaitMs);
    }

    void cleanup()
    {
        for (auto &p : m_nodes)
            p.reset();
        for (auto &p : m_balancers)
            p.reset();
        m_redis.reset();
    }

    // One capacity for the whole cluster, whichever balancer is asked; a user is sticky through both.
    void placementSharedByTheBalancers()
    {
        QHash<QString, QString> placed;
        for (int i = 0; i < 3 * kCapacity; ++i) {
            const QString user = u"u%1"_s.arg(i);
            const QString url = cometdUrl(i % 2, user);
            QVERIFY2(url.startsWith(u"http://"_s), qPrintable(url));
            placed.insert(user, url);
        }
        for (const QString &url : placed)
            QCOMPARE(placed.keys(url).size(), kCapacity); // least loaded: every node filled evenly
        const auto full = get(balancer(1), "/rest/cometdurl/one-too-many/");
        QCOMPARE(full.status, 503);
        QCOMPARE(full.header("Retry-After"), QByteArray("1"));
        for (int i = 0; i < 3 * kCapacity; ++i) {
            const QString user = u"u%1"_s.arg(i);
            QCOMPARE(cometdUrl((i + 1) % 2, user), placed.value(user)); // the other balancer agrees
        }
        QCOMPARE(get(balancer(0), "/rest/releasecometd/u0/").status, 200);
        QCOMPARE(cometdUrl(1, u"one-too-many"_s), placed.value(u"u0"_s));
    }

    // A private message through any node or balancer reaches the node holding the user; no balancer
    // is needed on the way, and an application can publish the same body itself.
    void deliveryThroughRedis()
    {
        const QString alice = session(0, u"alice"_s);
        const QString bob = session(1, u"bob"_s);
        QVERIFY(!alice.isEmpty() && !bob.isEmpty());
        // Her node reports within its 1 s heartbeat; the other balancer sees it at once after.
        QTRY_COMPARE_WITH_TIMEOUT(sessionsOf(1, u"alice"_s), 1, 1500 * timeBoundScale());
        QCOMPARE(delivered(sendPrivate(m_nodePorts[2], u"alice"_s, u"via n3"_s)), 1);
        QCOMPARE(delivered(sendPrivate(balancer(1), u"alice"_s, u"via b2"_s)), 1);
        QCOMPARE(sendPrivate(m_nodePorts[2], u"nobody"_s, u"x"_s).status, 404);
        QCOMPARE(received(0, alice), (QStringList { u"via n3"_s, u"via b2"_s }));

        const QJsonObject everybody { { u"channel"_s, u"/faults"_s }, { u"message"_s, u"all"_s } };
        const auto broadcast = call(
            balancer(0), "POST", "/rest/sendbroadcastmessage/", json(everybody), { "Content-Type: application/json" });
        QCOMPARE(broadcast.status, 200);
        QCOMPARE(received(0, alice), QStringList { u"all"_s });
        QCOMPARE(received(1, bob), QStringList { u"all"_s });

        // redis-cli as the application: a good message arrives, a malformed one is counted and skipped.
        QCOMPARE(redisCli({ u"PUBLISH"_s, QString::fromUtf8(channel("node:n1")),
                     uR"({"channel":"/faults","message":"from redis-cli","exoId":"alice"})"_s }),
            0);
        QCOMPARE(redisCli({ u"PUBLISH"_s, QString::fromUtf8(channel("node:n1")), u"{not json"_s }), 0);
        QCOMPARE(received(0, alice), QStringList { u"from redis-cli"_s });
        QTRY_COMPARE_WITH_TIMEOUT(metric(m_nodePorts[0], "cometd_redis_malformed_total"), 1.0, kWaitMs);
    }

    // Redis dies: placement says 503, every process says redis_up 0, a node still delivers to its
    // own users. Redis comes back empty: within 2 s every node has written its state again.
    void redisKilledThenBackEmpty()
    {
        const QString alice = session(0, u"alice"_s);
        QVERIFY(!alice.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(sessionsOf(0, u"alice"_s), 1, 1500 * timeBoundScale());

        m_redis->kill();
        QTRY_COMPARE_WITH_TIMEOUT(get(balancer(0), "/rest/cometdurl/carol/").status, 503, kWaitMs);
        QCOMPARE(get(balancer(1), "/rest/cometdurl/carol/").header("Retry-After"), QByteArray("1"));
        for (quint16 port : { balancer(0), balancer(1), m_nodePorts[0], m_nodePorts[1], m_nodePorts[2] })
            QTRY_COMPARE_WITH_TIMEOUT(metric(port, "redis_up"), 0.0, kWaitMs);
        QCOMPARE(delivered(sendPrivate(m_nodePorts[0], u"alice"_s, u"local"_s)), 1);
        QCOMPARE(received(0, alice), QStringList { u"local"_s });

        QElapsedTimer back;
        back.start();
        QVERIFY(m_redis->restart());
        // Whole again means Redis has it all back, which the balancers' views cannot show at first: until
        // a view has read the emptied Redis it still holds what it had before the kill, which looks
        // whole. So: every process reconnected, and a private message through node 3 finds alice in
        // Redis, which only node 1 writing its state again can do. SPEC §6 asks for 2 s.
        for (quint16 port : { balancer(0), balancer(1), m_nodePorts[0], m_nodePorts[1], m_nodePorts[2] })
            QTRY_COMPARE_WITH_TIMEOUT(metric(port, "redis_up"), 1.0, 2000 * timeBoundScale());
        int reached = -1; // sent again only until it is delivered once
        QTRY_COMPARE_WITH_TIMEOUT(
            reached == 1 ? reached : (reached = delivered(sendPrivate(m_nodePorts[2], u"alice"_s, u"after"_s))), 1,
            2000 * timeBoundScale());
        qInfo("the cluster was whole again %lld ms after Redis restarted empty", back.elapsed());
        QCOMPARE(received(0, alice), QStringList { u"after"_s });
        // The views follow within their 250 ms poll.
        QTRY_VERIFY_WITH_TIMEOUT(upNodes(1) == 3 && sessionsOf(1, u"alice"_s) == 1, 1000 * timeBoundScale());
        QVERIFY(cometdUrl(0, u"carol"_s).startsWith(u"http://"_s));
    }

    // A balancer SIGKILLed: the other answers for everybody, nothing lost.
    void balancerKilled()
    {
        QHash<QString, QString> placed;
        for (int i = 0; i < 6; ++i)
            placed.insert(u"k%1"_s.arg(i), cometdUrl(0, u"k%1"_s.arg(i)));
        m_balancers[0]->kill();
        for (auto it = placed.cbegin(); it != placed.cend(); ++it)
            QCOMPARE(cometdUrl(1, it.key()), it.value());
        QCOMPARE(get(balancer(1), "/admin/api/users").jsonObject().value(u"total"_s).toInt(), 6);
    }

    // A node SIGKILLed: down on both balancers within the node timeout, its users go elsewhere.
    void nodeKilled()
    {
        const QString dave = session(2, u"dave"_s);
        QVERIFY(!dave.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(cometdUrl(0, u"dave"_s), ClusterTest::baseUrl(m_nodePorts[2]), kWaitMs);
        QElapsedTimer since;
        since.start();
        m_nodes[2]->kill();
        // Silent 3 s after its last report (≤ 1 s before the kill), seen by a 250 ms expiry and poll.
        QTRY_VERIFY_WITH_TIMEOUT(
            stateOf(0, u"n3"_s) == u"down"_s && stateOf(1, u"n3"_s) == u"down"_s, 4500 * timeBoundScale());
        qInfo("node down on both balancers %lld ms after SIGKILL", since.elapsed());
        const QString moved = cometdUrl(1, u"dave"_s);
        QVERIFY2(moved != ClusterTest::baseUrl(m_nodePorts[2]) && moved.startsWith(u"http://"_s), qPrintable(moved));
        QCOMPARE(sendPrivate(balancer(0), u"dave"_s, u"x"_s).status, 404);
    }

    // Keys of the wrong type and records that are not JSON: logged, repaired or skipped.
    void garbageInRedis()
    {
        QCOMPARE(redisCli({ u"SET"_s, QString::fromUtf8(channel("resv")), u"garbage"_s }), 0);
        QCOMPARE(redisCli({ u"HSET"_s, QString::fromUtf8(channel("nodes")), u"bad"_s, u"[[["_s }), 0);
        QCOMPARE(redisCli({ u"HSET"_s, QString::fromUtf8(channel("users")), u"erin"_s, u"{nope"_s }), 0);
        QVERIFY(cometdUrl(0, u"erin"_s).startsWith(u"http://"_s));
        QVERIFY(cometdUrl(1, u"frank"_s).startsWith(u"http://"_s));
        QTRY_VERIFY_WITH_TIMEOUT(knowsUser(1, u"erin"_s) && knowsUser(0, u"frank"_s), kWaitMs);
        QCOMPARE(upNodes(0), 3);
        for (auto &p : m_nodes)
            QCOMPARE(p->process.state(), QProcess::Running);
    }

    // Redis absent when the processes start: 503 until it comes, then the cluster forms.
    void redisAbsentAtStart()
    {
        cleanup();
        m_redis = std::make_unique<RedisServer>();
        QVERIFY(m_redis->start());
        m_redis->kill(); // its port is known and free
        QVERIFY(startCluster());
        QCOMPARE(get(balancer(0), "/rest/cometdurl/early/").status, 503);
        QCOMPARE(metric(m_nodePorts[0], "redis_up"), 0.0);
        QVERIFY(m_redis->restart());
        // Each balancer finds Redis on its own reconnect schedule: both must come.
        QTRY_COMPARE_WITH_TIMEOUT(upNodes(0), 3, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(upNodes(1), 3, kWaitMs);
        for (int b : { 0, 1 }) {
            const QString url = cometdUrl(b, u"early%1"_s.arg(b));
            QVERIFY2(url.startsWith(u"http://"_s), qPrintable(url));
        }
    }

    // Sentinel: the master SIGKILLed, a replica promoted, the cluster back within 10 s.
    void sentinelFailover()
    {
        cleanup();
        SentinelGroup group;
        QVERIFY2(group.start(), qPrintable(group.error()));
        m_redis = std::make_unique<RedisServer>(); // only for redis-cli's port in other tests: unused here
        QJsonArray sentinels;
        for (const QString &endpoint : group.endpoints())
            sentinels.append(endpoint);
        m_redisConfig = { { u"url"_s, u"redis://127.0.0.1:1"_s }, { u"prefix"_s, kPrefix },
            { u"sentinels"_s, sentinels }, { u"master"_s, QString::fromUtf8(group.masterName()) } };
        for (int b = 0; b < 2; ++b)
            QVERIFY(startBalancer(b));
        for (int n = 0; n < 3; ++n)
            QVERIFY(startNode(n));
        QTRY_COMPARE_WITH_TIMEOUT(upNodes(0), 3, kWaitMs);
        const QString gina = session(0, u"gina"_s);
        QVERIFY(!gina.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(delivered(sendPrivate(m_nodePorts[1], u"gina"_s, u"before"_s)), 1, kWaitMs);

        QElapsedTimer since;
        since.start();
        group.killMaster();
        QTRY_VERIFY_WITH_TIMEOUT(upNodes(1) == 3 && delivered(sendPrivate(m_nodePorts[1], u"gina"_s, u"after"_s)) == 1
                && cometdUrl(0, u"henry"_s).startsWith(u"http://"_s),
            10000 * timeBoundScale());
        qInfo("the cluster worked again %lld ms after the master was killed", since.elapsed());
        const QStringList got = received(0, gina);
        QVERIFY(got.contains(u"before"_s));
        QVERIFY(got.contains(u"after"_s));
        cleanup();
    }
};

QTEST_GUILESS_MAIN(tst_RedisFaults)
#include "tst_redisfaults.moc"
