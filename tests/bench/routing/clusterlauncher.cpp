#include "clusterlauncher.h"

#include "routinglogging.h"
#include "wire.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpServer>

#include <set>

using namespace Qt::StringLiterals;

namespace RoutingBench {

namespace {

constexpr QByteArrayView Secret { "routing-bench-secret" };
constexpr int MaxStartAttempts = 5; // a node's port picked in advance may be taken meanwhile
constexpr std::chrono::milliseconds ProbeInterval { 100 };
constexpr std::chrono::milliseconds ProbeTimeout { 5000 };
constexpr std::chrono::milliseconds StopGrace { 10000 };

QString localUrl(quint16 port)
{
    return u"http://127.0.0.1:%1"_s.arg(port);
}

// A port free right now. The node's own config must name its URL (for its maxConnection), so the
// port is chosen before it starts; a lost race is retried on another one.
quint16 freePort()
{
    QTcpServer server;
    return server.listen(QHostAddress::LocalHost, 0) ? server.serverPort() : 0;
}

} // namespace

NodeProcess::NodeProcess(QString name, QString binary, QString logFile, QObject *parent)
    : QObject(parent)
    , m_name(std::move(name))
    , m_binary(std::move(binary))
    , m_logFile(std::move(logFile))
{
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.setStandardErrorFile(m_logFile);
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &NodeProcess::onOutput);
    connect(&m_process, &QProcess::finished, this, &NodeProcess::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) Q_EMIT failed(m_name + u": cannot start "_s + m_binary);
    });
}

NodeProcess::~NodeProcess()
{
    m_process.disconnect(this);
    if (!isRunning()) return;
    m_process.kill();
    m_process.waitForFinished(1000); // reaps it; only reached when a stop went wrong
}

void NodeProcess::start(const QStringList &arguments)
{
    qCDebug(lcRouting) << m_name << "starting:" << m_binary << arguments;
    m_process.start(m_binary, arguments);
}

void NodeProcess::terminate()
{
    m_stopping = true;
    if (isRunning()) m_process.terminate();
}

void NodeProcess::kill()
{
    m_stopping = true;
    if (isRunning()) m_process.kill();
}

void NodeProcess::onOutput()
{
    // Only the first line matters; keep reading the rest so that the pipe never fills.
    const QByteArray chunk = m_process.readAllStandardOutput();
    if (m_port != 0) return;
    m_output += chunk;
    const qsizetype end = m_output.indexOf('\n');
    if (end < 0) return;
    static const QRegularExpression line(u"^listening on http://127\\.0\\.0\\.1:(\\d+)"_s);
    const auto match = line.match(QString::fromUtf8(m_output.left(end)));
    const quint16 port = match.hasMatch() ? quint16(match.captured(1).toUInt()) : 0;
    if (port == 0) {
        Q_EMIT failed(m_name + u": unexpected first line: "_s + QString::fromUtf8(m_output.left(end)));
        return;
    }
    m_port = port;
    m_output.clear();
    Q_EMIT listening(port);
}

void NodeProcess::onFinished(int exitCode, QProcess::ExitStatus status)
{
    if (!m_stopping) {
        Q_EMIT failed(m_name + (status == QProcess::CrashExit ? u" crashed"_s : u" exited with code %1"_s.arg(exitCode))
            + u" (log: "_s + m_logFile + u')');
    }
    Q_EMIT finished();
}

ClusterLauncher::ClusterLauncher(Settings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this,
        [this] { fail(u"the cluster was not up within %1 s"_s.arg(m_settings.timeout.count() / 1000.0)); });
    m_grace.setSingleShot(true);
    connect(&m_grace, &QTimer::timeout, this, [this] {
        qCWarning(lcRouting) << "SIGTERM did not stop every process within" << StopGrace.count() << "ms: SIGKILL";
        if (m_balancer) m_balancer->kill();
        for (const auto &node : m_nodes) {
            if (node) node->kill();
        }
        checkStopped();
    });
}

ClusterLauncher::~ClusterLauncher() = default;

QJsonObject ClusterLauncher::withEngine(QJsonObject config) const
{
    if (!m_settings.redisUrl.isEmpty()) {
        config.insert(Wire::Config::Redis,
            QJsonObject { { Wire::Config::RedisUrl, m_settings.redisUrl }, { Wire::Config::RedisPrefix, u"bench"_s } });
    }
    return config;
}

