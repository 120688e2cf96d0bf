#pragma once

#include "clusterstate.h"
#include "credentials.h"
#include "router.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

class QNetworkAccessManager;

namespace Cluster {

// The balancer's HTTP face (SPEC §2): cometdurl and releasecometd (also under /rest/balancer/), the
// nodes' reports, and the delivery API forwarded to the nodes that hold the users. Owns the clock
// the ClusterState runs on and the timer that drives its expiry.
class BalancerApi final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BalancerApi)
public:
    // `secret` signs node reports; empty: unsigned reports are taken from loopback callers only.
    // `nodeApiKey` is sent to nodes when forwarding deliveries.
    BalancerApi(Balancer::ClusterState *state, QByteArray secret, Rest::Credentials sendCredentials,
        QByteArray nodeApiKey, QObject *parent = nullptr);
    ~BalancerApi() override;

    // withDelivery: also answer sendprivatemessage / sendbroadcastmessage by forwarding to the nodes
    // (a process that runs no node of its own).
    void registerRoutes(Http::Router &router, bool withDelivery);

    // A report from this process's own node, which needs no HTTP.
    Balancer::ReportResult acceptReport(const Balancer::NodeReport &report);

    qint64 now() const { return m_clock.elapsed(); }

private:
    void cometdUrl(const Http::Request &request, Http::Responder &responder, const QString &user);
    void releaseCometd(Http::Responder &responder, const QString &user);
    void report(const Http::Request &request, Http::Responder &responder);
    bool authenticReport(const Http::Request &request) const;
    void forward(const Http::Request &request, Http::Responder &&responder, bool isPrivate);
    void scheduleExpiry();

    Balancer::ClusterState *m_state;
    QByteArray m_secret;
    Rest::Credentials m_credentials;
    QByteArray m_nodeApiKey;
    QElapsedTimer m_clock;
    QTimer m_expiry;
    QNetworkAccessManager *m_network = nullptr; // created on the first forwarded delivery
};

} // namespace Cluster
