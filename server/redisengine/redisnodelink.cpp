#include "redisnodelink.h"

#include "bayeuxengine.h"
#include "deliveryrequest.h"
#include "redisclusterstate.h"
#include "redisconnection.h"
#include "redissubscriber.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcRedisState)

namespace RedisEngine {

RedisNodeLink::RedisNodeLink(Redis::Connection *redis, Redis::Subscriber *deliveries, Bayeux::BayeuxEngine *engine,
    QByteArray prefix, qint64 nodeTimeoutMs, QObject *parent)
    : QObject(parent)
    , m_redis(redis)
    , m_engine(engine)
    , m_prefix(std::move(prefix))
    , m_broadcastChannel(m_prefix + ":broadcast")
    , m_nodeTimeoutMs(nodeTimeoutMs)
{
    connect(deliveries, &Redis::Subscriber::message, this, &RedisNodeLink::deliver);
}

RedisNodeLink::~RedisNodeLink() = default;

QList<QByteArray> RedisNodeLink::channelsFor(const QByteArray &prefix, const QString &nodeId)
{
    return { prefix + ":node:" + nodeId.toUtf8(), prefix + ":broadcast" };
}

void RedisNodeLink::report(const Balancer::NodeReport &report, Cluster::ReportDone done)
{
    sendReport(m_redis, m_prefix, m_nodeTimeoutMs, report, [done = std::move(done)](const Balancer::ReportResult &r) {
        using Status = Balancer::ReportResult::Status;
        done(r.status == Status::Accepted || r.status == Status::Joined, r.wantFullList);
    });
}

void RedisNodeLink::deliver(const QByteArray &channel, const QByteArray &payload)
{
    const bool isPrivate = channel != m_broadcastChannel;
    const auto parsed
        = Rest::parseDeliveryRequest(payload, isPrivate ? Rest::DeliveryKind::Private : Rest::DeliveryKind::Broadcast);
    if (const auto *error = std::get_if<Rest::DeliveryError>(&parsed)) {
        ++m_malformed;
        if (const LogThrottle::Admission admitted = m_malformedLog.admit()) {
            if (admitted.suppressed)
                qCWarning(lcRedisState).noquote() << admitted.suppressed << "malformed deliveries not logged";
            qCWarning(lcRedisState).noquote() << "skipped a malformed delivery on" << channel << ":" << error->message;
        }
        return;
    }
    const Rest::DeliveryRequest &d = std::get<Rest::DeliveryRequest>(parsed);
    ++m_delivered;
    if (isPrivate)
        m_engine->deliverToUser(d.exoId, d.channel, d.message, d.id);
    else
        m_engine->publish(d.channel, d.message, d.id);
}

} // namespace RedisEngine
