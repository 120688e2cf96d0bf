#include "deliverycodec.h"

#include "outgoingmessage.h"
#include "wire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace Cluster {

namespace {

void appendDelivery(QByteArray &out, const Delivery &d)
{
    // Written as bytes: the balancer encodes every message it routes, and a QJsonObject per entry
    // cost more than the rest of its work on the message.
    const auto field = [&out](QLatin1StringView key, const QJsonValue &value, bool first = false) {
        if (!first) out += ',';
        out += '"';
        out += key;
        out += "\":";
        Bayeux::appendJsonValue(out, value);
    };
    const Rest::DeliveryRequest &r = d.request;
    out += '{';
    field(Wire::Rest::Channel, r.channel, true);
    if (!r.exoId.isEmpty()) field(Wire::Rest::ExoId, r.exoId);
    if (!r.id.isEmpty()) field(Wire::Rest::Id, r.id);
    field(Wire::Rest::Message, r.message);
    field(Wire::ClusterDelivery::Type,
        QString(d.isPrivate ? Wire::ClusterDelivery::Private : Wire::ClusterDelivery::Broadcast));
    out += '}';
}

} // namespace

QByteArray encodeDeliveries(const QList<Delivery> &deliveries)
{
    QByteArray out;
    out.reserve(deliveries.size() * 128);
    out += '[';
    for (const Delivery &d : deliveries) {
        if (out.size() > 1) out += ',';
        appendDelivery(out, d);
    }
    out += ']';
    return out;
}

DeliveryBatchWriter::DeliveryBatchWriter()
{
    m_body += '[';
}

bool DeliveryBatchWriter::add(const Delivery &delivery)
{
    if (m_count >= MaxDeliveryBatch) return false;
    m_entry.clear();
    appendDelivery(m_entry, delivery);
    // +2: the comma before it and the closing bracket.
    if (m_count > 0 && m_body.size() + m_entry.size() + 2 > MaxDeliveryBatchBytes) return false;
    if (m_count > 0) m_body += ',';
    m_body += m_entry;
    ++m_count;
    return true;
}

QByteArray DeliveryBatchWriter::finish()
{
    m_body += ']';
    return std::exchange(m_body, {});
}

std::variant<QList<Delivery>, Rest::DeliveryError> decodeDeliveries(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isArray()) return Rest::DeliveryError { u"the batch must be a JSON array"_s };
    const QJsonArray batch = doc.array();
    if (batch.size() > MaxDeliveryBatch)
        return Rest::DeliveryError { u"a batch holds at most %1 deliveries"_s.arg(MaxDeliveryBatch) };
    QList<Delivery> deliveries;
    deliveries.reserve(batch.size());
    for (const QJsonValue &entry : batch) {
        QJsonObject o = entry.toObject();
        const QString type = o.take(Wire::ClusterDelivery::Type).toString();
        const bool isPrivate = type == Wire::ClusterDelivery::Private;
        if (!isPrivate && type != Wire::ClusterDelivery::Broadcast)
            return Rest::DeliveryError { u"every delivery needs a type, private or broadcast"_s };
        auto parsed
            = Rest::parseDeliveryObject(o, isPrivate ? Rest::DeliveryKind::Private : Rest::DeliveryKind::Broadcast);
        if (auto *error = std::get_if<Rest::DeliveryError>(&parsed)) return std::move(*error);
        deliveries.append({ isPrivate, std::move(std::get<Rest::DeliveryRequest>(parsed)) });
    }
    return deliveries;
}

QByteArray encodeDelivered(const QList<qint64> &delivered)
{
    QJsonArray counts;
    for (const qint64 n : delivered)
        counts.append(n);
    return QJsonDocument(QJsonObject { { Wire::ClusterDelivery::Delivered, counts } }).toJson(QJsonDocument::Compact);
}

std::optional<QList<qint64>> decodeDelivered(const QByteArray &body, qsizetype expected)
{
    const QJsonArray counts = QJsonDocument::fromJson(body).object().value(Wire::ClusterDelivery::Delivered).toArray();
    if (counts.size() != expected) return std::nullopt;
    QList<qint64> out;
    out.reserve(expected);
    for (const QJsonValue &v : counts) {
        // Past qint64 the conversion below is undefined.
        if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 9.0e15) return std::nullopt;
        out.append(qint64(v.toDouble()));
    }
    return out;
}

} // namespace Cluster
