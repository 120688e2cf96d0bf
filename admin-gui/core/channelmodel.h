#pragma once

#include "admintypes.h"
#include "keyedtablemodel.h"

namespace AdminGui {

// The channels with subscribers in the cluster, kept current by channel events.
class ChannelModel final : public KeyedTableModel<Channel>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChannelModel)
public:
    enum Column { ChannelColumn, SubscribersColumn, RateColumn, ColumnCount };

    explicit ChannelModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setChannels(const QList<Channel> &channels) { replaceAll(channels); }
    void applyEvents(const QList<ChannelEvent> &events);
};

} // namespace AdminGui
