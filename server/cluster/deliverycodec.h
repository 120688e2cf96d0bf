#pragma once

#include "deliveryrequest.h"

#include <QByteArray>
#include <QList>

#include <optional>
#include <variant>

namespace Cluster {

// One message the balancer hands to a node: the delivery API's body and whether it is private.
struct Delivery
{
    bool isPrivate = true;
    Rest::DeliveryRequest request;
};

// A batch travels as one POST to Wire::ClusterDelivery::Path, so that a busy balancer pays one
// request per batch, not per message.
inline constexpr qsizetype MaxDeliveryBatch = 512;

QByteArray encodeDeliveries(const QList<Delivery> &deliveries);
// Every entry is checked as the delivery API checks a body; one bad entry refuses the batch.
std::variant<QList<Delivery>, Rest::DeliveryError> decodeDeliveries(const QByteArray &body);

QByteArray encodeDelivered(const QList<qint64> &delivered);
// nullopt: not the answer's shape, or not `expected` counts.
std::optional<QList<qint64>> decodeDelivered(const QByteArray &body, qsizetype expected);

} // namespace Cluster
