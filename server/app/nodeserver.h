#pragma once

#include "adminapi.h"
#include "balancerapi.h"
#include "bayeuxengine.h"
#include "httpfrontend.h"
#include "longpollingtransport.h"
#include "memoryclusterstate.h"
#include "nodeconfig.h"
#include "nodereporter.h"
#include "noderestapi.h"
#include "redisnodelink.h"
#include "redispublisher.h"
#include "router.h"
#include "tokensigner.h"
#include "upstreamforwarder.h"
#include "websockettransport.h"

#include <QObject>

#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcNode)

// Wires one cometd-node process: the HTTP frontend, the router, and by role the balancer (cluster
// state and its routes) and the node (Bayeux engine with its transports, the REST API, the reports
// to the balancer). Owns them in the order they must be torn down.
class NodeServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeServer)
public:
    explicit NodeServer(NodeConfig config, QObject *parent = nullptr);
    ~NodeServer() override;

    // Listens on the configured address; returns the bound port, or 0 (see errorString()).
    quint16 start();
    QString errorString() const;
    QUrl baseUrl() const; // the URL this node advertises

    // Stops accepting, answers every held poll, closes WebSockets, flushes what is written.
    void shutdown();

    Bayeux::BayeuxEngine &engine() { return *m_engine; }

private:
    void setUpRedis();
    void startReporting();
    void registerMetrics();
    // POST /admin/api/messages: the body goes through this process's own delivery route.
    void dispatchAdminDelivery(Http::Request &&request, Http::Responder &&responder, bool isPrivate);
    void dispatch(Http::Request &&request, Http::Responder &&responder);
    void addCorsHeaders(const Http::Request &request, Http::Responder &responder) const;
    void preflight(
        const Http::Request &request, Http::Responder &responder, bool open, const QList<Http::Method> &allowed) const;

    NodeConfig m_config;
    quint16 m_port = 0;
    TokenSigner m_signer;
    std::unique_ptr<Bayeux::BayeuxEngine> m_engine;
    std::unique_ptr<Transport::LongPollingTransport> m_longPolling;
    std::unique_ptr<Transport::WebSocketTransport> m_webSocket;
    std::unique_ptr<Rest::NodeRestApi> m_rest;
    // SPEC §6, with a `redis` object: one connection for commands, one subscriber per role.
    std::unique_ptr<Redis::Connection> m_redis;
    std::unique_ptr<Redis::Subscriber> m_redisEvents; // roles balancer and all
    std::unique_ptr<Redis::Subscriber> m_redisDeliveries; // roles node and all
    std::unique_ptr<RedisEngine::RedisPublisher> m_publisher;
    std::unique_ptr<RedisEngine::RedisNodeLink> m_nodeLink; // roles node and all
    std::unique_ptr<Balancer::ClusterState> m_cluster; // roles balancer and all
    std::unique_ptr<Cluster::BalancerApi> m_balancer;
    std::unique_ptr<Admin::AdminApi> m_admin; // roles balancer and all
    std::unique_ptr<Cluster::HttpReportSender> m_reportSender; // role node
    std::unique_ptr<Cluster::NodeReporter> m_reporter; // roles node and all
    std::unique_ptr<Cluster::UpstreamForwarder> m_forwarder; // role node
    Http::Router m_router;
    std::unique_ptr<Http::Frontend> m_frontend; // last member: destroyed first, closing every socket
};
