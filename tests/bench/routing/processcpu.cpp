#include "processcpu.h"

#include <QByteArray>
#include <QFile>
#include <QList>

#include <unistd.h>

namespace RoutingBench {

std::optional<double> cpuSeconds(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly)) return std::nullopt;
    const QByteArray line = file.readAll();
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0) return std::nullopt;
    const QList<QByteArray> fields = line.mid(close + 2).split(' ');
    // After the name: state is field 3, utime field 14, stime field 15 (proc(5)).
    constexpr qsizetype UtimeIndex = 14 - 3;
    constexpr qsizetype StimeIndex = 15 - 3;
    if (fields.size() <= StimeIndex) return std::nullopt;
    bool okUser = false;
    bool okSystem = false;
    const qint64 ticks = fields.at(UtimeIndex).toLongLong(&okUser) + fields.at(StimeIndex).toLongLong(&okSystem);
    static const long ticksPerSecond = sysconf(_SC_CLK_TCK);
    if (!okUser || !okSystem || ticksPerSecond <= 0) return std::nullopt;
    return double(ticks) / double(ticksPerSecond);
}

} // namespace RoutingBench
