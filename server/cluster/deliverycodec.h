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
// A batch's body stays within this, unless one delivery alone is bigger (it then goes alone): a
// batch of large messages must not grow to MaxDeliveryBatch times the delivery API's size limit.
inline constexpr qsizetype MaxDeliveryBatchBytes = qsizetype(256) * 1024;

QByteArray encodeDeliveries(const QList<Delivery> &deliveries);

// Builds one batch body delivery by delivery, within MaxDeliveryBatch and MaxDeliveryBatchBytes.
class DeliveryBatchWriter final
{
public:
    DeliveryBatchWriter();
    // False, and nothing added, when the delivery would take the batch past a limit; the first one
    // is always taken.
    bool add(const Delivery &delivery);
    qsizetype count() const { return m_count; }
    QByteArray finish(); // the JSON array

private:
    QByteArray m_body;
    QByteArray m_entry;
    qsizetype m_count = 0;
};
// Every entry is checked as the delivery API checks a body; one bad entry refuses the batch.
std::variant<QList<Delivery>, Rest::DeliveryError> decodeDeliveries(const QByteArray &body);

QByteArray encodeDelivered(const QList<qint64> &delivered);
// nullopt: not the answer's shape, or not `expected` counts.
std::optional<QList<qint64>> decodeDelivered(const QByteArray &body, qsizetype expected);

} // namespace Cluster
