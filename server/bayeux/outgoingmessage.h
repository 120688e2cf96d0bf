#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

namespace Bayeux {

// One message for clients, serialised once and shared (implicitly) by every queue it is put in.
// `framed` is the same message as a one-element array, so that delivering a lone message copies nothing.
struct OutgoingMessage
{
    QByteArray json; // {"channel":...,"data":...,"id":...}
    QByteArray framed; // [json]

    // `id` is left out when empty.
    static OutgoingMessage make(const QString &channel, const QJsonValue &data, const QJsonValue &id);
};

// Joins already serialised JSON values into one JSON array text.
class JsonArrayWriter final
{
public:
    void append(const QByteArray &json);
    void append(const QJsonObject &object);
    void append(const QList<OutgoingMessage> &messages);
    bool isEmpty() const { return m_count == 0; }
    int count() const { return m_count; }
    QByteArray take(); // "[...]"; the writer is empty again

private:
    QByteArray m_text;
    int m_count = 0;
};

QByteArray toCompactJson(const QJsonObject &object);

// Appends `value` as QJsonDocument writes it in compact form. Plain strings and whole numbers are
// written directly; anything else goes through QJsonDocument.
void appendJsonValue(QByteArray &out, const QJsonValue &value);

// The reply to a /meta/connect, written straight as bytes because it is sent once per heartbeat and
// per long-poll answer: the same text toCompactJson() makes of the equivalent object (keys sorted),
// at a tenth of the cost. `adviceJson` is the advice already serialised; `clientId` is URL-safe
// base64; the id is left out when undefined; ext.ack only when ackBatch >= 0.
QByteArray connectReplyJson(
    const QByteArray &adviceJson, const QByteArray &clientId, const QJsonValue &id, qint64 ackBatch);

} // namespace Bayeux
