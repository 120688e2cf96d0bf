#pragma once

#include "deliverycodec.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace Cluster {

class DeliveryLink;

// How the balancer hands a message to one node. HTTP batches here; a shared bus (Redis pub/sub)
// can take its place when several stateless balancers share one cluster.
class DeliveryTransport
{
public:
    // The sessions the message reached on the node; nullopt when the node did not answer.
    using Done = std::function<void(std::optional<qint64> delivered)>;

    virtual ~DeliveryTransport() = default;
    virtual void send(const QString &nodeUrl, const Delivery &delivery, Done done) = 0;
};

// One DeliveryLink per node URL; links of URLs no node has any more are dropped as new ones come.
class HttpDeliveryTransport final : public QObject, public DeliveryTransport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpDeliveryTransport)
public:
    using UrlsInUse = std::function<QSet<QString>()>;

    HttpDeliveryTransport(QByteArray secret, UrlsInUse urlsInUse, QObject *parent = nullptr);
    ~HttpDeliveryTransport() override;

    void send(const QString &nodeUrl, const Delivery &delivery, Done done) override;

private:
    DeliveryLink *linkTo(const QString &nodeUrl);

    QByteArray m_secret;
    UrlsInUse m_urlsInUse;
    QHash<QString, DeliveryLink *> m_links; // children
};

} // namespace Cluster
