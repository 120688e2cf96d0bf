// cometd-stress end to end: the real executable against a node it starts itself (the seed's test),
// against a cluster of real processes that loses a node mid-run (with and without --failover), and
// with a bad file.
//
// "Mid-run" is deterministic: when stderr is not a terminal cometd-stress prints one line per phase,
// and the node is killed as soon as "cometd-stress: sending" appears, while repeat x sleep-sending
// keeps the sending phase going for several more seconds.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include "redisserver.h"

using namespace Qt::StringLiterals;

namespace {

const QString StressBinary = QStringLiteral(COMETD_STRESS_BINARY);
const QString NodeBinary = QStringLiteral(COMETD_NODE_BINARY);
const QString SeedFile = QStringLiteral(COMETD_STRESS_SEED);
const QString Secret = u"stress-test-secret"_s;
const QByteArray AdminToken = QByteArrayLiteral("stress-test-admin");
constexpr int StartMs = 15000;
constexpr int RunMs = 150000;

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

QString localUrl(quint16 port)
{
    return u"http://127.0.0.1:%1"_s.arg(port);
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

QByteArray readSeed()
{
    QFile file(SeedFile);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A cometd-node process that has printed its "listening on" line.
struct NodeProcess
{
    QProcess process;
    quint16 port = 0;

    bool start(const QStringList &arguments)
    {
        process.setProcessChannelMode(QProcess::SeparateChannels);
        process.start(NodeBinary, arguments);
        if (!process.waitForStarted(StartMs)) return false;
        QByteArray out;
        const bool printed = QTest::qWaitFor(
            [&] {
                out += process.readAllStandardOutput();
                return out.contains('\n') || process.state() == QProcess::NotRunning;
            },
            StartMs);
        const auto match
            = QRegularExpression(u"^listening on http://127\\.0\\.0\\.1:(\\d+)"_s).match(QString::fromUtf8(out));
        port = match.hasMatch() ? quint16(match.captured(1).toUInt()) : 0;
        return printed && port != 0;
    }
    void kill()
    {
        if (process.state() == QProcess::NotRunning) return;
        process.kill(); // SIGKILL: the node says goodbye to nobody
        process.waitForFinished(StartMs);
    }
    ~NodeProcess() { kill(); }
};

// What one run of cometd-stress printed.
struct StressResult
{
    int exitCode = -1;
    bool finished = false;
    QByteArray out;
    QByteArray err;
    QJsonObject json; // the last stdout line, parsed, with --json
};

} // namespace

class tst_Stress : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<NodeProcess> m_balancer;
    std::unique_ptr<NodeProcess> m_nodes[3];
    // On the Redis engine: the Redis, and a second balancer beside m_balancer.
    std::unique_ptr<RedisServer> m_redis;
    std::unique_ptr<NodeProcess> m_otherBalancer;

    // The redis object of every process's config, when the cluster runs on Redis.
    QJsonObject withEngine(QJsonObject config) const
    {
        if (m_redis) {
            config.insert(u"redis"_s, QJsonObject { { u"url"_s, m_redis->url() }, { u"prefix"_s, u"stress"_s } });
            config.remove(u"balancerUrl"_s);
        }
        return config;
    }

    QString writeXml(const QString &name, const QByteArray &xml)
    {
        const QString path = m_dir.filePath(name);
        return writeFile(path, xml) ? path : QString();
    }

    // Runs cometd-stress to its end; `onSending` runs once the tool reports its sending phase.
    StressResult runStress(const QStringList &arguments, const std::function<void()> &onSending = {},
        const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
    {
        StressResult result;
        QProcess stress;
        stress.setProcessEnvironment(environment);
        stress.setProcessChannelMode(QProcess::SeparateChannels);
        QSignalSpy finished(&stress, &QProcess::finished);
        bool sendingSeen = false;
        connect(&stress, &QProcess::readyReadStandardError, this, [&] {
            result.err += stress.readAllStandardError();
            if (!sendingSeen && result.err.contains("cometd-stress: sending\n")) {
                sendingSeen = true;
                if (onSending) onSending();
            }
        });
        connect(
            &stress, &QProcess::readyReadStandardOutput, this, [&] { result.out += stress.readAllStandardOutput(); });
        stress.start(StressBinary, arguments);
        if (!stress.waitForStarted(StartMs)) return result;
        if (!finished.wait(RunMs)) {
            stress.kill();
            stress.waitForFinished(StartMs);
            return result;
        }
        result.out += stress.readAllStandardOutput();
        result.err += stress.readAllStandardError();
        result.finished = stress.exitStatus() == QProcess::NormalExit;
        result.exitCode = stress.exitCode();
        const QList<QByteArray> lines = result.out.trimmed().split('\n');
        result.json = QJsonDocument::fromJson(lines.last()).object();
        return result;
    }

    QNetworkReply *get(QNetworkAccessManager &network, const QString &url, const QByteArray &token = {})
    {
        QNetworkRequest request { QUrl(url) };
        if (!token.isEmpty()) request.setRawHeader("Authorization", "Bearer " + token);
        return network.get(request);
    }

    // The balancer's view: how many nodes are up.
    int nodesUp()
    {
        QNetworkAccessManager network;
        std::unique_ptr<QNetworkReply> reply(
            get(network, localUrl(m_balancer->port) + u"/admin/api/cluster"_s, AdminToken));
        QSignalSpy done(reply.get(), &QNetworkReply::finished);
        if (!done.wait(StartMs)) return -1;
        int up = 0;
        const QJsonArray nodes = QJsonDocument::fromJson(reply->readAll()).object().value(u"nodes"_s).toArray();
        for (const auto &node : nodes)
            up += node.toObject().value(u"state"_s).toString() == u"up"_s ? 1 : 0;
        return up;
    }

    int httpStatus(const QString &url)
    {
        QNetworkAccessManager network;
        std::unique_ptr<QNetworkReply> reply(get(network, url));
        QSignalSpy done(reply.get(), &QNetworkReply::finished);
        if (!done.wait(StartMs)) return -1;
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

    bool startNode(int index, int maxConnection = 100)
    {
        for (int attempt = 0; attempt < 5; ++attempt) {
            const quint16 port = freePort();
            const QString id = QString::number(index + 1);
            const QJsonObject config { { u"role"_s, u"node"_s }, { u"nodeId"_s, id },
                { u"listen"_s, u"127.0.0.1:%1"_s.arg(port) }, { u"secret"_s, Secret },
                { u"balancerUrl"_s, localUrl(m_balancer->port) },
                { u"nodes"_s,
                    QJsonArray { QJsonObject {
                        { u"id"_s, id }, { u"url"_s, localUrl(port) }, { u"maxConnection"_s, maxConnection } } } } };
            const QString file = m_dir.filePath(u"node%1.json"_s.arg(id));
            if (!writeFile(file, QJsonDocument(withEngine(config)).toJson())) return false;
            m_nodes[index] = std::make_unique<NodeProcess>();
            if (m_nodes[index]->start({ u"--config"_s, file })) return true;
            m_nodes[index].reset(); // lost the race for the port; try another
        }
        return false;
    }

    std::unique_ptr<NodeProcess> startBalancer()
    {
        const QString file = m_dir.filePath(u"balancer.json"_s);
        const QJsonObject config { { u"role"_s, u"balancer"_s }, { u"listen"_s, u"127.0.0.1:0"_s },
            { u"secret"_s, Secret }, { u"adminToken"_s, QString::fromUtf8(AdminToken) } };
        if (!writeFile(file, QJsonDocument(withEngine(config)).toJson())) return {};
        auto balancer = std::make_unique<NodeProcess>();
        if (!balancer->start({ u"--config"_s, file })) return {};
        return balancer;
    }

    // A balancer and `nodes` nodes; every node up in the balancer's eyes. On Redis (after m_redis is
    // set), a second balancer too.
    void startCluster(int nodes = 2, int maxConnection = 100)
    {
        m_balancer = startBalancer();
        QVERIFY(m_balancer);
        if (m_redis) {
            m_otherBalancer = startBalancer();
            QVERIFY(m_otherBalancer);
        }
        for (int i = 0; i < nodes; ++i)
            QVERIFY(startNode(i, maxConnection));
        QTRY_COMPARE_WITH_TIMEOUT(nodesUp(), nodes, StartMs);
    }

    // 8 clients, both nodes used; sending lasts ~6 s (15 repeats x 2 messages x 200 ms).
    QByteArray clusterXml() const
    {
        return u"<configuration clients=\"8\" repeat=\"15\" sleep-connection=\"0\" sleep-sending=\"200\">\n"
               "  <container containerStart=\"false\" port=\"%1\" home=\"\"/>\n"
               "  <messages><message broadcast=\"false\" id=\"p\">private text</message>\n"
               "            <message broadcast=\"true\" id=\"b\">broadcast text</message></messages>\n"
               "  <cometd-url>%2/cometd/cometd</cometd-url>\n"
               "  <base-url>%2/rest/</base-url>\n"
               "  <channels><channel>/eXo/stress/one</channel><channel>/eXo/stress/two</channel></channels>\n"
               "</configuration>\n"_s.arg(m_balancer->port)
                   .arg(localUrl(m_balancer->port))
                   .toUtf8();
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void cleanup()
    {
        for (auto &node : m_nodes)
            node.reset();
        m_balancer.reset();
        m_otherBalancer.reset();
        m_redis.reset();
    }

    // The seed's file as is, but with containerStart on a free port and short pauses.
    void seedWithItsOwnNode_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addRow("long-polling") << u"long-polling"_s;
        QTest::addRow("websocket") << u"websocket"_s;
    }

    void seedWithItsOwnNode()
    {
        QFETCH(QString, transport);
        QByteArray xml = readSeed();
        QVERIFY(!xml.isEmpty());
        const quint16 port = freePort();
        QVERIFY(port != 0);
        const QByteArray container = R"(containerStart="false" port="8080")";
        QVERIFY(xml.contains(container));
        xml.replace(container, QByteArray("containerStart=\"true\" port=\"" + QByteArray::number(port) + '"'));
        xml.replace(R"(sleep-connection="500")", R"(sleep-connection="50")");
        xml.replace(R"(sleep-sending="200")", R"(sleep-sending="50")");
        const QString file = writeXml(u"seed.xml"_s, xml);

        const StressResult result
            = runStress({ u"--config"_s, file, u"--json"_s, u"--timeout"_s, u"20"_s, u"--transport"_s, transport });
        QVERIFY2(result.finished, result.err.constData());
        QVERIFY2(result.exitCode == 0, QByteArray(result.out + result.err).constData());
        const QJsonObject &json = result.json;
        QCOMPARE(json.value(u"passed"_s).toBool(), true);
        QCOMPARE(json.value(u"transport"_s).toString(), transport);
        QCOMPARE(json.value(u"clients"_s).toInt(), 12);
        QCOMPARE(json.value(u"clientsConnected"_s).toInt(), 12);
        QCOMPARE(json.value(u"expected"_s).toInt(), 24); // "hello" to each of 12, "hello!!!" to all 12
        QCOMPARE(json.value(u"delivered"_s).toInt(), 24);
        QCOMPARE(json.value(u"totalReceived"_s).toInt(), 24);
        QCOMPARE(json.value(u"lost"_s).toInt(), 0);
        QCOMPARE(json.value(u"duplicated"_s).toInt(), 0);
        QCOMPARE(json.value(u"wrong"_s).toInt(), 0);
        QCOMPARE(json.value(u"sendErrors"_s).toInt(), 0);
        QCOMPARE(json.value(u"sendRequests"_s).toInt(), 13); // 12 private + 1 broadcast
        const QJsonObject latency = json.value(u"latencyMs"_s).toObject();
        QVERIFY(latency.value(u"min"_s).toDouble() >= 0);
        QVERIFY(latency.value(u"p50"_s).toDouble() <= latency.value(u"p99"_s).toDouble());
        QVERIFY(latency.value(u"p99"_s).toDouble() <= latency.value(u"max"_s).toDouble());
        QVERIFY(json.value(u"cpuSeconds"_s).toDouble() > 0);
        QVERIFY(json.value(u"cpuMicrosPerDelivery"_s).toDouble() > 0);
        // The phases split the run's CPU: connecting (12 clients) and delivering are each measured.
        QVERIFY(json.value(u"connectCpuSeconds"_s).toDouble() > 0);
        QVERIFY(json.value(u"deliveryCpuSeconds"_s).toDouble() > 0);
        QVERIFY(json.value(u"connectCpuSeconds"_s).toDouble() + json.value(u"deliveryCpuSeconds"_s).toDouble()
            <= json.value(u"cpuSeconds"_s).toDouble());
        QCOMPARE(json.value(u"deliveryReceived"_s).toInt(), 24);
        // The node it started is gone again: its port is free.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, port));
    }

    void textReportKeepsTheOriginalLines()
    {
        QByteArray xml = readSeed();
        xml.replace(R"(containerStart="false" port="8080")", R"(containerStart="true" port="0")");
        xml.replace(R"(clients="12")", R"(clients="3")");
        xml.replace(R"(sleep-connection="500")", R"(sleep-connection="0")");
        xml.replace(R"(sleep-sending="200")", R"(sleep-sending="0")");
        const StressResult result = runStress({ u"--config"_s, writeXml(u"text.xml"_s, xml), u"--timeout"_s, u"20"_s });
        QVERIFY2(result.exitCode == 0, QByteArray(result.out + result.err).constData());
        const QString text = QString::fromUtf8(result.out);
        QVERIFY2(text.contains(u"clients connected: 3 of 3"_s), qPrintable(text));
        QVERIFY(text.contains(u"total received: 6"_s));
        QVERIFY(text.contains(
            u"messages expected: 6, delivered: 6, lost: 0, unsent: 0, duplicated: 0, wrong: 0, foreign: 0"_s));
        QVERIFY(text.contains(u"latency ms: min "_s));
        QVERIFY(text.contains(u"result: PASS"_s));
        // Not a terminal: no progress bar, only the phase lines.
        QVERIFY(!result.err.contains('\r'));
        QVERIFY2(result.err.contains("cometd-stress: sending\n"), result.err.constData());
    }

    // The started node requires the API key for sends and tokens; COMETD_API_KEY provides it.
    void apiKeyFromTheEnvironment()
    {
        const QString home = m_dir.filePath(u"home.json"_s);
        QVERIFY(writeFile(home, R"({"apiKey": "stress-key", "tokenIssue": "apiKey"})"));
        QByteArray xml = readSeed();
        xml.replace(R"(containerStart="false" port="8080" home="")",
            QByteArray("containerStart=\"true\" port=\"0\" home=\"" + home.toUtf8() + '"'));
        xml.replace(R"(clients="12")", R"(clients="2")");
        xml.replace(R"(sleep-connection="500")", R"(sleep-connection="0")");
        xml.replace(R"(sleep-sending="200")", R"(sleep-sending="0")");
        const QStringList arguments { u"--config"_s, writeXml(u"home.xml"_s, xml), u"--json"_s, u"--timeout"_s,
            u"20"_s };

        QProcessEnvironment withKey = QProcessEnvironment::systemEnvironment();
        withKey.insert(u"COMETD_API_KEY"_s, u"stress-key"_s);
        const StressResult good = runStress(arguments, {}, withKey);
        QVERIFY2(good.exitCode == 0, QByteArray(good.out + good.err).constData());
        QCOMPARE(good.json.value(u"delivered"_s).toInt(), 4);

        QProcessEnvironment withoutKey = QProcessEnvironment::systemEnvironment();
        withoutKey.remove(u"COMETD_API_KEY"_s);
        const StressResult refused = runStress(arguments, {}, withoutKey);
        QCOMPARE(refused.exitCode, 1);
        QCOMPARE(refused.json.value(u"clientsConnected"_s).toInt(), 0);
        // Nothing is sent privately to clients that never connected; the broadcast is tried, refused.
        QCOMPARE(refused.json.value(u"sendErrors"_s).toInt(), 1);
        QCOMPARE(refused.json.value(u"unsent"_s).toInt(), 4);
        QCOMPARE(refused.json.value(u"lost"_s).toInt(), 0);
        const QJsonObject why = refused.json.value(u"connectFailures"_s).toArray().first().toObject();
        QCOMPARE(
            why.value(u"reason"_s).toString(), u"the node refused them a token (401: missing or wrong credentials)"_s);
        QCOMPARE(why.value(u"count"_s).toInt(), 2);
    }

    void nodeKilledMidRunLosesMessages()
    {
        startCluster();
        if (QTest::currentTestFailed()) return;
        const StressResult result = runStress(
            { u"--config"_s, writeXml(u"cluster.xml"_s, clusterXml()), u"--json"_s, u"--timeout"_s, u"8"_s },
            [this] { m_nodes[1]->kill(); });
        QVERIFY2(result.finished, result.err.constData());
        QVERIFY2(result.exitCode == 1, QByteArray(result.out + result.err).constData());
        const QJsonObject &json = result.json;
        QCOMPARE(json.value(u"passed"_s).toBool(), false);
        QCOMPARE(json.value(u"clientsConnected"_s).toInt(), 8);
        QCOMPARE(json.value(u"expected"_s).toInt(), 15 * 8 * 2 + 15 * 8);
        // Accepted then lost with the node, or refused once it was gone: both counted, apart.
        QVERIFY2(json.value(u"lost"_s).toInt() + json.value(u"unsent"_s).toInt() > 0, result.out.constData());
        QVERIFY(json.value(u"delivered"_s).toInt() > 0); // the clients of the surviving node got theirs
        QVERIFY(json.value(u"sendErrors"_s).toInt() > 0);
        QCOMPARE(json.value(u"delivered"_s).toInt() + json.value(u"lost"_s).toInt() + json.value(u"unsent"_s).toInt(),
            json.value(u"expected"_s).toInt());
    }

    // A cluster with room for 6 of the run's 8 users: the 2 others are named with the balancer's
    // reason, not waited for, and what they would have received is unsent, not lost.
    void fullClusterSaysWhy()
    {
        startCluster(2, 3);
        if (QTest::currentTestFailed()) return;
        const int timeoutSeconds = 60;
        const StressResult result = runStress({ u"--config"_s, writeXml(u"full.xml"_s, clusterXml()), u"--json"_s,
            u"--timeout"_s, QString::number(timeoutSeconds) });
        QVERIFY2(result.finished, result.err.constData());
        QCOMPARE(result.exitCode, 1);
        const QJsonObject &json = result.json;
        QCOMPARE(json.value(u"clientsConnected"_s).toInt(), 6);
        const QJsonArray why = json.value(u"connectFailures"_s).toArray();
        QCOMPARE(why.size(), 1);
        QCOMPARE(why.at(0).toObject().value(u"reason"_s).toString(), u"the balancer has no room for them (503)"_s);
        QCOMPARE(why.at(0).toObject().value(u"count"_s).toInt(), 2);
        // Per client: 15 repeats x (2 channels x private + 1 broadcast) = 45 deliveries.
        QVERIFY2(json.value(u"unsent"_s).toInt() == 2 * 45,
            QJsonDocument(json.value(u"unsentReasons"_s).toArray()).toJson().constData());
        QCOMPARE(json.value(u"unsentReasons"_s).toArray().at(0).toObject().value(u"reason"_s).toString(),
            u"its client did not connect"_s);
        QCOMPARE(json.value(u"lost"_s).toInt(), 0);
        QCOMPARE(json.value(u"delivered"_s).toInt(), 6 * 45);
        // Not waited for: the run is over long before its connect timeout would have passed.
        QVERIFY2(json.value(u"durationSeconds"_s).toDouble() < timeoutSeconds / 2.0, result.out.constData());
    }

    // Another publisher on the run's channel: its messages are named as foreign and do not fail the
    // run, unless --strict.
    void foreignMessagesAreNamed_data()
    {
        QTest::addColumn<bool>("strict");
        QTest::addRow("default") << false;
        QTest::addRow("strict") << true;
    }

    void foreignMessagesAreNamed()
    {
        QFETCH(bool, strict);
        startCluster();
        if (QTest::currentTestFailed()) return;
        QNetworkAccessManager network;
        std::unique_ptr<QNetworkReply> foreignSend;
        QStringList arguments { u"--config"_s, writeXml(u"foreign.xml"_s, clusterXml()), u"--json"_s, u"--timeout"_s,
            u"30"_s, u"--user-prefix"_s, u"stress-"_s };
        if (strict) arguments << u"--strict"_s;
        const StressResult result = runStress(arguments, [&] {
            QNetworkRequest request(QUrl(localUrl(m_balancer->port) + u"/rest/sendbroadcastmessage/"_s));
            request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
            foreignSend.reset(network.post(
                request, R"({"channel": "/eXo/stress/one", "message": "not from the run", "id": "someone-else-1"})"));
        });
        QVERIFY2(result.finished, result.err.constData());
        const QJsonObject &json = result.json;
        QCOMPARE(json.value(u"foreign"_s).toInt(), 8);
        QCOMPARE(json.value(u"wrong"_s).toInt(), 0);
        QCOMPARE(json.value(u"delivered"_s).toInt(), json.value(u"expected"_s).toInt());
        const QJsonObject named = json.value(u"anomalies"_s).toArray().first().toObject();
        QCOMPARE(named.value(u"kind"_s).toString(), u"foreign"_s);
        QVERIFY2(named.value(u"client"_s).toString().startsWith(u"stress-"_s),
            qPrintable(named.value(u"client"_s).toString()));
        QCOMPARE(named.value(u"channel"_s).toString(), u"/eXo/stress/one"_s);
        QCOMPARE(named.value(u"id"_s).toString(), u"someone-else-1"_s);
        QCOMPARE(named.value(u"came"_s).toString(), u"\"not from the run\""_s);
        QCOMPARE(json.value(u"passed"_s).toBool(), !strict);
        QCOMPARE(result.exitCode, strict ? 1 : 0);
    }

    void nodeKilledMidRunWithFailover()
    {
        startCluster();
        if (QTest::currentTestFailed()) return;
        const StressResult result = runStress({ u"--config"_s, writeXml(u"failover.xml"_s, clusterXml()), u"--json"_s,
                                                  u"--timeout"_s, u"40"_s, u"--failover"_s },
            [this] { m_nodes[1]->kill(); });
        QVERIFY2(result.finished, result.err.constData());
        QVERIFY2(result.exitCode == 0, QByteArray(result.out + result.err).constData());
        const QJsonObject &json = result.json;
        QCOMPARE(json.value(u"passed"_s).toBool(), true);
        QCOMPARE(json.value(u"failover"_s).toBool(), true);
        QCOMPARE(json.value(u"lost"_s).toInt(), 0);
        QCOMPARE(json.value(u"wrong"_s).toInt(), 0);
        QCOMPARE(json.value(u"delivered"_s).toInt(), json.value(u"expected"_s).toInt());
        // Every slot was released at the end: the balancer knows none of the users any more.
        for (int client = 0; client < 8; ++client)
            QCOMPARE(httpStatus(localUrl(m_balancer->port) + u"/rest/releasecometd/exo%1/"_s.arg(client)), 404);
    }

    // SPEC §6: two balancers and three nodes on Redis. The clients place themselves through the first
    // balancer, the messages go through the second (then the first, when the second does not
    // answer); mid-run a node and the second balancer are SIGKILLed. With failover nothing is lost.
    void nodeAndBalancerKilledOnRedis()
    {
        COMETD_REQUIRE_REDIS_SERVER();
        m_redis = std::make_unique<RedisServer>();
        QVERIFY2(m_redis->start(), m_redis->output().constData());
        startCluster(3);
        if (QTest::currentTestFailed()) return;
        const QString other = localUrl(m_otherBalancer->port) + u"/rest/"_s;
        const QString first = localUrl(m_balancer->port) + u"/rest/"_s;
        const StressResult result
            = runStress({ u"--config"_s, writeXml(u"redis.xml"_s, clusterXml()), u"--json"_s, u"--timeout"_s, u"40"_s,
                            u"--failover"_s, u"--send-url"_s, other, u"--send-url"_s, first },
                [this] {
                    m_nodes[1]->kill();
                    m_otherBalancer->kill();
                });
        QVERIFY2(result.finished, result.err.constData());
        QVERIFY2(result.exitCode == 0, QByteArray(result.out + result.err).constData());
        const QJsonObject &json = result.json;
        QCOMPARE(json.value(u"passed"_s).toBool(), true);
        QCOMPARE(json.value(u"clientsConnected"_s).toInt(), 8);
        QCOMPARE(json.value(u"lost"_s).toInt(), 0);
        QCOMPARE(json.value(u"wrong"_s).toInt(), 0);
        QCOMPARE(json.value(u"expected"_s).toInt(), 15 * 8 * 2 + 15 * 8);
        QCOMPARE(json.value(u"delivered"_s).toInt(), json.value(u"expected"_s).toInt());
        // The sends in flight to the killed balancer failed and went again through the other one.
        QVERIFY(json.value(u"sendRetries"_s).toInt() > 0);
        QCOMPARE(nodesUp(), 2); // the survivors, as the first balancer sees them in Redis
        for (int client = 0; client < 8; ++client)
            QCOMPARE(httpStatus(localUrl(m_balancer->port) + u"/rest/releasecometd/exo%1/"_s.arg(client)), 404);
    }

    void badXmlExitsWithOneLine_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QString>("fragment");
        QTest::addRow("not XML") << QByteArray("<configuration clients=\"1\">") << u"not well-formed XML"_s;
        QTest::addRow("bad attribute") << QByteArray("<configuration clients=\"many\"/>") << u"attribute clients"_s;
    }

    void badXmlExitsWithOneLine()
    {
        QFETCH(QByteArray, xml);
        QFETCH(QString, fragment);
        const QString file = writeXml(u"bad.xml"_s, xml);
        const StressResult result = runStress({ u"--config"_s, file });
        QVERIFY(result.finished);
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.out.isEmpty());
        const QString err = QString::fromUtf8(result.err);
        QCOMPARE(err.count(u'\n'), 1);
        QVERIFY2(err.startsWith(u"cometd-stress: "_s + file + u':'), qPrintable(err));
        QVERIFY2(err.contains(fragment), qPrintable(err));
    }

    void badOptionExitsWithOneLine()
    {
        const StressResult result = runStress({ u"--config"_s, SeedFile, u"--transport"_s, u"carrier-pigeon"_s });
        QCOMPARE(result.exitCode, 2);
        QCOMPARE(result.err.count('\n'), 1);
        QVERIFY2(result.err.contains("--transport"), result.err.constData());
        const StressResult missing = runStress({ u"--json"_s });
        QCOMPARE(missing.exitCode, 2);
        QVERIFY2(missing.err.contains("--config FILE is required"), missing.err.constData());
    }
};

QTEST_GUILESS_MAIN(tst_Stress)
#include "tst_stress.moc"
