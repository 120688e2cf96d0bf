#include "progressbar.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 RedrawIntervalMs = 100;
}

ProgressBar::ProgressBar(FILE *stream, bool interactive)
    : m_stream(stream)
    , m_interactive(interactive)
{ }

QString ProgressBar::render(const ProgressSnapshot &snapshot, int barWidth)
{
    const auto fill = [barWidth](qint64 done, qint64 total) -> QString {
        const int filled = total > 0 ? int(std::clamp<qint64>(done * barWidth / total, 0, barWidth)) : 0;
        return u'[' + QString(filled, u'#') + QString(barWidth - filled, u'.') + u']';
    };
    // The bar shows connections while connecting, deliveries afterwards.
    const bool connecting = snapshot.phase == u"connecting"_s;
    const QString bar
        = connecting ? fill(snapshot.connected, snapshot.clients) : fill(snapshot.delivered, snapshot.expected);
    return u"%1 %2 clients %3/%4 delivered %5/%6"_s.arg(bar, snapshot.phase.leftJustified(10))
        .arg(snapshot.connected)
        .arg(snapshot.clients)
        .arg(snapshot.delivered)
        .arg(snapshot.expected);
}

void ProgressBar::update(const ProgressSnapshot &snapshot)
{
    if (!m_interactive) return;
    if (m_drawn && m_sinceDraw.isValid() && m_sinceDraw.elapsed() < RedrawIntervalMs) return;
    draw(snapshot);
}

void ProgressBar::phase(const ProgressSnapshot &snapshot)
{
    if (m_interactive) {
        draw(snapshot);
        return;
    }
    std::fprintf(m_stream, "cometd-stress: %s\n", snapshot.phase.toUtf8().constData());
    std::fflush(m_stream);
}

void ProgressBar::finish()
{
    if (!m_interactive || !m_drawn) return;
    std::fputs("\n", m_stream);
    std::fflush(m_stream);
    m_drawn = false;
}

void ProgressBar::draw(const ProgressSnapshot &snapshot)
{
    // "\r" + clear-to-end-of-line keeps one line that is rewritten in place.
    std::fprintf(m_stream, "\r\x1b[K%s", render(snapshot).toUtf8().constData());
    std::fflush(m_stream);
    m_drawn = true;
    m_sinceDraw.start();
}
