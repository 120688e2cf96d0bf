#pragma once

#include <QStyledItemDelegate>

namespace AdminGui {

// Paints NodeModel's load column as a bar of sessions against maxConnection.
class LoadBarDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoadBarDelegate)
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    static QColor colorFor(double load); // green, then amber past 70 %, red past 90 %
};

} // namespace AdminGui
