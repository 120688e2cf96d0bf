#include "logthrottle.h"

#include <QDeadlineTimer>

#include <algorithm>

LogThrottle::LogThrottle(int burst, std::chrono::milliseconds interval, Clock clock)
    : m_burst(std::max(burst, 1))
    , m_intervalMs(std::max<qint64>(interval.count(), 1))
    , m_clock(clock ? std::move(clock) : Clock([] { return QDeadlineTimer::current().deadline(); }))
{ }

LogThrottle::Admission LogThrottle::admit()
{
    const qint64 now = m_clock();
    // Windows start at the first event after the previous one ended, so a lone event after a long
    // quiet stretch is always logged.
    if (!m_started || now - m_windowStart >= m_intervalMs) {
        m_started = true;
        m_windowStart = now;
        m_loggedInWindow = 0;
    }
    if (m_loggedInWindow >= m_burst) {
        ++m_suppressed;
        ++m_suppressedTotal;
        return {};
    }
    ++m_loggedInWindow;
    const Admission admission { true, m_suppressed };
    m_suppressed = 0;
    return admission;
}
