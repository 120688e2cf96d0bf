// CPU time (user + system) that a process has used so far, read from /proc/<pid>/stat.
#pragma once

#include <QLatin1StringView>
#include <QString>

#include <optional>

namespace RoutingBench {

// The name under which the benchmark program itself is watched.
inline constexpr QLatin1StringView DriverName { "driver" };

struct WatchedProcess
{
    QString name; // "balancer", "node1", "node2", DriverName
    qint64 pid = 0;
};

// Seconds of CPU of every thread of `pid` so far; nullopt when the process is gone or /proc is absent.
std::optional<double> cpuSeconds(qint64 pid);

} // namespace RoutingBench
