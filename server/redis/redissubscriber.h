#pragma once

#include "redisasync.h"
#include "redisconnector.h"
#include "redisoptions.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

namespace Redis {

// Redis pub/sub: a connection of its own in SUBSCRIBE mode to a fixed set of channels, on this
// thread's event loop. Like Connection it stays connected for ever, and it subscribes again on every
// new link, so a Redis restarted empty or a Sentinel failover only costs the messages published
// while it was down.
class Subscriber final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Subscriber)
public:
    Subscriber(Options options, QList<QByteArray> channels, QObject *parent = nullptr);
    ~Subscriber() override;

    void start();
    bool isUp() const { return m_up; }
    const QList<QByteArray> &channels() const { return m_channels; }
    const Options &options() const { return m_connector.options(); }
    const Endpoint &server() const { return m_connector.server(); }

signals:
    void message(const QByteArray &channel, const QByteArray &payload);
    // Redis has confirmed every channel.
    void up();
    void down();
    void connectFailed(const QString &reason);

private:
    void attach(AsyncContext::Ptr link);
    void onPush(const Reply &reply);
    void confirmed();
    void linkClosed(const QString &reason);
    void dropLink(const QString &reason);
    void wentDown(const QString &reason);
    void probe();

    QList<QByteArray> m_channels;
    Connector m_connector;
    AsyncContext::Ptr m_link;
    // Liveness: a channel subscribed again is confirmed again (PING in pub/sub mode confuses hiredis
    // 0.14). The confirmations of the first subscription use the same clock.
    QTimer m_probe;
    QElapsedTimer m_waiting; // valid while confirmations are awaited
    qsizetype m_unconfirmed = 0;
    bool m_up = false;
};

} // namespace Redis
