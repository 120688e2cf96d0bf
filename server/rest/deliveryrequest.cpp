#include "deliveryrequest.h"

#include "channelname.h"
#include "wire.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace Rest {

std::variant<DeliveryRequest, DeliveryError> parseDeliveryRequest(const QByteArray &body, DeliveryKind kind)
{
    QJsonParseError parseError {};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return DeliveryError {
            QStringLiteral("malformed JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString())
        };
    if (!doc.isObject()) return DeliveryError { QStringLiteral("the body must be a JSON object") };
    return parseDeliveryObject(doc.object(), kind);
}

std::variant<DeliveryRequest, DeliveryError> parseDeliveryObject(const QJsonObject &o, DeliveryKind kind)
{
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (it.key() != Wire::Rest::Message && !it.value().isString())
            return DeliveryError { QStringLiteral("field \"%1\" must be a string").arg(it.key()) };
    }
    DeliveryRequest r;
    r.channel = o.value(Wire::Rest::Channel).toString();
    r.exoId = o.value(Wire::Rest::ExoId).toString();
    r.id = o.value(Wire::Rest::Id).toString();
    if (!o.contains(Wire::Rest::Message)) return DeliveryError { QStringLiteral("field \"message\" is required") };
    r.message = o.value(Wire::Rest::Message);

    if (r.channel.isEmpty()) return DeliveryError { QStringLiteral("field \"channel\" is required") };
    const auto channel = Bayeux::ChannelName::parse(r.channel);
    if (!channel || channel->isWildcard() || channel->isMeta())
        return DeliveryError { QStringLiteral("invalid channel \"%1\"").arg(r.channel) };
    if (kind == DeliveryKind::Private && r.exoId.isEmpty())
        return DeliveryError { QStringLiteral("field \"exoId\" is required") };
    if (kind == DeliveryKind::Broadcast) r.exoId.clear();
    return r;
}

} // namespace Rest
