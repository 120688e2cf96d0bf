#include "phaseresult.h"

#include "processcpu.h"

#include <algorithm>
#include <cmath>

namespace RoutingBench {

Percentiles percentilesMs(std::vector<qint64> &nanoseconds)
{
    Percentiles out;
    out.count = qint64(nanoseconds.size());
    if (nanoseconds.empty()) return out;
    std::sort(nanoseconds.begin(), nanoseconds.end());
    const auto rank = [&nanoseconds](double fraction) {
        const auto index = size_t(std::max(0.0, std::ceil(fraction * double(nanoseconds.size())) - 1));
        return double(nanoseconds[std::min(index, nanoseconds.size() - 1)]) / 1e6;
    };
    out.p50 = rank(0.50);
    out.p90 = rank(0.90);
    out.p99 = rank(0.99);
    out.max = double(nanoseconds.back()) / 1e6;
    return out;
}

double PhaseResult::serverMicrosPerMessage() const
{
    if (answeredOk == 0) return 0;
    double seconds = 0;
    for (const ProcessCpu &process : cpu) {
        if (process.name != DriverName && process.seconds > 0) seconds += process.seconds;
    }
    return seconds * 1e6 / double(answeredOk);
}

} // namespace RoutingBench
