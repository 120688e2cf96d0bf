#include "benchrun.h"

#include "benchreport.h"
#include "routinglogging.h"
#include "wire.h"

#include <QJsonDocument>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace RoutingBench {

namespace {

const QString Channel = u"/bench/route"_s;

QUrl sendUrl(const QUrl &base)
{
    return QUrl(base.toString() + Wire::Path::RestPrefix + Wire::Path::SendPrivate + u'/');
}

} // namespace

BenchRun::BenchRun(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    // ABBA: every other repetition reverses the order, so that a drift of the machine's load over
    // time does not always favour the same mode.
    for (int rep = 0; rep < m_options.reps; ++rep) {
        QList<Mode> order = m_options.modes;
        if (rep % 2) std::reverse(order.begin(), order.end());
        for (const Mode mode : order)
            m_plan.append({ mode, rep });
    }
}

BenchRun::~BenchRun() = default;

void BenchRun::start()
{
    ClusterLauncher::Settings settings;
    settings.binary = m_options.nodeBinary;
    settings.maxConnection = m_options.maxConnection;
    settings.timeout = m_options.setupTimeout;
    settings.redisUrl = m_options.redisUrl;
    settings.redisPid = m_options.redisPid;
    m_cluster = std::make_unique<ClusterLauncher>(settings);
    connect(m_cluster.get(), &ClusterLauncher::up, this, &BenchRun::onClusterUp);
    connect(m_cluster.get(), &ClusterLauncher::failed, this, &BenchRun::fail);
    connect(m_cluster.get(), &ClusterLauncher::stopped, this, [this] { Q_EMIT finished(m_exitCode); });
    m_cluster->start();
}

void BenchRun::onClusterUp()
{
    UserPool::Settings settings;
    settings.baseUrl = QUrl(m_cluster->balancerUrl().toString() + Wire::Path::RestPrefix);
    settings.users = m_options.users;
    settings.transport = m_options.transport;
    settings.channel = Channel;
    settings.timeout = m_options.setupTimeout;
    m_users = std::make_unique<UserPool>(settings);
    connect(m_users.get(), &UserPool::allReady, this, &BenchRun::onUsersReady);
    connect(m_users.get(), &UserPool::setupFailed, this, &BenchRun::fail);
    qCInfo(lcRouting) << "connecting" << m_options.users << "users over" << transportName(m_options.transport);
    m_users->start();
}

void BenchRun::onUsersReady()
{
    m_readyUsers = m_users->readyUsers();
    qCInfo(lcRouting) << m_readyUsers.size() << "users ready";
    startNextPhase();
}

void BenchRun::startNextPhase()
{
    if (m_shuttingDown) return;
    if (m_nextPhase == m_plan.size()) {
        report();
        shutDown(0);
        return;
    }
    const auto [mode, rep] = m_plan.at(m_nextPhase++);
    LoadPhase::Settings settings;
    settings.mode = mode;
    settings.rep = rep;
    settings.connections = m_options.connections;
    settings.rate = m_options.rate;
    settings.channel = Channel;
    settings.warmup = m_options.warmup;
    settings.measure = m_options.measure;
    settings.drain = m_options.drain;
    settings.firstSeq = m_nextSeq;
    settings.processes = m_cluster->processes();
    settings.processes.append({ DriverName, qint64(getpid()) });
    // Each node's API gets either the users it holds or (on Redis, where no balancer is on the path)
    // the users of the other nodes; the connections are shared out among the nodes.
    const auto toNodes = [&](bool ownUsers) {
        for (const QUrl &node : m_cluster->nodeUrls()) {
            LoadPhase::Target target { sendUrl(node), {} };
            for (const UserPool::User &user : std::as_const(m_readyUsers)) {
                if ((user.node == node) == ownUsers) target.users.append(user.exoId);
            }
            if (!target.users.isEmpty()) settings.targets.append(target);
        }
    };
    if (mode == Mode::Direct) {
        toNodes(true);
    } else if (!m_options.redisUrl.isEmpty()) {
        toNodes(false);
    } else {
        LoadPhase::Target target { sendUrl(m_cluster->balancerUrl()), {} };
        for (const UserPool::User &user : std::as_const(m_readyUsers))
            target.users.append(user.exoId);
        settings.targets.append(target);
    }
    qCInfo(lcRouting) << "run" << m_nextPhase << "of" << m_plan.size() << ":" << modeName(mode) << "repetition"
                      << rep + 1;
    m_phase.reset(new LoadPhase(settings));
    connect(m_users.get(), &UserPool::delivered, m_phase.get(), &LoadPhase::onDelivered);
    connect(m_phase.get(), &LoadPhase::finished, this, &BenchRun::onPhaseFinished);
    m_phase->start();
}

void BenchRun::onPhaseFinished(const PhaseResult &result)
{
    m_nextSeq = m_phase->nextSeq();
    m_results.append(result);
    qCInfo(lcRouting).noquote() << modeName(result.mode) << QString::number(result.routedPerSecond(), 'f', 0)
                                << "msg/s, p99" << QString::number(result.latency.p99, 'f', 2) << "ms, lost"
                                << result.lost << (result.drained ? "" : "(drain timed out)");
    m_phase.reset();
    // Out of the delivery or answer that ended the run before anything is started or stopped.
    QTimer::singleShot(0, this, &BenchRun::startNextPhase);
}

void BenchRun::report()
{
    RunContext context;
    context.balancer = m_cluster->balancerUrl();
    for (const QUrl &node : m_cluster->nodeUrls()) {
        const auto users = std::count_if(m_readyUsers.cbegin(), m_readyUsers.cend(),
            [&node](const UserPool::User &user) { return user.node == node; });
        context.nodes.append({ node, int(users) });
    }
    context.usersReady = int(m_readyUsers.size());
    context.clientExtraReadies = m_users->extraReadies();
    context.clientErrors = m_users->errors();
    context.clientMalformed = m_users->malformedMessages();
    const BenchReport report(m_options, context, m_results);
    const QByteArray text
        = m_options.json ? QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact) : report.toText().toUtf8();
    std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
    if (m_options.json) std::fputc('\n', stdout);
    std::fflush(stdout);
    for (const QString &line : m_cluster->logSummary())
        qCInfo(lcRouting).noquote() << line;
}

void BenchRun::fail(const QString &why)
{
    qCCritical(lcRouting).noquote() << "bench-routing:" << why;
    if (!m_results.isEmpty() && !m_shuttingDown) report(); // what was measured before it went wrong
    if (m_cluster) {
        m_cluster->keepWorkDir();
        qCCritical(lcRouting).noquote() << "configs and logs kept in" << m_cluster->workDir();
    }
    shutDown(1);
}

void BenchRun::shutDown(int exitCode)
{
    if (m_shuttingDown) return;
    m_shuttingDown = true;
    m_exitCode = exitCode;
    m_phase.reset();
    if (!m_cluster) {
        Q_EMIT finished(exitCode);
        return;
    }
    if (!m_users) {
        m_cluster->stop();
        return;
    }
    // Users first, so that they leave rather than fail over while their nodes go down.
    connect(m_users.get(), &UserPool::stopped, this, [this] { m_cluster->stop(); });
    m_users->stop();
}

} // namespace RoutingBench
