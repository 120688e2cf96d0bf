#include "loadbardelegate.h"

#include "modelroles.h"

#include <QApplication>
#include <QPainter>

namespace AdminGui {

QColor LoadBarDelegate::colorFor(double load)
{
    if (load >= 0.9) return QColor(0xd0, 0x3a, 0x2f);
    if (load >= 0.7) return QColor(0xe8, 0x9a, 0x1c);
    return QColor(0x3c, 0xa5, 0x5c);
}

void LoadBarDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget); // background and selection

    const double load = std::clamp(index.data(LoadRole).toDouble(), 0.0, 1.0);
    const QRect frame = option.rect.adjusted(3, 3, -3, -3);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(option.palette.color(QPalette::Mid), 1));
    painter->setBrush(option.palette.color(QPalette::Base));
    painter->drawRoundedRect(frame, 3, 3);
    QRect bar = frame.adjusted(1, 1, -1, -1);
    bar.setWidth(int(bar.width() * load));
    if (bar.width() > 0) {
        painter->setPen(Qt::NoPen);
        // A stale bar is not a reading: grey, whatever its level.
        painter->setBrush(index.data(StaleRole).toBool() ? QColor(0xb0, 0xb0, 0xb0) : colorFor(load));
        painter->drawRoundedRect(bar, 2, 2);
    }
    painter->setPen(option.palette.color(QPalette::Text));
    painter->drawText(frame, Qt::AlignCenter, text);
    painter->restore();
}

QSize LoadBarDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setWidth(std::max(size.width() + 16, 140));
    return size;
}

} // namespace AdminGui
