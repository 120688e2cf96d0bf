#include "upstreamforwarder.h"

#include "httpresponder.h"
#include "wire.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_DECLARE_LOGGING_CATEGORY(lcCluster)

namespace Cluster {

namespace {
constexpr std::chrono::milliseconds ForwardTimeout { 10000 };
} // namespace

UpstreamForwarder::UpstreamForwarder(const QUrl &balancerUrl, QByteArray apiKey, QObject *parent)
    : QObject(parent)
    , m_balancer(balancerUrl)
    , m_apiKey(std::move(apiKey))
{ }

UpstreamForwarder::~UpstreamForwarder() = default;

void UpstreamForwarder::forward(const Http::Request &request, Http::Responder &&responder, bool isPrivate,
    std::function<void(Http::Responder &&)> fallback)
{
    Cometd::HttpRequest upstream;
    upstream.method = QByteArrayLiteral("POST");
    upstream.url = m_balancer.resolved(
        QUrl(Wire::Path::RestPrefix + (isPrivate ? Wire::Path::SendPrivate : Wire::Path::SendBroadcast) + u'/'));
    upstream.body = request.body;
    upstream.headers.append({ QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") });
    if (!m_apiKey.isEmpty())
        upstream.headers.append({ QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + m_apiKey });
    // std::function needs a copyable handler; the responder moves only.
    auto held = std::make_shared<Http::Responder>(std::move(responder));
    m_pool.any()->request(std::move(upstream), ForwardTimeout,
        [held, fallback = std::move(fallback), target = m_balancer, isPrivate](const Cometd::HttpResponse &answer) {
            Http::Responder &responder = *held;
            if (!answer.ok()) {
                qCWarning(lcCluster).noquote() << "forwarding a delivery to the balancer" << target.toString()
                                               << "failed:" << answer.errorString << "- delivering on this node only";
                fallback(std::move(responder));
                return;
            }
            if (isPrivate && answer.status == 404) {
                // The balancer may not have heard of a session opened here a moment ago.
                fallback(std::move(responder));
                return;
            }
            Http::Response relayed;
            relayed.status = answer.status;
            relayed.body = answer.body;
            relayed.contentType = answer.header("Content-Type");
            responder.respond(std::move(relayed));
        });
}

} // namespace Cluster
