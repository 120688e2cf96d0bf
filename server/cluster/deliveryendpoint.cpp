#include "deliveryendpoint.h"

#include "bayeuxengine.h"
#include "clusterauth.h"
#include "credentials.h"
#include "deliverycodec.h"
#include "httpresponder.h"
#include "wire.h"

#include <QLoggingCategory>

#include <memory>

Q_DECLARE_LOGGING_CATEGORY(lcCluster)

namespace Cluster {

void registerDeliveryRoute(Http::Router &router, Bayeux::BayeuxEngine *engine, QByteArray secret)
{
    // The route's handler is copied around by the router: the nonces it has seen are shared.
    auto guard = std::make_shared<SignedRequestGuard>(std::move(secret));
    router.add(
        { Http::Method::Post }, QString(Wire::ClusterDelivery::Path),
        [engine, guard](Http::Request &&request, Http::Responder &&responder, const Http::Router::Params &) {
            if (!guard->accept(request, QLatin1StringView("deliveries"))) {
                responder.respond(Rest::unauthorized());
                return;
            }
            const auto decoded = decodeDeliveries(request.body);
            if (const auto *error = std::get_if<Rest::DeliveryError>(&decoded)) {
                responder.respond(Http::Response::error(400, error->message));
                return;
            }
            const auto &deliveries = std::get<QList<Delivery>>(decoded);
            QList<qint64> delivered;
            delivered.reserve(deliveries.size());
            for (const Delivery &d : deliveries) {
                const Rest::DeliveryRequest &r = d.request;
                delivered.append(d.isPrivate ? engine->deliverToUser(r.exoId, r.channel, r.message, r.id)
                                             : engine->publish(r.channel, r.message, r.id));
            }
            responder.respond(Http::Response::json(encodeDelivered(delivered)));
        },
        Http::Router::Access::Protected);
}

} // namespace Cluster
