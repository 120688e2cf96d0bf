#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <variant>

namespace Rest {

// The body of sendprivatemessage / sendbroadcastmessage (SPEC §2), validated.
struct DeliveryRequest
{
    QString channel;
    QString exoId; // empty for a broadcast
    QJsonValue message; // any JSON value, delivered as the Bayeux "data" exactly
    QString id;
};

struct DeliveryError
{
    QString message;
};

enum class DeliveryKind { Private, Broadcast };

// Fields other than "message" must be strings; keys may come in any order; the channel must be a
// concrete channel a client can receive on (not /meta/**, not a wildcard).
std::variant<DeliveryRequest, DeliveryError> parseDeliveryRequest(const QByteArray &body, DeliveryKind kind);
std::variant<DeliveryRequest, DeliveryError> parseDeliveryObject(const QJsonObject &o, DeliveryKind kind);

} // namespace Rest
