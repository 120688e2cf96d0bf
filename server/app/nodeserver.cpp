#include "nodeserver.h"

#include "deliveryendpoint.h"

#include "processmetrics.h"
#include "redisclusterstate.h"
#include "redisconnection.h"
#include "redissubscriber.h"
#include "wire.h"

#include "websocket.h"

#include <QJsonArray>

Q_LOGGING_CATEGORY(lcNode, "cometd.node", QtInfoMsg)

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 NodeTimeoutMs = 3000; // SPEC §2: a node silent this long is down

Bayeux::EngineOptions engineOptions(const NodeConfig &config)
{
    Bayeux::EngineOptions o;
    o.timeoutMs = int(config.bayeux.timeout.count());
    o.intervalMs = int(config.bayeux.interval.count());
    o.maxIntervalMs = int(config.bayeux.maxInterval.count());
    o.maxSessionsPerUser = config.bayeux.maxSessionsPerUser;
    o.maxDeliveryBytes = config.limits.maxOutgoingBytes;
    const auto self = config.selfNode();
    o.maxUsers = self ? self->maxConnection : NodeConfig::DefaultMaxConnection;
    return o;
}

Http::Limits httpLimits(const NodeConfig &config)
{
    Http::Limits l;
    l.maxConnections = config.limits.maxConnections;
    l.maxRequestBytes = config.limits.maxRequestBytes;
    l.headerTimeoutMs = int(config.limits.headerTimeout.count());
    l.idleTimeoutMs = int(config.limits.idleTimeout.count());
    l.maxWebSocketMessageBytes = config.bayeux.maxMessageBytes;
    l.maxOutgoingBytes = config.limits.maxOutgoingBytes;
    // Deliveries and reports between the cluster's processes are bounded by their senders (one
    // delivery is at most one request's body; batches and report pages stay far below this).
    l.maxClusterRequestBytes = std::max<qint64>(8 * 1024 * 1024, 4 * config.limits.maxRequestBytes);
    return l;
}

QByteArray secretOf(const NodeConfig &config)
{
    return config.secret.isEmpty() ? TokenSigner::generateSecret() : config.secret.toUtf8();
}

// /cometd/cometd, and below it one segment naming the message type, which the CometD JavaScript
// client appends by default (appendMessageTypeToURL).
bool isBayeuxPath(const QList<QString> &segments)
{
    static const QList<QString> path = Http::Router::splitPattern(QString(Wire::Path::Bayeux));
    return (segments.size() == path.size() || segments.size() == path.size() + 1)
        && std::equal(path.begin(), path.end(), segments.begin());
}

QByteArray joinMethods(const QList<Http::Method> &methods)
{
    QByteArray out;
    for (Http::Method m : methods) {
        if (!out.isEmpty()) out += ", ";
        out += Http::methodName(m);
    }
    return out;
}

} // namespace

