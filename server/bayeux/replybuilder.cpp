#include "replybuilder.h"

#include "wire.h"

namespace Bayeux {

namespace {
constexpr int NodeFullRetryMs = 1000;
}

ReplyBuilder::ReplyBuilder(const EngineOptions &options)
    : m_options(options)
{ }

QJsonObject ReplyBuilder::reply(const InboundMessage &message)
{
    QJsonObject object;
    if (!message.channel.isEmpty()) object.insert(Wire::Field::Channel, message.channel);
    if (!message.id.isUndefined()) object.insert(Wire::Field::Id, message.id);
    return object;
}

QJsonObject ReplyBuilder::reply(QLatin1StringView channel, const QJsonValue &id)
{
    QJsonObject object { { Wire::Field::Channel, channel } };
    if (!id.isUndefined()) object.insert(Wire::Field::Id, id);
    return object;
}

QJsonObject ReplyBuilder::failure(const InboundMessage &message, QLatin1StringView error)
{
    QJsonObject object = reply(message);
    object.insert(Wire::Field::Successful, false);
    object.insert(Wire::Field::Error, error);
    return object;
}

QJsonObject ReplyBuilder::handshakeAdvice() const
{
    QJsonObject advice = connectAdvice();
    advice.insert(Wire::AdviceField::MaxInterval, m_options.maxIntervalMs);
    return advice;
}

QJsonObject ReplyBuilder::connectAdvice() const
{
    return QJsonObject {
        { Wire::AdviceField::Reconnect, Wire::AdviceField::Retry },
        { Wire::AdviceField::Interval, m_options.intervalMs },
        { Wire::AdviceField::Timeout, m_options.timeoutMs },
    };
}

QJsonObject ReplyBuilder::multipleClientsAdvice() const
{
    QJsonObject advice = connectAdvice();
    advice.insert(Wire::AdviceField::MultipleClients, true);
    advice.insert(Wire::AdviceField::Interval, m_options.multiSessionIntervalMs);
    return advice;
}

QJsonObject ReplyBuilder::nodeFullAdvice()
{
    return QJsonObject {
        { Wire::AdviceField::Reconnect, Wire::AdviceField::Handshake },
        { Wire::AdviceField::Interval, NodeFullRetryMs },
    };
}

QJsonObject ReplyBuilder::rehandshakeAdvice()
{
    return QJsonObject {
        { Wire::AdviceField::Reconnect, Wire::AdviceField::Handshake },
        { Wire::AdviceField::Interval, 0 },
    };
}

QJsonObject ReplyBuilder::noReconnectAdvice()
{
    return QJsonObject { { Wire::AdviceField::Reconnect, Wire::AdviceField::None } };
}

} // namespace Bayeux
