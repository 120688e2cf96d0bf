// 20,000 WebSocket sessions on a balancer and two nodes, all real processes: the nodes' reports stay
// within the balancer's limits (bounded pages), so both nodes stay up through two full-list periods
// and the balancer counts every user; private messages through the balancer reach their users.
// Prints each process's RSS and CPU time per 1,000 users (figures for the README).
//
// The sessions come from several cometd-scale-driver processes: one process may hold at most
// RLIMIT_NOFILE descriptors (20,000 here), each session one.
#include "clusterprocess.h"
#include "processstats.h"
#include "redisserver.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <memory>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace ClusterTest;

namespace {

const QString kNode = QStringLiteral(COMETD_NODE_BINARY);
const QString kDriver = QStringLiteral(COMETD_SCALE_DRIVER_BINARY);
const QString kSecret = u"scale-test-secret"_s;
constexpr int Users = 20000;
constexpr int Drivers = 4;
constexpr int MaxConnectionPerNode = 15000;
// Two full-list periods of the nodes' reporters (30 s each) and some.
constexpr qint64 HoldMs = 65000;
constexpr int Messages = 100;

// CPU time (user + system) and resident memory of a process, from /proc.
struct Usage
{
    double cpuSeconds = 0;
    qint64 rssKiB = 0;
};

Usage usageOf(qint64 pid)
{
    Usage usage;
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (stat.open(QIODevice::ReadOnly)) {
        const QByteArray line = stat.readAll();
        // Fields after the command name, which is in parentheses and may hold spaces.
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after the name.
        if (fields.size() > 12)
            usage.cpuSeconds
                = double(fields.at(11).toLongLong() + fields.at(12).toLongLong()) / double(sysconf(_SC_CLK_TCK));
    }
    usage.rssKiB = residentKiB(pid);
    return usage;
}

} // namespace

class tst_Scale : public QObject
{
    Q_OBJECT

private:
    LocalCluster m_cluster { kNode, kSecret, { MaxConnectionPerNode, MaxConnectionPerNode } };
    // COMETD_SCALE_ENGINE=redis: the same run on the Redis engine (SPEC §6), Redis measured too.
    std::unique_ptr<RedisServer> m_redis;
    std::unique_ptr<QProcess> m_drivers[Drivers];
    int m_ready = 0;
    QSet<QByteArray> m_received; // "user id"

    void startDriver(int index)
    {
        auto &driver = m_drivers[index];
        driver = std::make_unique<QProcess>();
        driver->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        connect(driver.get(), &QProcess::readyReadStandardOutput, this, [this, d = driver.get()] {
            while (d->canReadLine()) {
                const QByteArray line = d->readLine().trimmed();
                if (line.startsWith("ready "))
                    m_ready += line.mid(6).toInt();
                else if (line.startsWith("message "))
                    m_received.insert(line.mid(8));
            }
        });
        const int perDriver = Users / Drivers;
        driver->start(kDriver,
            { u"--base"_s, baseUrl(m_cluster.balancer.port) + u"/rest/"_s, u"--from"_s,
                QString::number(index * perDriver), u"--count"_s, QString::number(perDriver), u"--concurrency"_s,
                u"50"_s });
    }

    QJsonObject cluster()
    {
        const auto reply = get(m_cluster.balancer.port, "/admin/api/cluster");
        return reply.status == 200 ? reply.jsonObject() : QJsonObject();
    }

    void printUsage(const char *phase, qint64 users, const Usage &before, const Usage &now, const QString &who)
    {
        const double perThousand = users > 0 ? 1000.0 / double(users) : 0;
        qInfo().noquote() << u"%1 %2: %3 users, RSS %4 MiB (+%5 KiB per 1,000 users), CPU %6 s (%7 s per 1,000 users)"_s
                                 .arg(QString::fromLatin1(phase), who)
                                 .arg(users)
                                 .arg(double(now.rssKiB) / 1024.0, 0, 'f', 1)
                                 .arg(double(now.rssKiB - before.rssKiB) * perThousand, 0, 'f', 0)
                                 .arg(now.cpuSeconds - before.cpuSeconds, 0, 'f', 2)
                                 .arg((now.cpuSeconds - before.cpuSeconds) * perThousand, 0, 'f', 3);
    }

private slots:
    void initTestCase()
    {
        if (qgetenv("COMETD_SCALE_ENGINE") == "redis") {
            COMETD_REQUIRE_REDIS_SERVER();
            m_redis = std::make_unique<RedisServer>();
            QVERIFY2(m_redis->start(), m_redis->output().constData());
            m_cluster.useRedis(m_redis->url());
        }
        QVERIFY(m_cluster.startBalancer());
        QVERIFY(m_cluster.startNode(0));
        QVERIFY(m_cluster.startNode(1));
        QTRY_COMPARE_WITH_TIMEOUT(cluster().value(u"totals"_s).toObject().value(u"nodes"_s).toInt(), 2, WaitMs);
    }

