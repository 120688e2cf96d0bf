#include "channelmodel.h"

#include "modelroles.h"

namespace AdminGui {

ChannelModel::ChannelModel(QObject *parent)
    : KeyedTableModel<Channel>(parent)
{ }

int ChannelModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ChannelModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Channel &channel = at(index.row());
    if (role == KeyRole) return channel.channel;
    if (role == Qt::TextAlignmentRole && index.column() != ChannelColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    // Up to 1,024 bytes: wider than any column, read whole in the tooltip.
    if (role == Qt::ToolTipRole && index.column() == ChannelColumn) return channel.channel;
    if (role != Qt::DisplayRole && role != SortRole) return {};
    switch (index.column()) {
    case ChannelColumn:
        return channel.channel;
    case SubscribersColumn:
        return channel.subscribers;
    case RateColumn:
        return role == SortRole ? QVariant(channel.messagesPerSecond)
                                : QVariant(QString::number(channel.messagesPerSecond, 'f', 1));
    default:
        return {};
    }
}

QVariant ChannelModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case ChannelColumn:
        return tr("Channel");
    case SubscribersColumn:
        return tr("Subscribers");
    case RateColumn:
        return tr("Messages/s");
    default:
        return {};
    }
}

void ChannelModel::applyEvents(const QList<ChannelEvent> &events)
{
    QList<Change> changes;
    changes.reserve(events.size());
    for (const ChannelEvent &event : events) {
        if (event.kind == ChangeKind::Removed)
            changes.append({ event.channel.channel, std::nullopt });
        else
            changes.append({ event.channel.channel, event.channel });
    }
    applyChanges(changes);
}

} // namespace AdminGui
