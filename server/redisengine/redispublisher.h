#pragma once

#include "noderestapi.h"

#include <QObject>

namespace Redis {
class Connection;
}

namespace RedisEngine {

// The delivery API on Redis (SPEC §6): whichever process is asked looks the user up and publishes
// to the nodes holding it (scripts/deliver.lua), or publishes a broadcast once for every node; no
// balancer on the way. While Redis is down a node still delivers to its own users (the fallback);
// a balancer answers 503.
class RedisPublisher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RedisPublisher)
public:
    RedisPublisher(Redis::Connection *redis, QByteArray prefix, qint64 nodeTimeoutMs, QObject *parent = nullptr);
    ~RedisPublisher() override;

    // Rest::NodeRestApi::Forward; `fallback` may be empty (a balancer has no users of its own).
    void forward(const Http::Request &request, Http::Responder &&responder, bool isPrivate,
        const Rest::NodeRestApi::Fallback &fallback);

    // The body published on the node channels: the delivery API's own body, compact.
    static QByteArray encode(const Rest::DeliveryRequest &delivery);

private:
    Redis::Connection *m_redis;
    QByteArray m_prefix;
    QByteArray m_nodeTimeout;
};

} // namespace RedisEngine
