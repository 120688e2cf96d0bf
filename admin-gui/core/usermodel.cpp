#include "usermodel.h"

#include "modelroles.h"

using namespace Qt::StringLiterals;

namespace AdminGui {

UserModel::UserModel(QObject *parent)
    : KeyedTableModel<User>(parent)
{ }

int UserModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UserModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const User &user = at(index.row());
    if (role == KeyRole) return user.user;
    if (role == Qt::TextAlignmentRole && index.column() == SessionsColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    // A name or a list of transports wider than its column is read whole in the tooltip.
    if (role == Qt::ToolTipRole && (index.column() == UserColumn || index.column() == TransportColumn))
        return index.column() == UserColumn ? user.user : user.transport;
    if (role != Qt::DisplayRole && role != SortRole) return {};
    switch (index.column()) {
    case UserColumn:
        return user.user;
    case NodeColumn:
        return user.node;
    case SessionsColumn:
        return user.sessions;
    case TransportColumn:
        return user.transport;
    case SinceColumn:
        if (role == SortRole) return user.connectedSince;
        return user.connectedSince.isValid() ? user.connectedSince.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s)
                                             : QString();
    default:
        return {};
    }
}

QVariant UserModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case UserColumn:
        return tr("User");
    case NodeColumn:
        return tr("Node");
    case SessionsColumn:
        return tr("Sessions");
    case TransportColumn:
        return tr("Transport");
    case SinceColumn:
        return tr("Connected since");
    default:
        return {};
    }
}

void UserModel::applyEvents(const QList<UserEvent> &events)
{
    QList<Change> changes;
    changes.reserve(events.size());
    for (const UserEvent &event : events) {
        if (event.kind == ChangeKind::Removed)
            changes.append({ event.user.user, std::nullopt });
        else
            changes.append({ event.user.user, event.user });
    }
    applyChanges(changes);
}

} // namespace AdminGui
