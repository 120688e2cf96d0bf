#include "inboundmessage.h"

#include "wire.h"

namespace Bayeux {

InboundMessage InboundMessage::inspect(const QJsonValue &value)
{
    InboundMessage message;
    if (!value.isObject()) {
        message.error = Wire::Error::InvalidMessage;
        return message;
    }
    message.object = value.toObject();

    const QJsonValue id = message.object.value(Wire::Field::Id);
    if (id.isString() || id.isDouble()) message.id = id;

    const QJsonValue channel = message.object.value(Wire::Field::Channel);
    if (!channel.isString()) {
        message.error = Wire::Error::InvalidMessage;
        return message;
    }
    message.channel = channel.toString();

    const QJsonValue clientId = message.object.value(Wire::Field::ClientId);
    if (clientId.isString()) {
        message.clientId = clientId.toString().toUtf8();
    } else if (!clientId.isUndefined()) {
        message.error = Wire::Error::InvalidMessage;
        return message;
    }

    message.name = ChannelName::parse(message.channel);
    if (!message.name) {
        message.error = Wire::Error::InvalidChannel;
        return message;
    }
    if (message.name->isMeta()) {
        if (message.channel == Wire::Channel::Handshake)
            message.kind = Kind::Handshake;
        else if (message.channel == Wire::Channel::Connect)
            message.kind = Kind::Connect;
        else if (message.channel == Wire::Channel::Disconnect)
            message.kind = Kind::Disconnect;
        else if (message.channel == Wire::Channel::Subscribe)
            message.kind = Kind::Subscribe;
        else if (message.channel == Wire::Channel::Unsubscribe)
            message.kind = Kind::Unsubscribe;
        else
            message.error = Wire::Error::Forbidden;
        return message;
    }
    message.kind = Kind::Publish;
    return message;
}

Credentials Credentials::from(const QJsonObject &message)
{
    const QJsonObject ext = message.value(Wire::Field::Ext).toObject();
    const auto field = [&](QLatin1StringView key) -> std::optional<QString> {
        QJsonValue value = message.value(key);
        if (value.isUndefined()) value = ext.value(key);
        if (value.isUndefined()) return std::nullopt;
        // A present but non-string value is kept as an empty string so that it fails the checks.
        return value.isString() ? value.toString() : QString();
    };
    return Credentials { field(Wire::Field::ExoId), field(Wire::Field::ExoToken) };
}

} // namespace Bayeux
