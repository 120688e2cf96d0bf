#pragma once

#include "admintypes.h"
#include "keyedtablemodel.h"

namespace AdminGui {

// The users holding a slot in the cluster, kept current by user events in batches.
class UserModel final : public KeyedTableModel<User>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UserModel)
public:
    enum Column { UserColumn, NodeColumn, SessionsColumn, TransportColumn, SinceColumn, ColumnCount };

    explicit UserModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setUsers(const QList<User> &users) { replaceAll(users); }
    void applyEvents(const QList<UserEvent> &events);
};

} // namespace AdminGui
