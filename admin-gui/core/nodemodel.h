#pragma once

#include "admintypes.h"
#include "keyedtablemodel.h"

namespace AdminGui {

// The cluster's nodes: one row per node, kept current by node events and the per-second stats.
class NodeModel final : public KeyedTableModel<Node>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeModel)
public:
    enum Column { IdColumn, UrlColumn, StateColumn, LoadColumn, UsersColumn, InColumn, OutColumn, ColumnCount };

    explicit NodeModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setNodes(const QList<Node> &nodes);
    void updateNode(const Node &node);
    // Users per node as the Users table counts them. Node events and stats do not carry every
    // change of a node's user count, so once given, these counts win over the frames' "users".
    void setUserCounts(const QHash<QString, qint64> &counts);
    // Sessions and message rates from a stats frame; one dataChanged per row that changed.
    void applyStats(const StatsSample &stats);

    // While valid, the rows are the cluster as last seen at `since` (the events stream is lost):
    // they read "stale" and in grey instead of a live "up" in green.
    void setStaleSince(const QDateTime &since);
    QDateTime staleSince() const { return m_staleSince; }

    static QString stateText(const Node &node);

private:
    Node withUserCount(Node node) const;

    std::optional<QHash<QString, qint64>> m_userCounts;
    QDateTime m_staleSince;
};

} // namespace AdminGui