bool ClusterLauncher::writeConfig(const QString &file, const QJsonObject &config)
{
    QFile out(file);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
    return out.write(QJsonDocument(config).toJson()) > 0;
}

void ClusterLauncher::start()
{
    if (!m_dir.isValid()) {
        fail(u"cannot create a temporary directory"_s);
        return;
    }
    m_deadline.start(m_settings.timeout);
    const QString file = m_dir.filePath(u"balancer.json"_s);
    const QJsonObject config = withEngine({ { Wire::Config::Role, Wire::Config::RoleBalancer },
        { Wire::Config::Listen, u"127.0.0.1:0"_s }, { Wire::Config::Secret, QString::fromLatin1(Secret) } });
    if (!writeConfig(file, config)) {
        fail(u"cannot write "_s + file);
        return;
    }
    m_balancer = std::make_unique<NodeProcess>(u"balancer"_s, m_settings.binary, m_dir.filePath(u"balancer.log"_s));
    connect(m_balancer.get(), &NodeProcess::failed, this, &ClusterLauncher::fail);
    connect(m_balancer.get(), &NodeProcess::finished, this, &ClusterLauncher::checkStopped);
    connect(m_balancer.get(), &NodeProcess::listening, this, [this] {
        for (int i = 0; i < NodeCount; ++i)
            startNode(i);
    });
    m_balancer->start({ u"--config"_s, file });
}

void ClusterLauncher::startNode(int index)
{
    if (m_failed || m_stopping) return;
    if (++m_attempts[index] > MaxStartAttempts) {
        fail(u"node%1 did not start in %2 attempts"_s.arg(index + 1).arg(MaxStartAttempts));
        return;
    }
    m_nodePorts[index] = freePort();
    const QString id = QString::number(index + 1);
    const QJsonObject entry { { Wire::Config::NodeIdField, id },
        { Wire::Config::NodeUrl, localUrl(m_nodePorts[index]) },
        { Wire::Config::MaxConnection, m_settings.maxConnection } };
    QJsonObject config { { Wire::Config::Role, Wire::Config::RoleNode }, { Wire::Config::NodeId, id },
        { Wire::Config::Listen, u"127.0.0.1:%1"_s.arg(m_nodePorts[index]) },
        { Wire::Config::Secret, QString::fromLatin1(Secret) }, { Wire::Config::Nodes, QJsonArray { entry } } };
    if (m_settings.redisUrl.isEmpty())
        config.insert(Wire::Config::BalancerUrl, localUrl(m_balancer->port()));
    config = withEngine(config);
    const QString file = m_dir.filePath(u"node%1.json"_s.arg(id));
    if (!writeConfig(file, config)) {
        fail(u"cannot write "_s + file);
        return;
    }

    auto node = std::make_unique<NodeProcess>(
        u"node"_s + id, m_settings.binary, m_dir.filePath(u"node%1.%2.log"_s.arg(id).arg(m_attempts[index])));
    NodeProcess *process = node.get();
    connect(process, &NodeProcess::failed, this, [this, index, process](const QString &why) {
        if (process->port() != 0 || m_up) {
            fail(why);
            return;
        }
        qCInfo(lcRouting) << why << "- trying another port";
        // Replaced from a signal of the old one: let the event loop delete it.
        m_nodes[index].release()->deleteLater();
        startNode(index);
    });
    connect(process, &NodeProcess::finished, this, &ClusterLauncher::checkStopped);
    connect(process, &NodeProcess::listening, this, [this] {
        for (const auto &other : m_nodes) {
            if (!other || other->port() == 0) return;
        }
        probe();
    });
    m_nodes[index] = std::move(node);
    process->start({ u"--config"_s, file });
}

