#pragma once

#include "httpconnection.h"
#include "httptypes.h"

#include <QByteArray>
#include <QObject>
#include <QUrl>

#include <functional>

namespace Http {
class Responder;
}

namespace Cluster {

// A node's way to its balancer for the delivery API: a private message for a user this node does not
// hold, or a broadcast, goes to the balancer, which hands it to the nodes concerned over the batched
// cluster route (never back through this API, so nothing loops). The balancer's answer is relayed.
class UpstreamForwarder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpstreamForwarder)
public:
    static constexpr int MaxConnections = 4;

    UpstreamForwarder(const QUrl &balancerUrl, QByteArray apiKey, QObject *parent = nullptr);
    ~UpstreamForwarder() override;

    // `fallback` gets the responder back when the balancer does not answer.
    void forward(const Http::Request &request, Http::Responder &&responder, bool isPrivate,
        std::function<void(Http::Responder &&)> fallback);

private:
    QUrl m_balancer;
    QByteArray m_apiKey;
    Cometd::HttpConnectionPool m_pool { MaxConnections };
};

} // namespace Cluster
