#include "batchparser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QUrl>

namespace Transport {

ParsedBatch parseBatch(const QByteArray &json)
{
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return { std::nullopt,
            QStringLiteral("malformed JSON at offset %1: %2").arg(error.offset).arg(error.errorString()) };
    if (doc.isObject()) return { QJsonArray { doc.object() }, {} };
    if (doc.isArray()) return { doc.array(), {} };
    return { std::nullopt, QStringLiteral("a Bayeux batch is a JSON object or array") };
}

ParsedBatch parseFormBatch(const QByteArray &formBody)
{
    QJsonArray all;
    bool found = false;
    for (const QByteArray &pair : formBody.split('&')) {
        const qsizetype eq = pair.indexOf('=');
        if (eq < 0 || QByteArrayView(pair).first(eq) != "message") continue;
        QByteArray value = pair.mid(eq + 1);
        value.replace('+', ' ');
        ParsedBatch one = parseBatch(QByteArray::fromPercentEncoding(value));
        if (!one.messages) return one;
        for (const QJsonValue &m : std::as_const(*one.messages))
            all.append(m);
        found = true;
    }
    if (!found) return { std::nullopt, QStringLiteral("form body has no message field") };
    return { all, {} };
}

bool isValidJsonpCallback(QByteArrayView name)
{
    if (name.isEmpty() || name.size() > 128) return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
            || c == '$' || c == '.';
        if (!ok) return false;
    }
    return true;
}

} // namespace Transport