    void cleanupTestCase()
    {
        for (auto &driver : m_drivers) {
            if (driver && driver->state() != QProcess::NotRunning) {
                driver->kill();
                driver->waitForFinished(WaitMs);
            }
        }
        m_cluster.killAll();
    }

    void twentyThousandSessions()
    {
        QList<qint64> pids { m_cluster.balancer.process.processId(), m_cluster.nodes[0]->process.processId(),
            m_cluster.nodes[1]->process.processId() };
        QStringList names { u"balancer"_s, u"node 1"_s, u"node 2"_s };
        if (m_redis) {
            pids.append(m_redis->processId());
            names.append(u"redis-server"_s);
        }
        const qsizetype processes = pids.size();
        QList<Usage> idle(processes);
        for (qsizetype i = 0; i < processes; ++i)
            idle[i] = usageOf(pids[i]);

        QElapsedTimer ramp;
        ramp.start();
        for (int i = 0; i < Drivers; ++i)
            startDriver(i);
        const auto driversRunning = [&] {
            return std::all_of(std::begin(m_drivers), std::end(m_drivers),
                [](const auto &d) { return d->state() != QProcess::NotRunning; });
        };
        QTRY_VERIFY_WITH_TIMEOUT(m_ready == Users || !driversRunning(), 400000);
        QVERIFY(driversRunning());
        QCOMPARE(m_ready, Users);
        qInfo() << Users << "sessions ready in" << ramp.elapsed() << "ms";
        // The balancer hears of the last sessions in the nodes' next reports.
        QTRY_COMPARE_WITH_TIMEOUT(cluster().value(u"totals"_s).toObject().value(u"users"_s).toInt(), Users, WaitMs);
        // On Redis the users come by events and the nodes' counters by a short poll: both, then.
        QTRY_COMPARE_WITH_TIMEOUT(cluster().value(u"totals"_s).toObject().value(u"sessions"_s).toInt(), Users, WaitMs);

        QList<Usage> ready(processes);
        for (qsizetype i = 0; i < processes; ++i)
            ready[i] = usageOf(pids[i]);

        // Hold: both nodes up and every user counted, on every look.
        QElapsedTimer hold;
        hold.start();
        int looks = 0;
        qint64 usersOn[2] = { 0, 0 };
        while (hold.elapsed() < HoldMs) {
            const QJsonObject now = cluster();
            const QJsonArray nodes = now.value(u"nodes"_s).toArray();
            QCOMPARE(nodes.size(), 2);
            for (const QJsonValue &node : nodes) {
                const QJsonObject n = node.toObject();
                QVERIFY2(n.value(u"state"_s).toString() == u"up"_s, qPrintable(n.value(u"id"_s).toString()));
                usersOn[n.value(u"id"_s).toString().toInt() - 1] = n.value(u"users"_s).toInteger();
            }
            QCOMPARE(now.value(u"totals"_s).toObject().value(u"users"_s).toInt(), Users);
            QCOMPARE(now.value(u"totals"_s).toObject().value(u"sessions"_s).toInt(), Users);
            ++looks;
            QTest::qWait(500); // the next look, not a synchronisation
        }
        qInfo() << looks << "looks over" << hold.elapsed() << "ms: both nodes up, users" << usersOn[0] << "+"
                << usersOn[1];

        // Private messages to users picked at random, through the balancer.
        QSet<QByteArray> expected;
        QSet<QByteArray> picked;
        QRandomGenerator random { quint32(QDateTime::currentMSecsSinceEpoch()) };
        for (int k = 0; expected.size() < Messages; ++k) {
            const QByteArray user = "u" + QByteArray::number(random.bounded(Users));
            const QByteArray id = "scale-" + QByteArray::number(k);
            if (picked.contains(user)) continue;
            picked.insert(user);
            const QJsonObject body { { u"channel"_s, u"/eXo/cometd/test"_s }, { u"exoId"_s, QString::fromUtf8(user) },
                { u"message"_s, u"hello"_s }, { u"id"_s, QString::fromUtf8(id) } };
            const auto reply = call(m_cluster.balancer.port, "POST", "/rest/sendprivatemessage/", json(body),
                { "Content-Type: application/json" });
            QCOMPARE(reply.status, 200);
            QCOMPARE(reply.jsonObject().value(u"delivered"_s).toInt(), 1);
            expected.insert(user + ' ' + id);
        }
        QTRY_VERIFY_WITH_TIMEOUT(m_received.contains(expected), WaitMs);
        QCOMPARE(m_received.size(), Messages);

        QList<Usage> held(processes);
        for (qsizetype i = 0; i < processes; ++i)
            held[i] = usageOf(pids[i]);
        const qint64 users[4] = { Users, usersOn[0], usersOn[1], Users };
        for (qsizetype i = 0; i < processes; ++i) {
            printUsage("ramp", users[i], idle[i], ready[i], names[i]);
            printUsage("hold", users[i], ready[i], held[i], names[i]);
        }
    }
};

QTEST_GUILESS_MAIN(tst_Scale)
#include "tst_scale.moc"
