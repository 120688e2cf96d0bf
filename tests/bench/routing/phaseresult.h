// What one measured run of one mode produced, and the statistics the report takes from it.
#pragma once

#include "benchoptions.h"

#include <QList>
#include <QMap>
#include <QString>

#include <vector>

namespace RoutingBench {

// Latencies in milliseconds, nearest-rank percentiles.
struct Percentiles
{
    qint64 count = 0;
    double p50 = 0;
    double p90 = 0;
    double p99 = 0;
    double max = 0;
};

// Sorts `nanoseconds` in place.
Percentiles percentilesMs(std::vector<qint64> &nanoseconds);

struct ProcessCpu
{
    QString name;
    double seconds = 0; // user + system within the measured window; negative when unreadable
};

struct PhaseResult
{
    Mode mode = Mode::Routed;
    int rep = 0;
    double windowSeconds = 0;
    qint64 sent = 0; // requests issued over the whole run (warm-up, window, drain)
    qint64 answeredOk = 0; // within the window: 200 with delivered >= 1
    qint64 errors = 0; // within the window: any other answer, or none
    QMap<QString, qint64> errorKinds; // over the whole run
    qint64 received = 0; // messages that reached a client within the window
    qint64 lost = 0; // answered OK over the whole run but not received when the drain ended
    qint64 unanswered = 0; // requests still in flight when the drain ended
    qint64 duplicates = 0;
    qint64 stray = 0; // received messages that this run did not send
    bool drained = true; // false: the drain wait ran out
    Percentiles latency; // send → receipt, of the messages sent within the window
    Percentiles answer; // send → HTTP answer, of the answers within the window
    QList<ProcessCpu> cpu;

    double routedPerSecond() const { return windowSeconds > 0 ? double(answeredOk) / windowSeconds : 0; }
    double deliveredPerSecond() const { return windowSeconds > 0 ? double(received) / windowSeconds : 0; }
    // CPU µs of all watched processes but the driver, per answered message.
    double serverMicrosPerMessage() const;
};

} // namespace RoutingBench
