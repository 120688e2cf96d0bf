#include "eventlogmodel.h"

#include "modelroles.h"
#include "wire.h"

#include <QBrush>
#include <QColor>

using namespace Qt::StringLiterals;

namespace AdminGui {

namespace {
EventLogModel::Kind kindOfState(const QString &state)
{
    if (state == Wire::NodeState::Down) return EventLogModel::Kind::NodeDown;
    if (state == Wire::NodeState::Draining) return EventLogModel::Kind::NodeDraining;
    return EventLogModel::Kind::NodeUp;
}
} // namespace

EventLogModel::EventLogModel(QObject *parent, qsizetype maxEntries)
    : QAbstractTableModel(parent)
    , m_maxEntries(std::max<qsizetype>(maxEntries, 2))
{ }

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString EventLogModel::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Connection:
        return tr("connection");
    case Kind::NodeUp:
        return tr("node up");
    case Kind::NodeDown:
        return tr("node down");
    case Kind::NodeDraining:
        return tr("node draining");
    case Kind::UserJoined:
        return tr("user joined");
    case Kind::UserLeft:
        return tr("user left");
    }
    return {};
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Entry &entry = m_entries.at(index.row());
    if (role == Qt::ForegroundRole && index.column() == KindColumn) {
        if (entry.kind == Kind::NodeDown) return QBrush(QColor(0xc0, 0x20, 0x20));
        if (entry.kind == Kind::NodeUp) return QBrush(QColor(0x20, 0x80, 0x30));
        return {};
    }
    if (role != Qt::DisplayRole && role != SortRole) return {};
    switch (index.column()) {
    case TimeColumn:
        if (role == SortRole) return entry.at;
        return entry.at.toLocalTime().toString(u"HH:mm:ss.zzz"_s);
    case KindColumn:
        return kindName(entry.kind);
    case TextColumn:
        return entry.text;
    default:
        return {};
    }
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case KindColumn:
        return tr("Event");
    case TextColumn:
        return tr("Details");
    default:
        return {};
    }
}

void EventLogModel::addEntry(Kind kind, const QString &text, const QDateTime &at)
{
    append({ Entry { at, kind, text } });
}

void EventLogModel::nodesSnapshot(const QList<Node> &nodes)
{
    for (const Node &node : nodes)
        nodeSeen(node);
}

void EventLogModel::nodeSeen(const Node &node)
{
    const auto it = m_nodeStates.constFind(node.id);
    const bool known = it != m_nodeStates.constEnd();
    if (known && *it == node.state) return;
    m_nodeStates.insert(node.id, node.state);
    const QString text = known ? tr("node %1 (%2) is %3").arg(node.id, node.url, node.state)
                               : tr("node %1 (%2) seen, %3").arg(node.id, node.url, node.state);
    addEntry(kindOfState(node.state), text);
}

void EventLogModel::userEvents(const QList<UserEvent> &events)
{
    QList<Entry> entries;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const UserEvent &event : events) {
        if (event.kind == ChangeKind::Added) {
            entries.append({ now, Kind::UserJoined,
                // A join reported before the node knew its transport has none: no empty "()".
                event.user.transport.isEmpty()
                    ? tr("%1 joined on node %2").arg(event.user.user, event.user.node)
                    : tr("%1 joined on node %2 (%3)").arg(event.user.user, event.user.node, event.user.transport) });
        } else if (event.kind == ChangeKind::Removed) {
            entries.append({ now, Kind::UserLeft, tr("%1 left node %2").arg(event.user.user, event.user.node) });
        }
    }
    if (!entries.isEmpty()) append(std::move(entries));
}

void EventLogModel::append(QList<Entry> entries)
{
    if (entries.size() > m_maxEntries) entries.remove(0, entries.size() - m_maxEntries);
    const qsizetype overflow = m_entries.size() + entries.size() - m_maxEntries;
    if (overflow > 0 && !m_entries.isEmpty()) {
        // Drop a tenth at once so that a busy log does not pay a removal per event.
        const qsizetype drop = std::min(m_entries.size(), std::max(overflow, m_maxEntries / 10));
        beginRemoveRows({}, 0, int(drop) - 1);
        m_entries.remove(0, drop);
        endRemoveRows();
    }
    const int first = int(m_entries.size());
    beginInsertRows({}, first, first + int(entries.size()) - 1);
    m_entries.append(std::move(entries));
    endInsertRows();
}

} // namespace AdminGui
