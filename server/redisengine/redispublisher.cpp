#include "redispublisher.h"

#include "deliveryrequest.h"
#include "httpresponder.h"
#include "redisconnection.h"
#include "redisscripts.h"
#include "wire.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <memory>

using namespace Qt::StringLiterals;

namespace RedisEngine {

RedisPublisher::RedisPublisher(Redis::Connection *redis, QByteArray prefix, qint64 nodeTimeoutMs, QObject *parent)
    : QObject(parent)
    , m_redis(redis)
    , m_prefix(std::move(prefix))
    , m_nodeTimeout(QByteArray::number(nodeTimeoutMs))
{ }

RedisPublisher::~RedisPublisher() = default;

QByteArray RedisPublisher::encode(const Rest::DeliveryRequest &delivery)
{
    QJsonObject o { { Wire::Rest::Channel, delivery.channel }, { Wire::Rest::Message, delivery.message } };
    if (!delivery.exoId.isEmpty()) o.insert(Wire::Rest::ExoId, delivery.exoId);
    if (!delivery.id.isEmpty()) o.insert(Wire::Rest::Id, delivery.id);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

void RedisPublisher::forward(const Http::Request &request, Http::Responder &&responder, bool isPrivate,
    const Rest::NodeRestApi::Fallback &fallback)
{
    const auto parsed = Rest::parseDeliveryRequest(
        request.body, isPrivate ? Rest::DeliveryKind::Private : Rest::DeliveryKind::Broadcast);
    if (const auto *error = std::get_if<Rest::DeliveryError>(&parsed)) {
        responder.respond(Http::Response::error(400, error->message));
        return;
    }
    const Rest::DeliveryRequest &delivery = std::get<Rest::DeliveryRequest>(parsed);
    const auto unreachable = [](Http::Responder &r, const Rest::NodeRestApi::Fallback &local) {
        if (local) {
            local(std::move(r));
            return;
        }
        Http::Response response = Http::Response::error(503, u"the cluster's Redis is unreachable"_s);
        response.headers.append({ QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1") });
        r.respond(response);
    };
    if (!m_redis->isUp()) {
        unreachable(responder, fallback);
        return;
    }
    auto answer = std::make_shared<Http::Responder>(std::move(responder));
    const Redis::Script &script = isPrivate ? Scripts::instance().deliver : Scripts::instance().broadcast;
    const QByteArray target = isPrivate ? delivery.exoId.toUtf8() : delivery.channel.toUtf8();
    script.run(*m_redis, {}, { m_prefix, m_nodeTimeout, target, encode(delivery) },
        [answer, isPrivate, fallback, unreachable, user = delivery.exoId](const Redis::Reply &reply) {
            if (reply.isError()) {
                unreachable(*answer, fallback);
                return;
            }
            if (isPrivate && reply.integer == 0) {
                answer->respond(Http::Response::error(404, u"user %1 has no session"_s.arg(user)));
                return;
            }
            answer->respond(Http::Response::json(QJsonDocument(QJsonObject { { Wire::Rest::Delivered, reply.integer } })
                                                     .toJson(QJsonDocument::Compact)));
        });
}

} // namespace RedisEngine
