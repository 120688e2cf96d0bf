#include "deliveryledger.h"

using namespace Qt::StringLiterals;

DeliveryLedger::DeliveryLedger(bool tolerateDuplicates)
    : m_tolerateDuplicates(tolerateDuplicates)
{ }

QString DeliveryLedger::wireId(const QString &xmlId, int repeat)
{
    return xmlId + u"-r"_s + QString::number(repeat);
}

QString DeliveryLedger::keyOf(int client, const QString &channel, const QString &id)
{
    // '\n' cannot occur in a channel name (the parser rejects blanks) and separates the parts.
    return QString::number(client) + u'\n' + channel + u'\n' + id;
}

bool DeliveryLedger::expect(int client, const QString &channel, const QString &id, const QString &text)
{
    const QString key = keyOf(client, channel, id);
    if (m_entries.contains(key)) return false;
    m_entries.insert(key, Entry { text, -1, false });
    m_byClient[client].append(Key { client, channel, id });
    return true;
}

void DeliveryLedger::markSent(int client, const QString &channel, const QString &id, qint64 atUs)
{
    const auto it = m_entries.find(keyOf(client, channel, id));
    if (it != m_entries.end() && it->sentAtUs < 0) it->sentAtUs = atUs;
}

DeliveryLedger::Outcome DeliveryLedger::record(
    int client, const QString &channel, const QString &id, const QJsonValue &data, qint64 atUs)
{
    ++m_received;
    const auto it = m_entries.find(keyOf(client, channel, id));
    if (it == m_entries.end() || !data.isString() || data.toString() != it->text) {
        ++m_wrong;
        return Outcome::Wrong;
    }
    if (it->delivered) {
        ++(m_tolerateDuplicates ? m_redelivered : m_duplicated);
        return Outcome::Duplicate;
    }
    it->delivered = true;
    ++m_delivered;
    if (it->sentAtUs >= 0) m_latenciesUs.append(qMax<qint64>(0, atUs - it->sentAtUs));
    return Outcome::Delivered;
}

bool DeliveryLedger::isExpected(int client, const QString &channel, const QString &id) const
{
    return m_entries.contains(keyOf(client, channel, id));
}

bool DeliveryLedger::isDelivered(int client, const QString &channel, const QString &id) const
{
    const auto it = m_entries.constFind(keyOf(client, channel, id));
    return it != m_entries.cend() && it->delivered;
}

QList<DeliveryLedger::Key> DeliveryLedger::missing(int client) const
{
    QList<Key> result;
    for (const Key &key : m_byClient.value(client)) {
        if (!isDelivered(key.client, key.channel, key.id)) result.append(key);
    }
    return result;
}

QString DeliveryLedger::expectedText(const Key &key) const
{
    return m_entries.value(keyOf(key.client, key.channel, key.id)).text;
}
