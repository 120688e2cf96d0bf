#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QString>

#include <optional>

namespace Transport {

// A Bayeux batch as it arrives: a JSON object or array of objects, possibly form-encoded.
struct ParsedBatch
{
    std::optional<QJsonArray> messages;
    QString error; // set when messages is empty
};

ParsedBatch parseBatch(const QByteArray &json);
// `message=<json>` as sent by form posts and callback-polling (may appear several times).
ParsedBatch parseFormBatch(const QByteArray &formBody);

// A JSONP callback name a browser can call: identifier characters and dots only, bounded.
bool isValidJsonpCallback(QByteArrayView name);

} // namespace Transport
