#pragma once

#include "admintypes.h"

#include <QAbstractTableModel>
#include <QHash>

#include <optional>

namespace AdminGui {

// What the console sent from Compose and what each send returned, newest last.
class SendHistoryModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SendHistoryModel)
public:
    enum Column {
        TimeColumn,
        TypeColumn,
        TargetColumn,
        ChannelColumn,
        IdColumn,
        MessageColumn,
        ResultColumn,
        ColumnCount
    };
    struct Entry
    {
        quint64 requestId = 0;
        QDateTime at;
        OutgoingMessage message;
        std::optional<SendResult> result; // none while the answer is pending
    };

    explicit SendHistoryModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const Entry &at(int row) const { return m_entries.at(row); }
    void addSent(
        quint64 requestId, const OutgoingMessage &message, const QDateTime &at = QDateTime::currentDateTimeUtc());
    void setResult(quint64 requestId, const SendResult &result); // ignores unknown ids

private:
    QList<Entry> m_entries;
    QHash<quint64, int> m_rowOfRequest;
};

} // namespace AdminGui
