// One monotonic clock for the whole driver: send stamps travel inside the messages and are compared
// with the receive time in the same process.
#pragma once

#include <QtGlobal>

#include <chrono>

namespace RoutingBench {

inline qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace RoutingBench
