// Turns the runs into medians per mode and routed ÷ direct ratios, printed as tables or as one JSON object.
#pragma once

#include "benchoptions.h"
#include "phaseresult.h"

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

#include <optional>

namespace RoutingBench {

// The target for the routed path on this machine.
inline constexpr double TargetMessagesPerSecond = 20000;
inline constexpr double TargetP99Ms = 20;

struct RunContext
{
    QUrl balancer;
    QList<QPair<QUrl, int>> nodes; // node, users on it
    int usersReady = 0;
    qint64 clientExtraReadies = 0;
    qint64 clientErrors = 0;
    qint64 clientMalformed = 0;
};

// One mode's medians over its repetitions.
struct ModeSummary
{
    Mode mode = Mode::Routed;
    int runs = 0;
    double routedPerSecond = 0;
    double deliveredPerSecond = 0;
    double lost = 0;
    double errors = 0;
    Percentiles latency; // each field the median of the runs' values
    Percentiles answer;
    double serverMicrosPerMessage = 0;
    QList<QPair<QString, double>> cpuPercent; // per process: % of one core over the window
};

// routed ÷ direct, the median of the per-repetition ratios (the two runs of a repetition are adjacent in time).
struct Ratios
{
    double throughput = 0;
    double latencyP50 = 0;
    double latencyP99 = 0;
    double serverMicrosPerMessage = 0;
};

class BenchReport final
{
public:
    BenchReport(Options options, RunContext context, QList<PhaseResult> runs);

    std::optional<ModeSummary> summary(Mode mode) const;
    std::optional<Ratios> ratios() const;
    // Whether the routed medians meet the target; nullopt when routed did not run.
    std::optional<bool> targetMet() const;

    QJsonObject toJson() const;
    QString toText() const;

private:
    Options m_options;
    RunContext m_context;
    QList<PhaseResult> m_runs;
};

} // namespace RoutingBench
