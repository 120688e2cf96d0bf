#pragma once

#include "clustertypes.h"
#include "logthrottle.h"
#include "nodereporter.h"

#include <QObject>

namespace Bayeux {
class BayeuxEngine;
}
namespace Redis {
class Connection;
class Subscriber;
} // namespace Redis

namespace RedisEngine {

// A node on Redis (SPEC §6): writes its reports there itself (no balancer on the way) and delivers
// what arrives on its own channel (P:node:<id>, private messages) and on P:broadcast. A message on
// those channels is the delivery API's body, so that any program may publish one; a malformed one
// is logged and skipped.
class RedisNodeLink final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RedisNodeLink)
public:
    // `deliveries` must be subscribed to channelsFor(prefix, nodeId).
    RedisNodeLink(Redis::Connection *redis, Redis::Subscriber *deliveries, Bayeux::BayeuxEngine *engine,
        QByteArray prefix, qint64 nodeTimeoutMs, QObject *parent = nullptr);
    ~RedisNodeLink() override;

    static QList<QByteArray> channelsFor(const QByteArray &prefix, const QString &nodeId);

    // A NodeReporter's sink.
    void report(const Balancer::NodeReport &report, Cluster::ReportDone done);

    qint64 delivered() const { return m_delivered; } // messages taken from the channels
    qint64 malformed() const { return m_malformed; }

private:
    void deliver(const QByteArray &channel, const QByteArray &payload);

    Redis::Connection *m_redis;
    Bayeux::BayeuxEngine *m_engine;
    QByteArray m_prefix;
    QByteArray m_broadcastChannel;
    qint64 m_nodeTimeoutMs;
    qint64 m_delivered = 0;
    qint64 m_malformed = 0;
    LogThrottle m_malformedLog;
};

} // namespace RedisEngine