NodeServer::NodeServer(NodeConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_signer(secretOf(m_config), m_config.tokenTtl)
{
    m_engine = std::make_unique<Bayeux::BayeuxEngine>(
        engineOptions(m_config), [this](const QString &user, const QString &token) {
            return m_signer.verify(user, token) == TokenCheck::Valid;
        });
    m_longPolling = std::make_unique<Transport::LongPollingTransport>(m_engine.get());
    Transport::WebSocketOptions wsOptions;
    wsOptions.idleTimeoutMs = int(m_config.limits.idleTimeout.count());
    wsOptions.maxOutgoingBytes = m_config.limits.maxOutgoingBytes;
    m_webSocket = std::make_unique<Transport::WebSocketTransport>(m_engine.get(), wsOptions);
    m_rest = std::make_unique<Rest::NodeRestApi>(
        m_engine.get(), [this](const QString &user) { return m_signer.issue(user); },
        Rest::Credentials(m_config.apiKey.toUtf8()), m_config.tokenIssue == NodeConfig::TokenIssue::ApiKey);

    if (m_config.redis) setUpRedis();
    if (m_config.runsBalancer()) {
        if (m_redis) {
            RedisEngine::StateOptions stateOptions;
            stateOptions.prefix = m_config.redis->prefix;
            // Only the listed nodes are configured ones; without a list every node joins as dynamic.
            stateOptions.configured = m_config.nodes;
            m_cluster
                = std::make_unique<RedisEngine::RedisClusterState>(m_redis.get(), m_redisEvents.get(), stateOptions);
        } else {
            Balancer::ClusterOptions clusterOptions;
            if (m_config.runsNode()) clusterOptions.localNodeId = m_config.nodeId;
            // With the listen port 0 the own node's URL is wrong until its first report, made in start().
            m_cluster = std::make_unique<Balancer::MemoryClusterState>(
                m_config.effectiveNodes(m_config.listen.port), clusterOptions);
        }
        m_balancer = std::make_unique<Cluster::BalancerApi>(
            m_cluster.get(), m_config.secret.toUtf8(), Rest::Credentials(m_config.apiKey.toUtf8()));
        // A process with a node of its own answers the delivery API itself.
        m_balancer->registerRoutes(m_router, !m_config.runsNode());
        if (m_publisher) {
            m_balancer->setForward([this](const Http::Request &request, Http::Responder &&responder, bool isPrivate,
                                       const Rest::NodeRestApi::Fallback &fallback) {
                m_publisher->forward(request, std::move(responder), isPrivate, fallback);
            });
        }
        m_admin = std::make_unique<Admin::AdminApi>(m_cluster.get(), Rest::Credentials(m_config.adminToken.toUtf8()),
            [this](Http::Request &&request, Http::Responder &&responder, bool isPrivate) {
                dispatchAdminDelivery(std::move(request), std::move(responder), isPrivate);
            });
        m_admin->setMaxOutgoingBytes(m_config.limits.maxOutgoingBytes);
        m_admin->registerRoutes(m_router);
    }
    if (m_config.runsNode()) {
        const auto bayeux = [this](Http::Request &&request, Http::Responder &&responder, const Http::Router::Params &) {
            m_longPolling->handle(std::move(request), std::move(responder));
        };
        m_router.add({ Http::Method::Get, Http::Method::Post }, QString(Wire::Path::Bayeux), bayeux);
        m_router.add(
            { Http::Method::Get, Http::Method::Post }, QString(Wire::Path::Bayeux + QLatin1StringView("/{}")), bayeux);
        m_rest->registerRoutes(m_router);
        Cluster::registerDeliveryRoute(m_router, m_engine.get(), m_config.secret.toUtf8());
        if (m_publisher) {
            // Whichever node is asked publishes to the nodes holding the user; while Redis is down
            // it still delivers to its own.
            m_rest->setForward([this](const Http::Request &request, Http::Responder &&responder, bool isPrivate,
                                   Rest::NodeRestApi::Fallback fallback) {
                m_publisher->forward(request, std::move(responder), isPrivate, fallback);
            });
        } else if (!m_config.runsBalancer() && m_config.balancerUrl.isValid()) {
            m_forwarder = std::make_unique<Cluster::UpstreamForwarder>(m_config.balancerUrl, m_config.apiKey.toUtf8());
            m_rest->setForward([this](const Http::Request &request, Http::Responder &&responder, bool isPrivate,
                                   Rest::NodeRestApi::Fallback fallback) {
                m_forwarder->forward(request, std::move(responder), isPrivate, std::move(fallback));
            });
        }
    }
    registerMetrics();

    m_frontend = std::make_unique<Http::Frontend>(httpLimits(m_config));
    m_frontend->setRequestHandler([this](Http::Request &&request, Http::Responder &&responder) {
        dispatch(std::move(request), std::move(responder));
    });
    m_frontend->setUpgradeCheck([this](const Http::Request &request) {
        // Without the admin token the upgrade is refused (401) before the handshake.
        if (Admin::AdminApi::isEventsPath(request.pathSegments)) {
            if (!m_admin) return 404;
            return m_admin->allows(request) ? 0 : 401;
        }
        const QByteArray origin = request.header("Origin");
        const bool bayeux = m_config.runsNode() && isBayeuxPath(request.pathSegments)
            && (origin.isEmpty() || m_config.cors.allows(QString::fromUtf8(origin)));
        return bayeux ? 0 : 404;
    });
    connect(m_frontend.get(), &Http::Frontend::webSocketConnected, this, [this](Http::WebSocket *socket) {
        if (m_admin && Admin::AdminApi::isEventsPath(socket->request().pathSegments))
            m_admin->adoptEventSocket(socket);
        else
            m_webSocket->adopt(socket);
    });
}

NodeServer::~NodeServer()
{
    m_frontend.reset();
}

void NodeServer::setUpRedis()
{
    const NodeConfig::RedisSettings &settings = *m_config.redis;
    QString error;
    std::optional<Redis::Options> options = Redis::parseUrl(settings.url, &error);
    if (!options) qFatal("redis.url: %s", qPrintable(error)); // the loader checked it already
    for (const QString &sentinel : settings.sentinels) {
        if (const auto endpoint = Redis::parseEndpoint(sentinel, 26379, &error)) options->sentinels.append(*endpoint);
    }
    options->master = settings.master.toUtf8();
    const QByteArray prefix = settings.prefix.toUtf8();
    options->name = u"commands"_s;
    m_redis = std::make_unique<Redis::Connection>(*options);
    m_publisher = std::make_unique<RedisEngine::RedisPublisher>(m_redis.get(), prefix, NodeTimeoutMs);
    if (m_config.runsBalancer()) {
        options->name = u"cluster events"_s;
        m_redisEvents = std::make_unique<Redis::Subscriber>(*options, QList<QByteArray> { prefix + ":events" });
    }
    if (m_config.runsNode()) {
        options->name = u"deliveries"_s;
        m_redisDeliveries = std::make_unique<Redis::Subscriber>(
            *options, RedisEngine::RedisNodeLink::channelsFor(prefix, m_config.nodeId));
        m_nodeLink = std::make_unique<RedisEngine::RedisNodeLink>(
            m_redis.get(), m_redisDeliveries.get(), m_engine.get(), prefix, NodeTimeoutMs);
    }
}

quint16 NodeServer::start()
{
    const QString host = m_config.listen.host;
    const QHostAddress address = host == u"localhost" ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(host);
    m_port = m_frontend->start(address, m_config.listen.port);
    if (m_port == 0) return 0;
    if (m_redis) {
        m_redis->start();
        if (m_redisEvents) m_redisEvents->start();
        if (m_redisDeliveries) m_redisDeliveries->start();
    }
    if (m_config.runsNode()) {
        qCInfo(lcNode).noquote() << "node" << m_config.nodeId << "serving Bayeux at"
                                 << baseUrl().toString() + Wire::Path::Bayeux;
        startReporting();
    }
    if (m_config.runsBalancer())
        qCInfo(lcNode).noquote() << "balancer serving at"
                                 << m_config.listen.toUrl(m_port).toString() + Wire::Path::RestPrefix;
    return m_port;
}

void NodeServer::startReporting()
{
    Cluster::ReporterOptions options;
    options.nodeId = m_config.nodeId;
    options.url = baseUrl().toString();
    const auto self = m_config.selfNode(m_port);
    options.maxConnection = self ? self->maxConnection : NodeConfig::DefaultMaxConnection;

    Cluster::ReportSink sink;
    if (m_nodeLink) {
        sink = [this](const Balancer::NodeReport &report, Cluster::ReportDone done) {
            m_nodeLink->report(report, std::move(done));
        };
    } else if (m_balancer) {
        // The balancer in this process takes its own node's reports by a call.
        sink = [this](const Balancer::NodeReport &report, Cluster::ReportDone done) {
            m_balancer->acceptReport(report, [done = std::move(done)](const Balancer::ReportResult &result) {
                const bool accepted = result.status == Balancer::ReportResult::Status::Accepted
                    || result.status == Balancer::ReportResult::Status::Joined;
                done(accepted, result.wantFullList);
            });
        };
    } else {
        m_reportSender = std::make_unique<Cluster::HttpReportSender>(m_config.balancerUrl, m_config.secret.toUtf8());
        if (m_config.secret.isEmpty())
            qCWarning(lcNode).noquote() << "no cluster secret configured: reports to" << m_config.balancerUrl.toString()
                                        << "go unsigned (a balancer takes those from loopback only)";
        sink = [this](const Balancer::NodeReport &report, Cluster::ReportDone done) {
            m_reportSender->send(report, std::move(done));
        };
    }
    m_reporter = std::make_unique<Cluster::NodeReporter>(m_engine.get(), options, std::move(sink));
    if (m_redis) connect(m_redis.get(), &Redis::Connection::up, m_reporter.get(), &Cluster::NodeReporter::reportSoon);
    m_reporter->start();
}

void NodeServer::registerMetrics()
{
    m_router.add({ Http::Method::Get }, QString(Wire::Path::Metrics),
        [this](Http::Request &&, Http::Responder &&responder, const Http::Router::Params &) {
            MetricsFormatter out;
            if (m_config.runsNode()) {
                Admin::NodeSample sample;
                sample.sessions = m_engine->sessionCount();
                sample.users = m_engine->userCount();
                sample.heldConnects = m_engine->heldCount();
                sample.queuedMessages = m_engine->queuedMessages();
                sample.deliveries = m_engine->deliveries();
                sample.droppedMessages = m_engine->droppedMessages();
                sample.httpConnections = m_frontend->connectionCount();
                sample.webSocketConnections = m_webSocket->connectionCount();
                Admin::appendNodeMetrics(out, sample);
            }
            if (m_cluster) Admin::appendClusterMetrics(out, m_cluster->nodes(), m_cluster->totals());
            if (m_redis) {
                out.gauge("redis_up"_L1, "1 while this process is connected to the cluster's Redis"_L1,
                    m_redis->isUp() ? 1 : 0);
                if (m_nodeLink) {
                    out.counter("cometd_redis_deliveries_total"_L1,
                        "Messages this node took from its Redis channels"_L1, double(m_nodeLink->delivered()));
                    out.counter("cometd_redis_malformed_total"_L1,
                        "Malformed messages on this node's Redis channels, skipped"_L1,
                        double(m_nodeLink->malformed()));
                }
            }
            Http::Response r = Http::Response::text(out.text());
            r.contentType = Wire::Metrics::ContentType.toByteArray();
            responder.respond(r);
        });
}

void NodeServer::dispatchAdminDelivery(Http::Request &&request, Http::Responder &&responder, bool isPrivate)
{
    request.method = Http::Method::Post;
    request.pathSegments = Http::Router::splitPattern(
        QString(Wire::Path::RestPrefix + (isPrivate ? Wire::Path::SendPrivate : Wire::Path::SendBroadcast)));
    request.trailingSlash = true;
    // The admin token let the caller in; the delivery route checks the send credentials.
    request.headers.removeIf(
        [](const auto &header) { return header.first.compare("Authorization", Qt::CaseInsensitive) == 0; });
    if (!m_config.apiKey.isEmpty())
        request.headers.append({ QByteArrayLiteral("Authorization"), "Bearer " + m_config.apiKey.toUtf8() });
    dispatch(std::move(request), std::move(responder));
}

QString NodeServer::errorString() const
{
    return m_frontend->errorString();
}

QUrl NodeServer::baseUrl() const
{
    return m_config.selfUrl(m_port);
}

void NodeServer::shutdown()
{
    m_frontend->stopListening();
    m_engine->releaseAllHeld();
    m_webSocket->closeAll();
    if (m_admin) m_admin->closeAll();
    m_frontend->flushAll();
}

void NodeServer::addCorsHeaders(const Http::Request &request, Http::Responder &responder) const
{
    const QByteArray origin = request.header("Origin");
    if (origin.isEmpty() || !m_config.cors.allows(QString::fromUtf8(origin))) return;
    // Reflect the origin (not "*") so that browsers may send the BAYEUX_BROWSER cookie.
    responder.addHeader(QByteArrayLiteral("Access-Control-Allow-Origin"), origin);
    responder.addHeader(QByteArrayLiteral("Access-Control-Allow-Credentials"), QByteArrayLiteral("true"));
    responder.addHeader(QByteArrayLiteral("Vary"), QByteArrayLiteral("Origin"));
}

void NodeServer::preflight(
    const Http::Request &request, Http::Responder &responder, bool open, const QList<Http::Method> &allowed) const
{
    Http::Response r { 204, {}, {}, {}, false };
    QList<Http::Method> methods = allowed;
    methods.append(Http::Method::Options);
    r.headers.append({ QByteArrayLiteral("Allow"), joinMethods(methods) });
    if (open) {
        addCorsHeaders(request, responder);
        r.headers.append({ QByteArrayLiteral("Access-Control-Allow-Methods"), joinMethods(methods) });
        const QByteArray asked = request.header("Access-Control-Request-Headers");
        r.headers.append({ QByteArrayLiteral("Access-Control-Allow-Headers"),
            asked.isEmpty() ? QByteArrayLiteral("Content-Type, Authorization") : asked });
        r.headers.append({ QByteArrayLiteral("Access-Control-Max-Age"), QByteArrayLiteral("86400") });
    }
    responder.respond(r);
}

void NodeServer::dispatch(Http::Request &&request, Http::Responder &&responder)
{
    auto found = m_router.match(request.method, request.pathSegments);
    if (auto *match = std::get_if<Http::Router::Match>(&found)) {
        if (match->route->access == Http::Router::Access::Open) addCorsHeaders(request, responder);
        match->route->handler(std::move(request), std::move(responder), match->params);
        return;
    }
    const auto &miss = std::get<Http::Router::NoMatch>(found);
    if (miss.status == 405 && request.method == Http::Method::Options) {
        preflight(request, responder, miss.open, miss.allowed);
        return;
    }
    if (miss.status == 405) {
        Http::Response r = Http::Response::error(405, QStringLiteral("method not allowed"));
        r.headers.append({ QByteArrayLiteral("Allow"), joinMethods(miss.allowed) });
        responder.respond(r);
        return;
    }
    responder.respond(Http::Response::error(404, QStringLiteral("not found")));
}