// Two probe users: once the balancer knows both nodes, the second goes to the other node (the
// emptier one); then both slots are released again.
void ClusterLauncher::probe()
{
    if (m_failed || m_stopping || m_up) return;
    auto answers = std::make_shared<std::array<QByteArray, 2>>();
    const QStringList users { u"routing-probe-a"_s, u"routing-probe-b"_s };
    for (int i = 0; i < 2; ++i) {
        Cometd::HttpRequest request;
        request.url = QUrl(
            localUrl(m_balancer->port()) + Wire::Path::RestPrefix + Wire::Path::CometdUrl + u'/' + users.at(i) + u'/');
        m_probe.request(std::move(request), ProbeTimeout, [answers, i](const Cometd::HttpResponse &response) {
            (*answers)[i] = response.ok() && response.status == 200 ? response.body : QByteArray();
        });
    }
    for (int i = 0; i < 2; ++i) {
        Cometd::HttpRequest request;
        request.url = QUrl(localUrl(m_balancer->port()) + Wire::Path::RestPrefix + Wire::Path::ReleaseCometd + u'/'
            + users.at(i) + u'/');
        const bool last = i == 1;
        m_probe.request(std::move(request), ProbeTimeout, [this, answers, last](const Cometd::HttpResponse &) {
            if (last) onProbed(answers->at(0), answers->at(1));
        });
    }
}

void ClusterLauncher::onProbed(const QByteArray &first, const QByteArray &second)
{
    if (m_failed || m_stopping || m_up) return;
    const std::set<QString> placed { QString::fromUtf8(first), QString::fromUtf8(second) };
    std::set<QString> expected;
    for (const QUrl &url : nodeUrls())
        expected.insert(url.toString());
    if (placed != expected) {
        QTimer::singleShot(ProbeInterval, this, &ClusterLauncher::probe);
        return;
    }
    m_up = true;
    m_deadline.stop();
    m_probe.closeIfIdle();
    qCInfo(lcRouting) << "cluster up: balancer" << balancerUrl().toString() << "nodes" << first << second;
    Q_EMIT up();
}

void ClusterLauncher::fail(const QString &why)
{
    if (m_failed || m_stopping) return;
    m_failed = true;
    m_deadline.stop();
    Q_EMIT failed(why);
}

void ClusterLauncher::stop()
{
    m_stopping = true;
    m_deadline.stop();
    m_probe.abort();
    if (m_balancer) m_balancer->terminate();
    for (const auto &node : m_nodes) {
        if (node) node->terminate();
    }
    m_grace.start(StopGrace);
    checkStopped();
}

void ClusterLauncher::checkStopped()
{
    if (!m_stopping) return;
    if (m_balancer && m_balancer->isRunning()) return;
    for (const auto &node : m_nodes) {
        if (node && node->isRunning()) return;
    }
    if (m_stopped) return;
    m_stopped = true;
    m_grace.stop();
    Q_EMIT stopped();
}

QUrl ClusterLauncher::balancerUrl() const
{
    return m_balancer ? QUrl(localUrl(m_balancer->port())) : QUrl();
}

QList<QUrl> ClusterLauncher::nodeUrls() const
{
    QList<QUrl> urls;
    for (const quint16 port : m_nodePorts)
        urls.append(QUrl(localUrl(port)));
    return urls;
}

QStringList ClusterLauncher::logSummary() const
{
    QList<const NodeProcess *> all { m_balancer.get() };
    for (const auto &node : m_nodes)
        all.append(node.get());
    QStringList out;
    for (const NodeProcess *process : all) {
        if (!process) continue;
        QFile file(process->logFile());
        if (!file.open(QIODevice::ReadOnly)) continue;
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        if (lines.constFirst().isEmpty()) continue;
        // A short log whole (start-up lines and the odd warning), a long one by its first and last lines.
        QStringList shown;
        for (qsizetype i = 0; i < lines.size(); ++i) {
            if (lines.size() <= 6 || i < 3 || i >= lines.size() - 3)
                shown.append(QString::fromUtf8(lines.at(i).left(300)));
            else if (i == 3)
                shown.append(u"..."_s);
        }
        out.append(u"%1 log (%2 lines): %3"_s.arg(process->name()).arg(lines.size()).arg(shown.join(u" | "_s)));
    }
    return out;
}

QList<WatchedProcess> ClusterLauncher::processes() const
{
    QList<WatchedProcess> out;
    if (m_balancer) out.append({ m_balancer->name(), m_balancer->pid() });
    for (const auto &node : m_nodes) {
        if (node) out.append({ node->name(), node->pid() });
    }
    if (m_settings.redisPid > 0) out.append({ u"redis-server"_s, m_settings.redisPid });
    return out;
}

} // namespace RoutingBench
