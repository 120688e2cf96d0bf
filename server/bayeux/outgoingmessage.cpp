#include "outgoingmessage.h"

#include "wire.h"

#include <QJsonDocument>

#include <utility>

namespace Bayeux {

QByteArray toCompactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

OutgoingMessage OutgoingMessage::make(const QString &channel, const QJsonValue &data, const QJsonValue &id)
{
    QJsonObject object { { Wire::Field::Channel, channel }, { Wire::Field::Data, data } };
    if (!id.isUndefined() && !id.isNull() && !(id.isString() && id.toString().isEmpty()))
        object.insert(Wire::Field::Id, id);
    OutgoingMessage message;
    message.json = toCompactJson(object);
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

} // namespace Bayeux
