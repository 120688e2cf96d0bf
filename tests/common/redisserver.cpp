#include "redisserver.h"

#include <QFile>
#include <QHostAddress>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

#include <csignal> // kill(2)

namespace {

const QString ServerBinary = QStringLiteral("redis-server");
constexpr int StartTimeoutMs = 10000;

// A port below Linux's ephemeral range (32768 and up), so that no outgoing connection of the tests
// takes it while a server restarts on it.
quint16 freePort()
{
    for (;;) {
        const auto port = quint16(20000 + QRandomGenerator::global()->bounded(12000));
        QTcpServer probe;
        if (probe.listen(QHostAddress::LocalHost, port)) return port;
    }
}

// One command through redis-cli (raw output: one value a line); empty when it failed.
QByteArrayList cli(quint16 port, const QStringList &args)
{
    QProcess process;
    process.start(QStringLiteral("redis-cli"),
        QStringList { QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(port) }
            + args);
    if (!QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, 5000)) {
        process.kill();
        process.waitForFinished(1000);
    }
    return process.readAllStandardOutput().trimmed().split('\n');
}

// The value after `key` in a flat key/value listing (SENTINEL master).
QByteArray field(const QByteArrayList &lines, const QByteArray &key)
{
    const qsizetype at = lines.indexOf(key);
    return at >= 0 && at + 1 < lines.size() ? lines.at(at + 1).trimmed() : QByteArray();
}

} // namespace

RedisServer::RedisServer(Mode mode)
    : m_mode(mode)
{ }

RedisServer::~RedisServer()
{
    if (isRunning()) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

bool RedisServer::available()
{
    return !QStandardPaths::findExecutable(ServerBinary).isEmpty();
}

bool RedisServer::redisRequired()
{
    const QByteArray value = qgetenv("COMETD_REQUIRE_REDIS");
    return !value.isEmpty() && value != "0";
}

bool RedisServer::start(const QStringList &extra)
{
    m_extra = extra;
    for (int attempt = 0; attempt < 5; ++attempt) {
        m_port = freePort();
        if (launch()) return true; // else most likely the port was taken in between
    }
    return false;
}

bool RedisServer::restart()
{
    kill(SIGKILL);
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (launch()) return true;
    }
    return false;
}

bool RedisServer::launch()
{
    QStringList args;
    if (m_mode == Mode::Sentinel) {
        QFile config(m_dir.filePath(QStringLiteral("sentinel.conf")));
        if (!config.open(QIODevice::WriteOnly | QIODevice::Truncate) || config.write(m_config) != m_config.size()) {
            m_output += "cannot write " + config.fileName().toUtf8() + '\n';
            return false;
        }
        args << config.fileName() << QStringLiteral("--sentinel");
    }
    args << QStringLiteral("--port") << QString::number(m_port) << QStringLiteral("--bind")
         << QStringLiteral("127.0.0.1") << QStringLiteral("--protected-mode") << QStringLiteral("no")
         << QStringLiteral("--daemonize") << QStringLiteral("no") << QStringLiteral("--logfile") << QString()
         << QStringLiteral("--dir") << m_dir.path();
    if (m_mode == Mode::Server) {
        args << QStringLiteral("--save") << QString() << QStringLiteral("--appendonly") << QStringLiteral("no");
    }
    args << m_extra;

    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    const qsizetype from = m_output.size();
    // A sentinel does not say "Ready to accept connections"; it listens before it says this.
    const QByteArray ready = m_mode == Mode::Server ? "Ready to accept connections" : "+monitor master";
    QProcess *process = m_process.get();
    QObject::connect(process, &QProcess::readyRead, process, [this, process] { m_output += process->readAll(); });
    process->start(ServerBinary, args);
    const bool ended = QTest::qWaitFor(
        [&] { return m_output.indexOf(ready, from) >= 0 || process->state() == QProcess::NotRunning; }, StartTimeoutMs);
    if (ended && m_output.indexOf(ready, from) >= 0 && process->state() == QProcess::Running) return true;
    kill(SIGKILL);
    return false;
}

