#pragma once

#include "bayeuxengine.h"
#include "inboundmessage.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1StringView>

namespace Bayeux {

// Builds the reply skeletons and the advice objects of the engine from its options.
class ReplyBuilder final
{
public:
    explicit ReplyBuilder(const EngineOptions &options);

    // {channel, id}: channel and id as the client sent them (each left out when it had none).
    static QJsonObject reply(const InboundMessage &message);
    static QJsonObject reply(QLatin1StringView channel, const QJsonValue &id);
    // reply() with successful:false and `error`.
    static QJsonObject failure(const InboundMessage &message, QLatin1StringView error);

    QJsonObject handshakeAdvice() const; // reconnect retry, interval, timeout, maxInterval
    QJsonObject connectAdvice() const; // reconnect retry, interval, timeout
    QJsonObject multipleClientsAdvice() const; // connectAdvice with multiple-clients and its own interval
    static QJsonObject nodeFullAdvice(); // reconnect handshake after 1 s
    static QJsonObject rehandshakeAdvice(); // reconnect handshake at once (unknown client)
    static QJsonObject noReconnectAdvice(); // reconnect none

private:
    EngineOptions m_options;
};

} // namespace Bayeux
