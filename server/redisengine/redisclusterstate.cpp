#include "redisclusterstate.h"

#include "logthrottle.h"
#include "redisconnection.h"
#include "redisscripts.h"
#include "redissubscriber.h"
#include "reportcodec.h"
#include "tokensigner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>

Q_LOGGING_CATEGORY(lcRedisState, "cometd.redis.state", QtInfoMsg)

using namespace Qt::StringLiterals;

namespace RedisEngine {

namespace {

constexpr int ScanCount = 500;

// One line per failing script now and then: with Redis down every call fails the same way.
void logFailure(const char *what, const Redis::Reply &reply)
{
    // "DOWN ...": no connection; the connection itself says so once, not every call.
    if (reply.text.startsWith("DOWN")) return;
    static LogThrottle throttle;
    if (const LogThrottle::Admission admitted = throttle.admit()) {
        if (admitted.suppressed)
            qCWarning(lcRedisState).noquote() << admitted.suppressed << "failed Redis calls not logged";
        qCWarning(lcRedisState).noquote() << what << "failed:" << reply.text;
    }
}

void logGarbage(const char *what)
{
    static LogThrottle throttle;
    if (const LogThrottle::Admission admitted = throttle.admit()) {
        if (admitted.suppressed)
            qCWarning(lcRedisState).noquote() << admitted.suppressed << "malformed records not logged";
        qCWarning(lcRedisState).noquote() << "skipped a malformed" << what << "read from Redis";
    }
}

std::optional<QString> reportProblem(const Balancer::NodeReport &report)
{
    if (!isValidNodeId(report.nodeId)) return u"invalid node id"_s;
    if (!parseBaseUrl(report.url)) return u"invalid node url"_s;
    if (report.maxConnection <= 0) return u"maxConnection must be positive"_s;
    if (report.sessions < 0 || report.messagesIn < 0 || report.messagesOut < 0) return u"negative counter"_s;
    return std::nullopt;
}

} // namespace

void sendReport(Redis::Connection *redis, const QByteArray &prefix, qint64 nodeTimeoutMs,
    const Balancer::NodeReport &report, Balancer::ClusterState::ReportDone done)
{
    using Status = Balancer::ReportResult::Status;
    if (const auto problem = reportProblem(report)) {
        done({ Status::Rejected, false, *problem });
        return;
    }
    Balancer::NodeReport normalised = report;
    normalised.url = parseBaseUrl(report.url)->toString();
    Scripts::instance().report.run(*redis, {},
        { prefix, QByteArray::number(nodeTimeoutMs), Cluster::encodeReport(normalised) },
        [done = std::move(done)](const Redis::Reply &reply) {
            const QList<Redis::Reply> &fields = reply.elements;
            if (reply.isError() || fields.size() != 2) {
                logFailure("a node report", reply);
                done({ Status::Unavailable, false, QString::fromUtf8(reply.text) });
                return;
            }
            done({ fields.at(0).integer ? Status::Joined : Status::Accepted, fields.at(1).integer != 0, {} });
        });
}

RedisClusterState::RedisClusterState(
    Redis::Connection *redis, Redis::Subscriber *events, StateOptions options, QObject *parent)
    : ClusterState(parent)
    , m_redis(redis)
    , m_events(events)
    , m_options(std::move(options))
{
    m_clock.start();
    connect(m_redis, &Redis::Connection::up, this, &RedisClusterState::connected);
    connect(m_events, &Redis::Subscriber::up, this, &RedisClusterState::startScan);
    connect(m_events, &Redis::Subscriber::down, this, [this] { m_inStep = false; });
    connect(m_events, &Redis::Subscriber::message, this,
        [this](const QByteArray &, const QByteArray &payload) { eventArrived(payload); });
    m_nodesTimer.setInterval(m_options.nodesRefreshMs);
    connect(&m_nodesTimer, &QTimer::timeout, this, [this] { refreshNodes(); });
    m_channelsTimer.setInterval(m_options.channelsRefreshMs);
    connect(&m_channelsTimer, &QTimer::timeout, this, &RedisClusterState::refreshChannels);
    m_expiryTimer.setInterval(m_options.expireEveryMs);
    connect(&m_expiryTimer, &QTimer::timeout, this, &RedisClusterState::runExpiry);
    m_nodesTimer.start();
    m_channelsTimer.start();
    m_expiryTimer.start();
    if (m_redis->isUp()) connected();
}

RedisClusterState::~RedisClusterState() = default;

bool RedisClusterState::isAvailable() const
{
    return m_redis->isUp();
}

void RedisClusterState::connected()
{
    configure();
    refreshNodes();
    refreshChannels();
}

void RedisClusterState::configure()
{
    // Again after every reconnection: a Redis restarted empty has forgotten the configured nodes.
    QJsonArray list;
    for (const NodeConfig::NodeEntry &entry : std::as_const(m_options.configured))
        list.append(QJsonArray { entry.id, entry.baseUrl(), entry.maxConnection });
    Scripts::instance().configure.run(
        *m_redis, {}, { prefix(), QJsonDocument(list).toJson(QJsonDocument::Compact) }, [](const Redis::Reply &reply) {
            if (reply.isError()) logFailure("writing the configured nodes", reply);
        });
}

void RedisClusterState::place(const QString &user, qint64, PlaceDone done)
{
    using Status = Balancer::PlaceResult::Status;
    if (!TokenSigner::isValidUser(user)) {
        done({ Status::InvalidUser, {}, {} });
        return;
    }
    if (!m_redis->isUp()) {
        done({ Status::Unavailable, {}, {} });
        return;
    }
    Scripts::instance().place.run(*m_redis, {},
        { prefix(), user.toUtf8(), nodeTimeout(), QByteArray::number(m_options.reservationTimeoutMs) },
        [done = std::move(done)](const Redis::Reply &reply) {
            const QList<Redis::Reply> &fields = reply.elements;
            if (!reply.isError() && fields.size() == 3 && fields.at(0).text == "placed") {
                done({ Status::Placed, QString::fromUtf8(fields.at(1).text), QString::fromUtf8(fields.at(2).text) });
                return;
            }
            if (!reply.isError() && fields.size() == 1 && fields.at(0).text == "full") {
                done({ Status::Full, {}, {} });
                return;
            }
            logFailure("a placement", reply);
            done({ Status::Unavailable, {}, {} });
        });
}

void RedisClusterState::release(const QString &user, ReleaseDone done)
{
    Scripts::instance().release.run(
        *m_redis, {}, { prefix(), user.toUtf8() }, [done = std::move(done)](const Redis::Reply &reply) {
            if (reply.isError()) logFailure("a release", reply);
            done(!reply.isError() && reply.integer == 1);
        });
}

void RedisClusterState::report(const Balancer::NodeReport &report, qint64, ReportDone done)
{
    sendReport(m_redis, prefix(), m_options.nodeTimeoutMs, report, std::move(done));
}

void RedisClusterState::drain(const QString &nodeId, NodeDone done)
{
    setDraining(nodeId, true, std::move(done));
}

void RedisClusterState::undrain(const QString &nodeId, NodeDone done)
{
    setDraining(nodeId, false, std::move(done));
}

void RedisClusterState::setDraining(const QString &nodeId, bool draining, NodeDone done)
{
    Scripts::instance().drain.run(*m_redis, {}, { prefix(), nodeId.toUtf8(), draining ? "1" : "0" },
        [self = QPointer(this), nodeId, done = std::move(done)](const Redis::Reply &reply) {
            if (reply.isError() || reply.integer != 1 || !self) {
                if (reply.isError()) logFailure("draining a node", reply);
                done(std::nullopt);
                return;
            }
            // Answer with the node as the view has it once it has read the change.
            self->refreshNodes([self, nodeId, done] { done(self ? self->node(nodeId) : std::nullopt); });
        });
}

void RedisClusterState::refreshNodes(std::function<void()> then)
{
    if (then) m_nodesWaiters.append(std::move(then));
    if (m_nodesPending) return; // the waiters added now are served by the next read
    m_nodesPending = true;
    QList<std::function<void()>> waiters = std::exchange(m_nodesWaiters, {});
    Scripts::instance().nodes.run(*m_redis, {}, { prefix(), nodeTimeout() },
        [self = QPointer(this), waiters = std::move(waiters)](const Redis::Reply &reply) {
            if (!self) return;
            self->m_nodesPending = false;
            if (reply.isError()) {
                logFailure("reading the nodes", reply);
            } else {
                const qint64 now = self->m_clock.elapsed();
                QList<Balancer::NodeInfo> nodes;
                for (const Redis::Reply &entry : reply.elements) {
                    std::optional<NodeRecord> record = decodeNodeRecord(entry.text);
                    if (!record) {
                        logGarbage("node record");
                        continue;
                    }
                    if (record->ageMs >= 0) record->info.lastReport = now - record->ageMs;
                    nodes.append(std::move(record->info));
                }
                QList<Balancer::NodeInfo> changed;
                for (const Balancer::NodeInfo &node : std::as_const(nodes)) {
                    const auto before = self->node(node.id);
                    if (!before || before->state != node.state || before->url != node.url
                        || before->maxConnection != node.maxConnection || before->draining != node.draining
                        || before->dynamic != node.dynamic)
                        changed.append(node);
                }
                self->m_nodes = std::move(nodes);
                for (const Balancer::NodeInfo &node : std::as_const(changed))
                    Q_EMIT self->nodeChanged(node);
            }
            for (const auto &waiter : waiters)
                waiter();
            if (self && !self->m_nodesWaiters.isEmpty()) self->refreshNodes();
        });
}

void RedisClusterState::refreshChannels()
{
    if (m_channelsPending) return;
    m_channelsPending = true;
    Scripts::instance().channels.run(
        *m_redis, {}, { prefix(), nodeTimeout() }, [self = QPointer(this)](const Redis::Reply &reply) {
            if (!self) return;
            self->m_channelsPending = false;
            if (reply.isError() || reply.elements.size() % 3 != 0) {
                if (reply.isError()) logFailure("reading the channels", reply);
                return;
            }
            QList<Balancer::ChannelPresence> channels;
            channels.reserve(reply.elements.size() / 3);
            for (qsizetype i = 0; i < reply.elements.size(); i += 3) {
                channels.append({ QString::fromUtf8(reply.elements.at(i).text), reply.elements.at(i + 1).integer,
                    reply.elements.at(i + 2).integer });
            }
            self->m_channels = std::move(channels);
        });
}

void RedisClusterState::runExpiry()
{
    if (m_expiryPending || !m_redis->isUp()) return;
    m_expiryPending = true;
    Scripts::instance().expire.run(
        *m_redis, {}, { prefix(), nodeTimeout() }, [self = QPointer(this)](const Redis::Reply &reply) {
            if (!self) return;
            self->m_expiryPending = false;
            if (reply.isError())
                logFailure("the expiry", reply);
            else if (reply.integer > 0)
                self->refreshNodes();
        });
}

void RedisClusterState::eventArrived(const QByteArray &payload)
{
    const std::optional<Event> event = decodeEvent(payload);
    if (!event) {
        logGarbage("event");
        return;
    }
    if (event->node) {
        refreshNodes();
        return;
    }
    applyUser(event->user->user, event->user->record, event->user->revision);
}

void RedisClusterState::startScan()
{
    // The subscription is in place: every change from now on arrives as an event, so a scan from
    // here on, checked against their revisions, leaves the view exact.
    ++m_scanGeneration;
    m_scanning = true;
    m_inStep = false;
    m_seen.clear();
    m_goneAt.clear();
    scanFrom(QByteArrayLiteral("0"), m_scanGeneration);
}

void RedisClusterState::scanFrom(const QByteArray &cursor, quint64 generation)
{
    m_redis->command({ "HSCAN", prefix() + ":users", cursor, "COUNT", QByteArray::number(ScanCount) },
        [self = QPointer(this), generation](const Redis::Reply &reply) {
            if (!self || generation != self->m_scanGeneration) return; // a newer scan took over
            if (reply.isError() || reply.elements.size() != 2) {
                logFailure("reading the users", reply);
                // Try again while the subscription holds; a new subscription starts its own scan.
                QTimer::singleShot(500, self, [self, generation] {
                    if (self && generation == self->m_scanGeneration)
                        self->scanFrom(QByteArrayLiteral("0"), generation);
                });
                return;
            }
            const QList<Redis::Reply> &flat = reply.elements.at(1).elements;
            for (qsizetype i = 0; i + 1 < flat.size(); i += 2) {
                const QString user = QString::fromUtf8(flat.at(i).text);
                std::optional<UserRecord> record = decodeUserRecord(flat.at(i + 1).text);
                if (!record) {
                    logGarbage("user record");
                    continue;
                }
                const quint64 revision = record->revision;
                if (self->m_goneAt.value(user) >= revision && self->m_goneAt.contains(user)) continue;
                self->applyUser(user, std::move(record), revision);
            }
            const QByteArray next = reply.elements.at(0).text;
            if (next != "0") {
                self->scanFrom(next, generation);
                return;
            }
            // Users the view holds that neither the scan nor an event mentioned are gone.
            QStringList gone;
            for (const auto &[user, record] : self->m_users) {
                if (!self->m_seen.contains(user)) gone.append(user);
            }
            for (const QString &user : std::as_const(gone))
                self->applyUser(user, std::nullopt, 0);
            self->m_scanning = false;
            self->m_seen.clear();
            self->m_goneAt.clear();
            self->m_inStep = true;
            qCInfo(lcRedisState).noquote() << "cluster view in step:" << self->m_users.size() << "users";
            Q_EMIT self->inStep();
        });
}

void RedisClusterState::applyUser(const QString &user, std::optional<UserRecord> record, quint64 revision)
{
    const auto it = m_users.find(user);
    if (revision != 0 && it != m_users.end() && it->second.revision > revision) return; // older than the view
    if (m_scanning && revision != 0) {
        m_seen.insert(user, revision);
        if (!record) m_goneAt.insert(user, revision);
    }
    if (!record) {
        if (it == m_users.end()) return;
        const Balancer::UserInfo was = it->second.info(user);
        m_users.erase(it);
        Q_EMIT userLeft(was);
        return;
    }
    if (revision != 0) record->revision = revision;
    if (it == m_users.end()) {
        const auto inserted = m_users.emplace(user, std::move(*record)).first;
        Q_EMIT userJoined(inserted->second.info(user));
        return;
    }
    const Balancer::UserInfo before = it->second.info(user);
    it->second = std::move(*record);
    const Balancer::UserInfo after = it->second.info(user);
    if (after != before) Q_EMIT userChanged(after);
}

std::optional<Balancer::NodeInfo> RedisClusterState::node(const QString &nodeId) const
{
    for (const Balancer::NodeInfo &node : m_nodes) {
        if (node.id == nodeId) return node;
    }
    return std::nullopt;
}

QList<Balancer::NodeInfo> RedisClusterState::nodes() const
{
    return m_nodes;
}

QList<Balancer::NodeInfo> RedisClusterState::liveNodes() const
{
    QList<Balancer::NodeInfo> live;
    for (const Balancer::NodeInfo &node : m_nodes) {
        if (node.state != Balancer::NodeState::Down) live.append(node);
    }
    return live;
}

std::optional<QString> RedisClusterState::nodeOf(const QString &user) const
{
    const auto it = m_users.find(user);
    if (it == m_users.end()) return std::nullopt;
    return it->second.info(user).nodeId;
}

QStringList RedisClusterState::privateTargetsOf(const QString &user) const
{
    const auto it = m_users.find(user);
    return it == m_users.end() ? QStringList() : it->second.privateTargets();
}

std::optional<Balancer::UserInfo> RedisClusterState::user(const QString &user) const
{
    const auto it = m_users.find(user);
    if (it == m_users.end()) return std::nullopt;
    return it->second.info(user);
}

Balancer::UserPage RedisClusterState::users(const QString &filter, qsizetype offset, qsizetype limit) const
{
    Balancer::UserPage page;
    for (const auto &[user, record] : m_users) {
        if (!filter.isEmpty() && !user.contains(filter, Qt::CaseInsensitive)) continue;
        if (page.total >= offset && page.users.size() < limit) page.users.append(record.info(user));
        ++page.total;
    }
    return page;
}

Balancer::ClusterTotals RedisClusterState::totals() const
{
    Balancer::ClusterTotals totals;
    for (const Balancer::NodeInfo &node : m_nodes) {
        ++totals.nodes;
        if (node.state != Balancer::NodeState::Down) ++totals.liveNodes;
        totals.sessions += node.sessions;
        totals.messagesIn += node.messagesIn;
        totals.messagesOut += node.messagesOut;
    }
    totals.users = qsizetype(m_users.size());
    return totals;
}

QList<Balancer::ChannelPresence> RedisClusterState::channels() const
{
    return m_channels;
}

} // namespace RedisEngine
