#pragma once

#include "admintypes.h"

#include <QAbstractTableModel>
#include <QHash>

namespace AdminGui {

// What happened while the console watched: nodes going up and down, users joining and leaving,
// the connection itself. Append-only, capped (the oldest rows go first).
class EventLogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventLogModel)
public:
    enum Column { TimeColumn, KindColumn, TextColumn, ColumnCount };
    enum class Kind { Connection, NodeUp, NodeDown, NodeDraining, UserJoined, UserLeft };
    struct Entry
    {
        QDateTime at;
        Kind kind = Kind::Connection;
        QString text;
    };

    explicit EventLogModel(QObject *parent = nullptr, qsizetype maxEntries = 10000);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const Entry &at(int row) const { return m_entries.at(row); }
    static QString kindName(Kind kind);

    void addEntry(Kind kind, const QString &text, const QDateTime &at = QDateTime::currentDateTimeUtc());
    // The nodes of a (re)connect's snapshot: logs only what changed since the console last knew.
    void nodesSnapshot(const QList<Node> &nodes);
    void nodeSeen(const Node &node); // logs a change of state
    void userEvents(const QList<UserEvent> &events); // logs joins and leaves

private:
    void append(QList<Entry> entries);

    qsizetype m_maxEntries;
    QList<Entry> m_entries;
    QHash<QString, QString> m_nodeStates; // node id → last state seen
};

} // namespace AdminGui