void RedisServer::kill(int signal)
{
    if (!isRunning()) return;
    if (signal != SIGKILL) {
        ::kill(pid_t(m_process->processId()), signal);
        return;
    }
    m_process->kill();
    if (!QTest::qWaitFor([this] { return m_process->state() == QProcess::NotRunning; }, 5000)) {
        qWarning("redis-server on port %d did not end after SIGKILL", int(m_port));
    }
}

bool RedisServer::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

QString RedisServer::endpoint() const
{
    return QStringLiteral("127.0.0.1:%1").arg(m_port);
}

QString RedisServer::url() const
{
    return QStringLiteral("redis://127.0.0.1:%1").arg(m_port);
}

QByteArray RedisServer::output() const
{
    return m_output;
}

SentinelGroup::SentinelGroup() = default;

SentinelGroup::~SentinelGroup()
{
    m_sentinels.clear(); // before the servers, so that they do not start a failover
    m_servers.clear();
}

bool SentinelGroup::start()
{
    for (int i = 0; i < 3; ++i) {
        auto server = std::make_unique<RedisServer>();
        const QStringList extra = i == 0
            ? QStringList()
            : QStringList { QStringLiteral("--replicaof"), QStringLiteral("127.0.0.1"), QString::number(masterPort()) };
        if (!server->start(extra)) {
            m_error
                = QStringLiteral("redis-server %1 did not start: %2").arg(i).arg(QString::fromUtf8(server->output()));
            return false;
        }
        m_servers.push_back(std::move(server));
    }
    const bool synced = QTest::qWaitFor(
        [this] {
            const QByteArrayList info = cli(masterPort(), { QStringLiteral("INFO"), QStringLiteral("replication") });
            return info.join('\n').count("state=online") == 2;
        },
        30000);
    if (!synced) {
        m_error = QStringLiteral("the replicas did not get in sync with the master");
        return false;
    }

    const QByteArray config = "sentinel monitor m 127.0.0.1 " + QByteArray::number(masterPort())
        + " 2\n"
          "sentinel down-after-milliseconds m 1000\n"
          "sentinel failover-timeout m 3000\n";
    for (int i = 0; i < 3; ++i) {
        auto sentinel = std::make_unique<RedisServer>(RedisServer::Mode::Sentinel);
        sentinel->setConfig(config);
        if (!sentinel->start()) {
            m_error = QStringLiteral("sentinel %1 did not start: %2").arg(i).arg(QString::fromUtf8(sentinel->output()));
            return false;
        }
        m_sentinels.push_back(std::move(sentinel));
    }
    // A sentinel learns the replicas from the master's INFO, and the other sentinels from their
    // hello messages every 2 s: a failover needs both.
    const bool known = QTest::qWaitFor(
        [this] {
            for (const auto &sentinel : m_sentinels) {
                const QByteArrayList master = cli(
                    sentinel->port(), { QStringLiteral("SENTINEL"), QStringLiteral("master"), QStringLiteral("m") });
                if (field(master, "num-slaves") != "2" || field(master, "num-other-sentinels") != "2") return false;
            }
            return true;
        },
        30000);
    if (!known) m_error = QStringLiteral("the sentinels did not learn the replicas and each other in 30 s");
    return known;
}

QStringList SentinelGroup::endpoints() const
{
    QStringList endpoints;
    for (const auto &sentinel : m_sentinels)
        endpoints.append(sentinel->endpoint());
    return endpoints;
}

quint16 SentinelGroup::masterPort() const
{
    return m_servers.empty() ? 0 : m_servers.front()->port();
}

QList<quint16> SentinelGroup::replicaPorts() const
{
    QList<quint16> ports;
    for (std::size_t i = 1; i < m_servers.size(); ++i)
        ports.append(m_servers.at(i)->port());
    return ports;
}

void SentinelGroup::killMaster()
{
    if (!m_servers.empty()) m_servers.front()->kill(SIGKILL);
}
