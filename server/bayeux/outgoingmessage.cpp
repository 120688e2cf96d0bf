#include "outgoingmessage.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <utility>

namespace Bayeux {

QByteArray toCompactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void appendJsonValue(QByteArray &out, const QJsonValue &value)
{
    if (value.isString()) {
        const QString text = value.toString();
        const bool plain = std::all_of(text.cbegin(), text.cend(),
            [](QChar c) { return c.unicode() >= 0x20 && c.unicode() < 0x7f && c != u'"' && c != u'\\'; });
        if (plain) {
            out += '"';
            out += text.toLatin1();
            out += '"';
            return;
        }
    } else if (value.isDouble()) {
        const double d = value.toDouble();
        if (d == std::floor(d) && std::abs(d) < 1e15) {
            out += QByteArray::number(qint64(d));
            return;
        }
    }
    const QByteArray array = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
    out += QByteArrayView(array).sliced(1, array.size() - 2);
}

OutgoingMessage OutgoingMessage::make(const QString &channel, const QJsonValue &data, const QJsonValue &id)
{
    // Written as bytes (keys in QJsonDocument's order), not through a QJsonObject: this runs once
    // per published message and the object round trip cost several times the rest of the delivery.
    OutgoingMessage message;
    QByteArray &json = message.json;
    json.reserve(channel.size() + 64);
    json += "{\"channel\":";
    appendJsonValue(json, QJsonValue(channel));
    if (!data.isUndefined()) {
        json += ",\"data\":";
        appendJsonValue(json, data);
    }
    if (!id.isUndefined() && !id.isNull() && !(id.isString() && id.toString().isEmpty())) {
        json += ",\"id\":";
        appendJsonValue(json, id);
    }
    json += '}';
    message.framed.reserve(message.json.size() + 2);
    message.framed.append('[').append(message.json).append(']');
    return message;
}

void JsonArrayWriter::append(const QByteArray &json)
{
    m_text.append(m_count == 0 ? '[' : ',');
    m_text.append(json);
    ++m_count;
}

void JsonArrayWriter::append(const QJsonObject &object)
{
    append(toCompactJson(object));
}

void JsonArrayWriter::append(const QList<OutgoingMessage> &messages)
{
    for (const OutgoingMessage &message : messages)
        append(message.json);
}

QByteArray JsonArrayWriter::take()
{
    if (m_count == 0) m_text = QByteArrayLiteral("[");
    m_text.append(']');
    m_count = 0;
    return std::exchange(m_text, QByteArray());
}

QByteArray connectReplyJson(
    const QByteArray &adviceJson, const QByteArray &clientId, const QJsonValue &id, qint64 ackBatch)
{
    QByteArray out;
    out.reserve(adviceJson.size() + clientId.size() + 96);
    out += "{\"advice\":";
    out += adviceJson;
    out += ",\"channel\":\"/meta/connect\",\"clientId\":\"";
    out += clientId;
    out += '"';
    if (ackBatch >= 0) {
        out += ",\"ext\":{\"ack\":";
        out += QByteArray::number(ackBatch);
        out += '}';
    }
    if (!id.isUndefined()) {
        out += ",\"id\":";
        appendJsonValue(out, id);
    }
    out += ",\"successful\":true}";
    return out;
}

} // namespace Bayeux
