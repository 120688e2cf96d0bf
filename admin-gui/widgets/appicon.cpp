#include "appicon.h"

#include <QLinearGradient>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace AdminGui {

namespace {
QPixmap paintIcon(int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.scale(size / 64.0, size / 64.0);
    // Rounded tile, a comet's tail, its head, and three load bars.
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0x1b, 0x2a, 0x49));
    p.drawRoundedRect(QRectF(2, 2, 60, 60), 12, 12);
    QLinearGradient tail(QPointF(8, 50), QPointF(40, 22));
    tail.setColorAt(0, QColor(0xff, 0xb3, 0x47, 0));
    tail.setColorAt(1, QColor(0xff, 0xb3, 0x47, 230));
    QPainterPath path;
    path.moveTo(8, 52);
    path.lineTo(36, 18);
    path.lineTo(46, 28);
    path.closeSubpath();
    p.setBrush(tail);
    p.drawPath(path);
    p.setBrush(QColor(0xff, 0xd1, 0x66));
    p.drawEllipse(QPointF(42, 22), 9, 9);
    p.setBrush(QColor(0x4c, 0xc3, 0x8a));
    p.drawRoundedRect(QRectF(34, 44, 5, 12), 1.5, 1.5);
    p.drawRoundedRect(QRectF(42, 40, 5, 16), 1.5, 1.5);
    p.setBrush(QColor(0xe8, 0x9a, 0x1c));
    p.drawRoundedRect(QRectF(50, 36, 5, 20), 1.5, 1.5);
    return pixmap;
}
} // namespace

QIcon appIcon()
{
    QIcon icon;
    for (int size : { 16, 24, 32, 48, 64, 128, 256 })
        icon.addPixmap(paintIcon(size));
    return icon;
}

} // namespace AdminGui
