#include "loadchart.h"

#include "loadhistory.h"

#include <QPainter>
#include <QPainterPath>

using namespace Qt::StringLiterals;

namespace AdminGui {

LoadChart::LoadChart(LoadHistory *history, QWidget *parent)
    : QWidget(parent)
    , m_history(history)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(m_history, &LoadHistory::changed, this, qOverload<>(&QWidget::update));
}

QColor LoadChart::colorOf(int series)
{
    static const QColor palette[]
        = { QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c), QColor(0xd6, 0x27, 0x28),
              QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b), QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f) };
    return palette[series % int(std::size(palette))];
}

void LoadChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().color(QPalette::Base));

    const QFontMetrics fm = fontMetrics();
    const int left = fm.horizontalAdvance(u"100 %"_s) + 10;
    const QRect plot = rect().adjusted(left, fm.height() + 10, -12, -(fm.height() + 8));
    if (plot.width() < 20 || plot.height() < 20) return;

    // Grid: load in quarters, time in minutes back from the newest sample.
    const QColor gridColor = palette().color(QPalette::Mid);
    const QColor textColor = palette().color(QPalette::Text);
    p.setFont(font());
    for (int q = 0; q <= 4; ++q) {
        const int y = plot.bottom() - plot.height() * q / 4;
        p.setPen(QPen(gridColor, 1, q == 0 ? Qt::SolidLine : Qt::DotLine));
        p.drawLine(plot.left(), y, plot.right(), y);
        p.setPen(textColor);
        p.drawText(QRect(0, y - fm.height() / 2, left - 6, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
            u"%1 %"_s.arg(q * 25));
    }
    const qint64 windowMs = m_history->capacity() * 1000;
    for (qint64 back = 0; back <= windowMs; back += 60000) {
        const int x = plot.right() - int(double(plot.width()) * double(back) / double(windowMs));
        p.setPen(QPen(gridColor, 1, Qt::DotLine));
        p.drawLine(x, plot.top(), x, plot.bottom());
        p.setPen(textColor);
        p.drawText(QRect(x - 40, plot.bottom() + 4, 80, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
            back == 0 ? tr("now") : tr("-%1 min").arg(back / 60000));
    }

    const QDateTime newest = m_history->latest();
    const QStringList ids = m_history->nodeIds();
    int legendX = plot.left();
    for (int series = 0; series < ids.size(); ++series) {
        const QColor color = colorOf(series);
        const auto samples = m_history->samples(ids.at(series));
        QPainterPath path;
        bool first = true;
        for (const LoadHistory::Sample &s : samples) {
            const qint64 age = s.at.msecsTo(newest);
            if (age > windowMs) continue;
            const double x = plot.right() - double(plot.width()) * double(age) / double(windowMs);
            const double y = plot.bottom() - double(plot.height()) * std::clamp(s.load(), 0.0, 1.0);
            if (first)
                path.moveTo(x, y);
            else
                path.lineTo(x, y);
            first = false;
        }
        p.setPen(QPen(color, 2));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);

        const QString label = tr("node %1").arg(ids.at(series))
            + (samples.isEmpty() ? QString() : u" %1 %"_s.arg(qRound(samples.constLast().load() * 100)));
        p.fillRect(QRect(legendX, 4, 12, fm.height() - 2), color);
        p.setPen(textColor);
        p.drawText(QPoint(legendX + 16, 2 + fm.ascent()), label);
        legendX += 16 + fm.horizontalAdvance(label) + 18;
    }
    if (m_history->staleSince().isValid()) {
        // No samples come while the stream is lost: say so over the lines instead of letting the
        // last ones pass for now.
        p.fillRect(plot, QColor(255, 255, 255, 150));
        p.setPen(textColor);
        p.drawText(plot, Qt::AlignCenter,
            tr("stale: no samples since %1").arg(m_history->staleSince().toLocalTime().toString(u"HH:mm:ss"_s)));
    }
    if (ids.isEmpty()) {
        p.setPen(textColor);
        p.drawText(plot, Qt::AlignCenter, tr("no load samples yet"));
    }
}

} // namespace AdminGui
