#include "benchreport.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <functional>

using namespace Qt::StringLiterals;

namespace RoutingBench {

namespace {

double median(QList<double> values)
{
    if (values.isEmpty()) return 0;
    std::sort(values.begin(), values.end());
    const qsizetype middle = values.size() / 2;
    return values.size() % 2 ? values.at(middle) : (values.at(middle - 1) + values.at(middle)) / 2;
}

double ratio(double numerator, double denominator)
{
    return denominator > 0 ? numerator / denominator : 0;
}

QJsonObject percentilesJson(const Percentiles &p)
{
    return { { u"count"_s, p.count }, { u"p50"_s, p.p50 }, { u"p90"_s, p.p90 }, { u"p99"_s, p.p99 },
        { u"max"_s, p.max } };
}

QJsonObject runJson(const PhaseResult &run)
{
    QJsonObject errorKinds;
    for (auto it = run.errorKinds.cbegin(); it != run.errorKinds.cend(); ++it)
        errorKinds.insert(it.key(), it.value());
    QJsonObject cpu;
    for (const ProcessCpu &process : run.cpu)
        cpu.insert(process.name, std::round(process.seconds * 100) / 100); // clock ticks: 10 ms
    return { { u"mode"_s, modeName(run.mode) }, { u"rep"_s, run.rep + 1 }, { u"windowSeconds"_s, run.windowSeconds },
        { u"sent"_s, run.sent }, { u"answeredOk"_s, run.answeredOk }, { u"errors"_s, run.errors },
        { u"errorKinds"_s, errorKinds }, { u"received"_s, run.received }, { u"lost"_s, run.lost },
        { u"unanswered"_s, run.unanswered }, { u"duplicates"_s, run.duplicates }, { u"stray"_s, run.stray },
        { u"drained"_s, run.drained }, { u"routedPerSecond"_s, run.routedPerSecond() },
        { u"deliveredPerSecond"_s, run.deliveredPerSecond() }, { u"latencyMs"_s, percentilesJson(run.latency) },
        { u"answerMs"_s, percentilesJson(run.answer) }, { u"cpuSeconds"_s, cpu },
        { u"serverMicrosPerMessage"_s, run.serverMicrosPerMessage() } };
}

QJsonObject summaryJson(const ModeSummary &s)
{
    QJsonObject cpu;
    for (const auto &[name, percent] : s.cpuPercent)
        cpu.insert(name, percent);
    return { { u"runs"_s, s.runs }, { u"routedPerSecond"_s, s.routedPerSecond },
        { u"deliveredPerSecond"_s, s.deliveredPerSecond }, { u"lost"_s, s.lost }, { u"errors"_s, s.errors },
        { u"latencyMs"_s, percentilesJson(s.latency) }, { u"answerMs"_s, percentilesJson(s.answer) },
        { u"serverMicrosPerMessage"_s, s.serverMicrosPerMessage }, { u"cpuPercentOfOneCore"_s, cpu } };
}

QString fixed(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

} // namespace

BenchReport::BenchReport(Options options, RunContext context, QList<PhaseResult> runs)
    : m_options(std::move(options))
    , m_context(std::move(context))
    , m_runs(std::move(runs))
{ }

std::optional<ModeSummary> BenchReport::summary(Mode mode) const
{
    QList<const PhaseResult *> runs;
    for (const PhaseResult &run : m_runs) {
        if (run.mode == mode) runs.append(&run);
    }
    if (runs.isEmpty()) return std::nullopt;
    const auto of = [&runs](const std::function<double(const PhaseResult &)> &field) {
        QList<double> values;
        for (const PhaseResult *run : runs)
            values.append(field(*run));
        return median(values);
    };
    ModeSummary s;
    s.mode = mode;
    s.runs = int(runs.size());
    s.routedPerSecond = of([](const PhaseResult &r) { return r.routedPerSecond(); });
    s.deliveredPerSecond = of([](const PhaseResult &r) { return r.deliveredPerSecond(); });
    s.lost = of([](const PhaseResult &r) { return double(r.lost); });
    s.errors = of([](const PhaseResult &r) { return double(r.errors); });
    s.latency.count = qint64(of([](const PhaseResult &r) { return double(r.latency.count); }));
    s.latency.p50 = of([](const PhaseResult &r) { return r.latency.p50; });
    s.latency.p90 = of([](const PhaseResult &r) { return r.latency.p90; });
    s.latency.p99 = of([](const PhaseResult &r) { return r.latency.p99; });
    s.latency.max = of([](const PhaseResult &r) { return r.latency.max; });
    s.answer.count = qint64(of([](const PhaseResult &r) { return double(r.answer.count); }));
    s.answer.p50 = of([](const PhaseResult &r) { return r.answer.p50; });
    s.answer.p90 = of([](const PhaseResult &r) { return r.answer.p90; });
    s.answer.p99 = of([](const PhaseResult &r) { return r.answer.p99; });
    s.answer.max = of([](const PhaseResult &r) { return r.answer.max; });
    s.serverMicrosPerMessage = of([](const PhaseResult &r) { return r.serverMicrosPerMessage(); });
    for (qsizetype i = 0; i < runs.constFirst()->cpu.size(); ++i) {
        const double percent = of([i](const PhaseResult &r) {
            const double seconds = r.cpu.value(i).seconds;
            return seconds >= 0 && r.windowSeconds > 0 ? seconds * 100 / r.windowSeconds : 0.0;
        });
        s.cpuPercent.append({ runs.constFirst()->cpu.at(i).name, percent });
    }
    return s;
}

std::optional<Ratios> BenchReport::ratios() const
{
    QList<double> throughput, p50, p99, cpu;
    for (int rep = 0; rep < m_options.reps; ++rep) {
        const PhaseResult *routed = nullptr;
        const PhaseResult *direct = nullptr;
        for (const PhaseResult &run : m_runs) {
            if (run.rep != rep) continue;
            (run.mode == Mode::Routed ? routed : direct) = &run;
        }
        if (!routed || !direct) continue;
        throughput.append(ratio(routed->routedPerSecond(), direct->routedPerSecond()));
        p50.append(ratio(routed->latency.p50, direct->latency.p50));
        p99.append(ratio(routed->latency.p99, direct->latency.p99));
        cpu.append(ratio(routed->serverMicrosPerMessage(), direct->serverMicrosPerMessage()));
    }
    if (throughput.isEmpty()) return std::nullopt;
    return Ratios { median(throughput), median(p50), median(p99), median(cpu) };
}

std::optional<bool> BenchReport::targetMet() const
{
    const auto routed = summary(Mode::Routed);
    if (!routed) return std::nullopt;
    return routed->routedPerSecond >= TargetMessagesPerSecond && routed->latency.p99 <= TargetP99Ms
        && routed->lost == 0;
}

QJsonObject BenchReport::toJson() const
{
    QJsonArray nodes;
    for (const auto &[url, users] : m_context.nodes)
        nodes.append(QJsonObject { { u"url"_s, url.toString() }, { u"users"_s, users } });
    QJsonArray modes;
    for (const Mode mode : m_options.modes)
        modes.append(modeName(mode));
    const QJsonObject settings { { u"users"_s, m_options.users },
        { u"transport"_s, transportName(m_options.transport) }, { u"connections"_s, m_options.connections },
        { u"rate"_s, m_options.rate }, { u"seconds"_s, double(m_options.measure.count()) / 1000 },
        { u"warmupSeconds"_s, double(m_options.warmup.count()) / 1000 },
        { u"drainSeconds"_s, double(m_options.drain.count()) / 1000 }, { u"reps"_s, m_options.reps },
        { u"modes"_s, modes }, { u"maxConnection"_s, m_options.maxConnection },
        { u"nodeBinary"_s, m_options.nodeBinary } };
    QJsonArray runs;
    for (const PhaseResult &run : m_runs)
        runs.append(runJson(run));
    QJsonObject medians;
    for (const Mode mode : { Mode::Routed, Mode::Direct }) {
        if (const auto s = summary(mode)) medians.insert(modeName(mode), summaryJson(*s));
    }
    QJsonObject out { { u"benchmark"_s, u"routing"_s }, { u"settings"_s, settings },
        { u"cluster"_s,
            QJsonObject { { u"balancer"_s, m_context.balancer.toString() }, { u"nodes"_s, nodes },
                { u"usersReady"_s, m_context.usersReady } } },
        { u"clients"_s,
            QJsonObject { { u"extraReadies"_s, m_context.clientExtraReadies }, { u"errors"_s, m_context.clientErrors },
                { u"malformedMessages"_s, m_context.clientMalformed } } },
        { u"runs"_s, runs }, { u"median"_s, medians } };
    if (const auto r = ratios()) {
        out.insert(u"ratioRoutedToDirect"_s,
            QJsonObject { { u"throughput"_s, r->throughput }, { u"latencyP50"_s, r->latencyP50 },
                { u"latencyP99"_s, r->latencyP99 }, { u"serverMicrosPerMessage"_s, r->serverMicrosPerMessage } });
    }
    QJsonObject target { { u"messagesPerSecond"_s, TargetMessagesPerSecond }, { u"p99Ms"_s, TargetP99Ms } };
    if (const auto met = targetMet()) target.insert(u"met"_s, *met);
    out.insert(u"target"_s, target);
    return out;
}

QString BenchReport::toText() const
{
    QString out;
    QStringList placement;
    for (const auto &[url, users] : m_context.nodes)
        placement.append(u"%1 users on %2"_s.arg(users).arg(url.toString()));
    out += u"bench-routing: %1 users ready of %2 (%3), %4, %5 sending connections%6, %7 s windows after %8 s "
           "warm-up, %9 repetition(s)\n"_s.arg(m_context.usersReady)
               .arg(m_options.users)
               .arg(placement.join(u", "_s))
               .arg(transportName(m_options.transport))
               .arg(m_options.connections)
               .arg(m_options.rate > 0 ? u" paced to %1 requests/s"_s.arg(m_options.rate) : QString())
               .arg(double(m_options.measure.count()) / 1000)
               .arg(double(m_options.warmup.count()) / 1000)
               .arg(m_options.reps);

    QStringList cpuNames;
    if (!m_runs.isEmpty()) {
        for (const ProcessCpu &process : m_runs.constFirst().cpu)
            cpuNames.append(process.name + u" %"_s);
    }
    const auto row = [](const QStringList &cells) -> QString {
        QString line;
        for (qsizetype i = 0; i < cells.size(); ++i)
            line += (i < 2 ? cells.at(i).leftJustified(i == 0 ? 8 : 7) : cells.at(i).rightJustified(11)) + u' ';
        return line.trimmed() + u'\n';
    };
    QStringList header { u"run"_s, u"mode"_s, u"answered/s"_s, u"received/s"_s, u"lost"_s, u"errors"_s, u"p50 ms"_s,
        u"p90 ms"_s, u"p99 ms"_s, u"max ms"_s, u"answer p99"_s, u"srv µs/msg"_s };
    header += cpuNames;
    out += u'\n' + row(header);
    for (const PhaseResult &run : m_runs) {
        QStringList cells { QString::number(run.rep + 1), modeName(run.mode), fixed(run.routedPerSecond(), 0),
            fixed(run.deliveredPerSecond(), 0), QString::number(run.lost), QString::number(run.errors),
            fixed(run.latency.p50, 2), fixed(run.latency.p90, 2), fixed(run.latency.p99, 2), fixed(run.latency.max, 1),
            fixed(run.answer.p99, 2), fixed(run.serverMicrosPerMessage(), 1) };
        for (const ProcessCpu &process : run.cpu)
            cells.append(process.seconds >= 0 && run.windowSeconds > 0
                    ? fixed(process.seconds * 100 / run.windowSeconds, 0)
                    : u"?"_s);
        out += row(cells);
    }
    for (const Mode mode : { Mode::Routed, Mode::Direct }) {
        const auto s = summary(mode);
        if (!s) continue;
        QStringList cells { u"median"_s, modeName(mode), fixed(s->routedPerSecond, 0), fixed(s->deliveredPerSecond, 0),
            fixed(s->lost, 0), fixed(s->errors, 0), fixed(s->latency.p50, 2), fixed(s->latency.p90, 2),
            fixed(s->latency.p99, 2), fixed(s->latency.max, 1), fixed(s->answer.p99, 2),
            fixed(s->serverMicrosPerMessage, 1) };
        for (const auto &[name, percent] : s->cpuPercent)
            cells.append(fixed(percent, 0));
        out += row(cells);
    }

    if (const auto r = ratios()) {
        out += u"\nrouted ÷ direct (median of per-repetition ratios): throughput %1×, p50 %2×, p99 %3×, server CPU "
               "per message %4×\n"_s.arg(fixed(r->throughput, 2), fixed(r->latencyP50, 2), fixed(r->latencyP99, 2),
                   fixed(r->serverMicrosPerMessage, 2));
    }
    if (const auto met = targetMet()) {
        const auto routed = summary(Mode::Routed);
        out += u"target (routed ≥ %1 msg/s, p99 ≤ %2 ms, nothing lost): %3 (median %4 msg/s, p99 %5 ms, lost %6)\n"_s
                   .arg(fixed(TargetMessagesPerSecond, 0), fixed(TargetP99Ms, 0), *met ? u"met"_s : u"NOT met"_s,
                       fixed(routed->routedPerSecond, 0), fixed(routed->latency.p99, 2), fixed(routed->lost, 0));
    }
    if (m_context.clientExtraReadies || m_context.clientErrors || m_context.clientMalformed) {
        out += u"clients: %1 re-handshakes or failovers, %2 client errors, %3 malformed messages\n"_s
                   .arg(m_context.clientExtraReadies)
                   .arg(m_context.clientErrors)
                   .arg(m_context.clientMalformed);
    }
    return out;
}

} // namespace RoutingBench
