#include "sendhistorymodel.h"

#include "jsontext.h"
#include "modelroles.h"

#include <QBrush>
#include <QColor>

using namespace Qt::StringLiterals;

namespace AdminGui {

namespace {
QString compactJson(const QJsonValue &value)
{
    return value.isString() ? value.toString() : JsonText::compact(value);
}
} // namespace

SendHistoryModel::SendHistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int SendHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int SendHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SendHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Entry &entry = m_entries.at(index.row());
    if (role == Qt::ForegroundRole && index.column() == ResultColumn && entry.result && !entry.result->ok)
        return QBrush(QColor(0xc0, 0x20, 0x20));
    if (role != Qt::DisplayRole && role != SortRole) return {};
    switch (index.column()) {
    case TimeColumn:
        if (role == SortRole) return entry.at;
        return entry.at.toLocalTime().toString(u"HH:mm:ss"_s);
    case TypeColumn:
        return entry.message.broadcast ? tr("broadcast") : tr("private");
    case TargetColumn:
        return entry.message.broadcast ? tr("everyone") : entry.message.user;
    case ChannelColumn:
        return entry.message.channel;
    case IdColumn:
        return entry.message.id;
    case MessageColumn:
        return compactJson(entry.message.message);
    case ResultColumn:
        return entry.result ? entry.result->text() : tr("sending…");
    default:
        return {};
    }
}

QVariant SendHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case TimeColumn:
        return tr("Sent");
    case TypeColumn:
        return tr("Type");
    case TargetColumn:
        return tr("To");
    case ChannelColumn:
        return tr("Channel");
    case IdColumn:
        return tr("Id");
    case MessageColumn:
        return tr("Message");
    case ResultColumn:
        return tr("Result");
    default:
        return {};
    }
}

void SendHistoryModel::addSent(quint64 requestId, const OutgoingMessage &message, const QDateTime &at)
{
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    m_entries.append({ requestId, at, message, std::nullopt });
    m_rowOfRequest.insert(requestId, row);
    endInsertRows();
}

void SendHistoryModel::setResult(quint64 requestId, const SendResult &result)
{
    const int row = m_rowOfRequest.value(requestId, -1);
    if (row < 0) return;
    m_entries[row].result = result;
    Q_EMIT dataChanged(index(row, ResultColumn), index(row, ResultColumn));
}

} // namespace AdminGui
