#pragma once

#include "deliverycodec.h"
#include "httpconnection.h"

#include <QList>
#include <QObject>
#include <QUrl>

#include <functional>
#include <optional>

namespace Cluster {

// The balancer's way to one node: deliveries queue here and leave in batches over a few persistent
// connections. A connection sends whatever has queued while its previous batch was on the way, so
// under load one request carries many messages, and when idle a message leaves at once.
class DeliveryLink final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveryLink)
public:
    // The sessions the message reached on the node; nullopt when the node did not answer.
    using Done = std::function<void(std::optional<qint64> delivered)>;

    static constexpr int MaxConnections = 4;
    static constexpr qsizetype MaxQueued = 100000; // past it, deliveries fail at once: the node is not keeping up

    DeliveryLink(const QUrl &nodeBaseUrl, QByteArray secret, QObject *parent = nullptr);
    ~DeliveryLink() override;

    void send(Delivery delivery, Done done);
    qsizetype queued() const { return m_queue.size(); }

private:
    struct Item
    {
        Delivery delivery;
        Done done;
    };
    void pump();
    void post(Cometd::HttpConnection *connection);

    QUrl m_target;
    QByteArray m_secret;
    Cometd::HttpConnectionPool m_pool { MaxConnections };
    QList<Item> m_queue;
};

} // namespace Cluster
