#pragma once

#include <QSortFilterProxyModel>
#include <QStringView>

namespace AdminGui {

// Sorts text the way people number things: exo2 before exo10, node9 before node10. Values that are
// not text (counts, rates, times) keep QSortFilterProxyModel's own order.
class NaturalSortProxyModel final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    // <0, 0, >0. Runs of digits compare as numbers, the rest case-insensitively, ties by code point.
    // Our own rather than QCollator's numeric mode, which the C locale (a service, a container)
    // ignores.
    static int compare(QStringView left, QStringView right);

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;
};

} // namespace AdminGui
