#pragma once

#include "channelname.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1StringView>
#include <QString>

#include <optional>

namespace Bayeux {

// One element of a client batch after the checks every message needs, or the Bayeux error that
// answers it.
struct InboundMessage
{
    enum class Kind { Handshake, Connect, Disconnect, Subscribe, Unsubscribe, Publish };

    Kind kind = Kind::Publish;
    QJsonObject object;
    QString channel; // as sent, when it was a string
    std::optional<ChannelName> name; // set when valid
    QByteArray clientId; // empty when absent
    QJsonValue id { QJsonValue::Undefined }; // string or number as sent; Undefined when absent or of another type
    QLatin1StringView error; // a Wire::Error constant; empty when the message is valid

    bool isValid() const { return error.isEmpty(); }

    // Not an object, no string channel, or a clientId that is not a string: 400::invalid message.
    // A malformed channel name: 400::invalid channel. A /meta channel other than the five of
    // Bayeux: 403::forbidden (no client may publish there).
    static InboundMessage inspect(const QJsonValue &value);
};

// The eXo credentials of a message: top-level exoId/exoToken, or inside ext.
struct Credentials
{
    std::optional<QString> user;
    std::optional<QString> token;

    static Credentials from(const QJsonObject &message);
};

} // namespace Bayeux
