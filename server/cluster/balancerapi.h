#pragma once

#include "clusterauth.h"
#include "clusterstate.h"
#include "credentials.h"
#include "noderestapi.h"
#include "router.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>

namespace Cluster {

class DeliveryTransport;

// The balancer's HTTP face (SPEC §2): cometdurl and releasecometd (also under /rest/balancer/), the
// nodes' reports, and the delivery API forwarded to the nodes that hold the users. Owns the clock
// the ClusterState runs on and the timer that drives its expiry.
class BalancerApi final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BalancerApi)
public:
    // `secret` signs node reports and the deliveries handed to nodes; empty: they go unsigned and
    // only loopback callers are believed.
    BalancerApi(
        Balancer::ClusterState *state, QByteArray secret, Rest::Credentials sendCredentials, QObject *parent = nullptr);
    ~BalancerApi() override;

    // withDelivery: also answer sendprivatemessage / sendbroadcastmessage by forwarding to the nodes
    // (a process that runs no node of its own).
    void registerRoutes(Http::Router &router, bool withDelivery);

    // The delivery API through another path than the nodes' HTTP routes (Redis, SPEC §6).
    void setForward(Rest::NodeRestApi::Forward forward) { m_forward = std::move(forward); }

    // A report from this process's own node, which needs no HTTP.
    void acceptReport(const Balancer::NodeReport &report, Balancer::ClusterState::ReportDone done);

    qint64 now() const { return m_clock.elapsed(); }

private:
    void cometdUrl(const Http::Request &request, Http::Responder &&responder, const QString &user);
    void releaseCometd(Http::Responder &&responder, const QString &user);
    void report(const Http::Request &request, Http::Responder &&responder);
    void forward(const Http::Request &request, Http::Responder &&responder, bool isPrivate);
    void scheduleExpiry();

    Balancer::ClusterState *m_state;
    QByteArray m_secret;
    Rest::Credentials m_credentials;
    QElapsedTimer m_clock;
    QTimer m_expiry;
    std::unique_ptr<DeliveryTransport> m_delivery;
    SignedRequestGuard m_guard;
    Rest::NodeRestApi::Forward m_forward;
};

} // namespace Cluster
