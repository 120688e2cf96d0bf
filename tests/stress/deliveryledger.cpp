#include "deliveryledger.h"

#include "jsontext.h"

using namespace Qt::StringLiterals;

DeliveryLedger::DeliveryLedger(bool tolerateDuplicates)
    : m_tolerateDuplicates(tolerateDuplicates)
{ }

QString DeliveryLedger::wireId(const QString &xmlId, int repeat)
{
    return xmlId + u"-r"_s + QString::number(repeat);
}

QString DeliveryLedger::keyString(const Key &key)
{
    // '\n' cannot occur in a channel name (the parser rejects blanks) and separates the parts.
    return QString::number(key.client) + u'\n' + key.channel + u'\n' + key.id;
}

int DeliveryLedger::columnOf(const QString &channel, const QString &id) const
{
    const auto byChannel = m_columnIndex.constFind(channel);
    if (byChannel == m_columnIndex.cend()) return -1;
    return byChannel->value(id, -1);
}

const DeliveryLedger::Cell *DeliveryLedger::cell(int client, const QString &channel, const QString &id) const
{
    const int column = columnOf(channel, id);
    if (column < 0 || client < 0) return nullptr;
    const std::vector<Cell> &cells = m_columns[size_t(column)].cells;
    if (size_t(client) >= cells.size() || cells[size_t(client)].state == CellState::NotExpected) return nullptr;
    return &cells[size_t(client)];
}

DeliveryLedger::Cell *DeliveryLedger::cell(int client, const QString &channel, const QString &id)
{
    return const_cast<Cell *>(std::as_const(*this).cell(client, channel, id));
}

bool DeliveryLedger::expect(int client, const QString &channel, const QString &id, const QString &text)
{
    if (client < 0 || cell(client, channel, id)) return false;
    int column = columnOf(channel, id);
    if (column < 0) {
        column = int(m_columns.size());
        m_columns.push_back(Column { channel, id, text, {} });
        m_columnIndex[channel].insert(id, column);
        m_ids.insert(id);
    }
    std::vector<Cell> &cells = m_columns[size_t(column)].cells;
    if (size_t(client) >= cells.size()) cells.resize(size_t(client) + 1);
    cells[size_t(client)].state = CellState::Expected;
    // One text per column: a later expect() of the same (channel, id) for another client with another
    // text is not a case the run produces (message ids are unique per XML).
    if (size_t(client) >= m_byClient.size()) m_byClient.resize(size_t(client) + 1);
    m_byClient[size_t(client)].push_back(column);
    ++m_expected;
    return true;
}

void DeliveryLedger::markSent(int client, const QString &channel, const QString &id, qint64 atUs)
{
    Cell *entry = cell(client, channel, id);
    if (entry && entry->sentAtUs < 0) entry->sentAtUs = atUs;
}

void DeliveryLedger::markSentToAll(const QString &channel, const QString &id, qint64 atUs)
{
    const int column = columnOf(channel, id);
    if (column < 0) return;
    for (Cell &entry : m_columns[size_t(column)].cells) {
        if (entry.state != CellState::NotExpected && entry.sentAtUs < 0) entry.sentAtUs = atUs;
    }
}

DeliveryLedger::Outcome DeliveryLedger::record(
    int client, const QString &channel, const QString &id, const QJsonValue &data, qint64 atUs)
{
    ++m_received;
    const int column = columnOf(channel, id);
    Cell *entry = nullptr;
    if (column >= 0 && client >= 0) {
        std::vector<Cell> &cells = m_columns[size_t(column)].cells;
        if (size_t(client) < cells.size() && cells[size_t(client)].state != CellState::NotExpected)
            entry = &cells[size_t(client)];
    }
    if (!entry && !m_ids.contains(id)) {
        ++m_foreign;
        return anomaly(Outcome::Foreign, client, channel, id, data);
    }
    if (!entry || !data.isString() || data.toString() != m_columns[size_t(column)].text) {
        ++m_wrong;
        return anomaly(Outcome::Wrong, client, channel, id, data);
    }
    if (entry->state == CellState::Delivered) {
        if (m_tolerateDuplicates) {
            ++m_redelivered;
            return Outcome::Duplicate;
        }
        ++m_duplicated;
        return anomaly(Outcome::Duplicate, client, channel, id, data);
    }
    if (entry->state == CellState::Unsent) --m_unsent; // its send failed, yet it came
    entry->state = CellState::Delivered;
    ++m_delivered;
    if (entry->sentAtUs >= 0) m_latenciesUs.append(qMax<qint64>(0, atUs - entry->sentAtUs));
    return Outcome::Delivered;
}

bool DeliveryLedger::isExpected(int client, const QString &channel, const QString &id) const
{
    return cell(client, channel, id) != nullptr;
}

bool DeliveryLedger::isDelivered(int client, const QString &channel, const QString &id) const
{
    const Cell *entry = cell(client, channel, id);
    return entry && entry->state == CellState::Delivered;
}

QList<DeliveryLedger::Key> DeliveryLedger::missing(int client) const
{
    QList<Key> result;
    if (client < 0 || size_t(client) >= m_byClient.size()) return result;
    for (int column : m_byClient[size_t(client)]) {
        const Column &c = m_columns[size_t(column)];
        if (c.cells[size_t(client)].state == CellState::Expected) result.append(Key { client, c.channel, c.id });
    }
    return result;
}

QString DeliveryLedger::expectedText(const Key &key) const
{
    if (!cell(key.client, key.channel, key.id)) return {};
    return m_columns[size_t(columnOf(key.channel, key.id))].text;
}

DeliveryLedger::Outcome DeliveryLedger::anomaly(
    Outcome outcome, int client, const QString &channel, const QString &id, const QJsonValue &data)
{
    int &kept = m_anomaliesKept[int(outcome)];
    if (kept >= MaxAnomalies) return outcome;
    ++kept;
    QString came = JsonText::compact(data);
    if (came.size() > MaxAnomalyText) came = came.left(MaxAnomalyText) + u'…';
    m_anomalies.append(Anomaly { outcome, client, channel, id, came });
    return outcome;
}

void DeliveryLedger::markCellUnsent(Cell &entry)
{
    if (entry.state != CellState::Expected) return;
    entry.state = CellState::Unsent;
    ++m_unsent;
}

void DeliveryLedger::markUnsent(int client, const QString &channel, const QString &id)
{
    if (Cell *entry = cell(client, channel, id)) markCellUnsent(*entry);
}

void DeliveryLedger::markColumnUnsent(const QString &channel, const QString &id)
{
    const int column = columnOf(channel, id);
    if (column < 0) return;
    for (Cell &entry : m_columns[size_t(column)].cells)
        markCellUnsent(entry);
}

void DeliveryLedger::markClientUnsent(int client)
{
    if (client < 0 || size_t(client) >= m_byClient.size()) return;
    for (int column : m_byClient[size_t(client)])
        markCellUnsent(m_columns[size_t(column)].cells[size_t(client)]);
}
