#include "nodemodel.h"

#include "modelroles.h"
#include "wire.h"

#include <QBrush>
#include <QColor>

using namespace Qt::StringLiterals;

namespace AdminGui {

NodeModel::NodeModel(QObject *parent)
    : KeyedTableModel<Node>(parent)
{ }

int NodeModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString NodeModel::stateText(const Node &node)
{
    return node.dynamic ? node.state + u" (dynamic)"_s : node.state;
}

QVariant NodeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Node &node = at(index.row());
    if (role == KeyRole) return node.id;
    if (role == StaleRole) return m_staleSince.isValid();
    if (index.column() == LoadColumn) {
        switch (role) {
        case Qt::DisplayRole:
            return (node.sessions == 1 ? tr("%1 / %2 · %3 session") : tr("%1 / %2 · %3 sessions"))
                .arg(node.placed)
                .arg(node.maxConnection)
                .arg(node.sessions);
        case SortRole:
        case LoadRole:
            return node.load();
        case SessionsRole:
            return node.sessions;
        case CapacityRole:
            return node.maxConnection;
        default:
            return {};
        }
    }
    if (role == Qt::ForegroundRole && m_staleSince.isValid()) return QBrush(QColor(0x80, 0x80, 0x80));
    if (role == Qt::ForegroundRole && index.column() == StateColumn) {
        if (node.state == Wire::NodeState::Down) return QBrush(QColor(0xc0, 0x20, 0x20));
        if (node.state == Wire::NodeState::Draining) return QBrush(QColor(0xc0, 0x70, 0x00));
        return QBrush(QColor(0x20, 0x80, 0x30));
    }
    if (role == Qt::TextAlignmentRole && index.column() >= UsersColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != SortRole) return {};
    switch (index.column()) {
    case IdColumn:
        return node.id;
    case UrlColumn:
        return node.url;
    case StateColumn:
        if (m_staleSince.isValid())
            return tr("%1, stale: last seen %2")
                .arg(stateText(node), m_staleSince.toLocalTime().toString(u"HH:mm:ss"_s));
        return stateText(node);
    case UsersColumn:
        return node.users;
    case InColumn:
        return role == SortRole ? QVariant(node.messagesIn) : QVariant(QString::number(node.messagesIn, 'f', 1));
    case OutColumn:
        return role == SortRole ? QVariant(node.messagesOut) : QVariant(QString::number(node.messagesOut, 'f', 1));
    default:
        return {};
    }
}

QVariant NodeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case IdColumn:
        return tr("Node");
    case UrlColumn:
        return tr("URL");
    case StateColumn:
        return tr("State");
    case LoadColumn:
        return tr("Slots / max");
    case UsersColumn:
        return tr("Users");
    case InColumn:
        return tr("In/s");
    case OutColumn:
        return tr("Out/s");
    default:
        return {};
    }
}

Node NodeModel::withUserCount(Node node) const
{
    if (m_userCounts) node.users = m_userCounts->value(node.id, 0);
    return node;
}

void NodeModel::setNodes(const QList<Node> &nodes)
{
    QList<Node> counted;
    counted.reserve(nodes.size());
    for (const Node &node : nodes)
        counted.append(withUserCount(node));
    replaceAll(counted);
}

void NodeModel::updateNode(const Node &node)
{
    applyChanges({ { node.id, withUserCount(node) } });
}

void NodeModel::setUserCounts(const QHash<QString, qint64> &counts)
{
    m_userCounts = counts;
    for (int row = 0; row < rowCount(); ++row) {
        Node &node = mutableAt(row);
        const qint64 users = counts.value(node.id, 0);
        if (node.users == users) continue;
        node.users = users;
        rowChanged(row);
    }
}

void NodeModel::applyStats(const StatsSample &stats)
{
    for (const NodeStats &s : stats.nodes) {
        const int row = rowOf(s.id);
        if (row < 0) continue;
        Node &node = mutableAt(row);
        const qint64 placed = s.placed.value_or(node.placed);
        if (node.sessions == s.sessions && node.placed == placed && node.messagesIn == s.messagesIn
            && node.messagesOut == s.messagesOut)
            continue;
        node.sessions = s.sessions;
        node.placed = placed;
        node.messagesIn = s.messagesIn;
        node.messagesOut = s.messagesOut;
        rowChanged(row);
    }
}

void NodeModel::setStaleSince(const QDateTime &since)
{
    if (since == m_staleSince) return;
    m_staleSince = since;
    if (rowCount() > 0) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

} // namespace AdminGui
