#pragma once

#include <QtGlobal>

#include <chrono>
#include <functional>

// Bounds the log lines of one noisy event (a refused request, say): the first `burst` events of each
// interval are logged, the rest only counted, and the first event logged in a later interval
// carries the count of those suppressed before it. A flood therefore costs at most burst + 1 lines
// per interval. Not thread-safe: one throttle per call site, on its thread. Use:
//     if (const auto admitted = m_refusedLog.admit()) {
//         if (admitted.suppressed) qCWarning(lc) << admitted.suppressed << "refusals were not logged";
//         qCWarning(lc) << "refused ...";
//     }
class LogThrottle final
{
public:
    using Clock = std::function<qint64()>; // milliseconds on a monotonic clock

    static constexpr int DefaultBurst = 5;
    static constexpr std::chrono::milliseconds DefaultInterval { 10000 };

    struct Admission
    {
        bool log = false; // log this event
        qint64 suppressed = 0; // events suppressed since the last one logged: say so (only when log)
        explicit operator bool() const { return log; }
    };

    // An empty clock means QDeadlineTimer's monotonic clock.
    explicit LogThrottle(
        int burst = DefaultBurst, std::chrono::milliseconds interval = DefaultInterval, Clock clock = {});

    // Call once per event, before building the log line.
    [[nodiscard]] Admission admit();

    [[nodiscard]] qint64 suppressedTotal() const { return m_suppressedTotal; } // since construction, for metrics

private:
    int m_burst;
    qint64 m_intervalMs;
    Clock m_clock;
    qint64 m_windowStart = 0;
    bool m_started = false;
    int m_loggedInWindow = 0;
    qint64 m_suppressed = 0; // since the last event logged
    qint64 m_suppressedTotal = 0;
};
