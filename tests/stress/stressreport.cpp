#include "stressreport.h"

#include "stressnames.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;
namespace Json = StressNames::Json;

namespace {

// Upper bounds (ms) of the histogram's buckets: 1-2-5 steps, then one open bucket.
constexpr double BucketBoundsMs[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000 };
constexpr int BarWidth = 40;

double toMs(qint64 us)
{
    return double(us) / 1000.0;
}

QString ms(double value)
{
    return QString::number(value, 'f', value < 10 ? 2 : 1);
}

QString anomalyKind(DeliveryLedger::Outcome outcome)
{
    switch (outcome) {
    case DeliveryLedger::Outcome::Wrong:
        return u"wrong"_s;
    case DeliveryLedger::Outcome::Duplicate:
        return u"duplicated"_s;
    case DeliveryLedger::Outcome::Foreign:
        return u"foreign"_s;
    case DeliveryLedger::Outcome::Delivered:
        break;
    }
    return {};
}

QJsonArray reasonsJson(const QList<ReasonCount> &reasons)
{
    QJsonArray array;
    for (const ReasonCount &r : reasons)
        array.append(QJsonObject { { Json::Reason, r.reason }, { Json::Count, r.count }, { Json::First, r.first } });
    return array;
}

QString reasonsText(const QList<ReasonCount> &reasons)
{
    QStringList parts;
    for (const ReasonCount &r : reasons)
        parts << u"%1 × %2 (first: %3)"_s.arg(r.count).arg(r.reason, r.first);
    return parts.join(u"; "_s);
}

} // namespace

void ReasonTally::add(const QString &reason, const QString &client, qint64 count)
{
    for (ReasonCount &item : m_items) {
        if (item.reason == reason) {
            item.count += count;
            return;
        }
    }
    m_items.append(ReasonCount { reason, count, client });
}

qint64 ReasonTally::total() const
{
    qint64 sum = 0;
    for (const ReasonCount &item : m_items)
        sum += item.count;
    return sum;
}

bool StressReport::passed() const
{
    return expected > 0 && delivered == expected && lost == 0 && unsent == 0 && duplicated == 0 && wrong == 0
        && (!strict || foreign == 0);
}

std::optional<double> StressReport::cpuMicrosPerDelivery() const
{
    if (deliveryReceived <= 0) return std::nullopt;
    return deliveryCpuSeconds * 1e6 / double(deliveryReceived);
}

std::optional<double> StressReport::deliveriesPerSecond() const
{
    if (deliveryReceived <= 0 || deliverySeconds <= 0) return std::nullopt;
    return double(deliveryReceived) / deliverySeconds;
}

qint64 StressReport::percentile(const QList<qint64> &sortedUs, double p)
{
    const auto n = sortedUs.size();
    auto rank = qsizetype(std::ceil(p / 100.0 * double(n)));
    rank = std::clamp<qsizetype>(rank, 1, n);
    return sortedUs.at(rank - 1);
}

LatencySummary StressReport::summarize(QList<qint64> latenciesUs)
{
    LatencySummary summary;
    summary.samples = latenciesUs.size();
    if (latenciesUs.isEmpty()) return summary;
    std::sort(latenciesUs.begin(), latenciesUs.end());
    summary.minMs = toMs(latenciesUs.first());
    summary.p50Ms = toMs(percentile(latenciesUs, 50));
    summary.p90Ms = toMs(percentile(latenciesUs, 90));
    summary.p99Ms = toMs(percentile(latenciesUs, 99));
    summary.maxMs = toMs(latenciesUs.last());
    return summary;
}

QList<HistogramBucket> StressReport::histogram(const QList<qint64> &latenciesUs)
{
    QList<HistogramBucket> buckets;
    for (double bound : BucketBoundsMs)
        buckets.append(HistogramBucket { bound, 0 });
    buckets.append(HistogramBucket { std::nullopt, 0 });
    for (qint64 us : latenciesUs) {
        const double value = toMs(us);
        const auto it = std::find_if(buckets.begin(), buckets.end(),
            [value](const HistogramBucket &b) { return !b.upToMs || value < *b.upToMs; });
        ++it->count;
    }
    return buckets;
}

QString StressReport::toText() const
{
    QStringList lines;
    lines << u"clients connected: %1 of %2"_s.arg(clientsConnected).arg(clients);
    if (!connectFailures.isEmpty()) lines << u"  did not connect: %1"_s.arg(reasonsText(connectFailures));
    lines << u"total received: %1"_s.arg(totalReceived);
    lines << u"messages expected: %1, delivered: %2, lost: %3, unsent: %4, duplicated: %5, wrong: %6, foreign: %7"_s
                 .arg(expected)
                 .arg(delivered)
                 .arg(lost)
                 .arg(unsent)
                 .arg(duplicated)
                 .arg(wrong)
                 .arg(foreign);
    if (!unsentReasons.isEmpty()) lines << u"  unsent: %1"_s.arg(reasonsText(unsentReasons));
    for (const DeliveryLedger::Anomaly &a : anomalies) {
        lines << u"  %1: %2%3 on %4, id %5: came %6"_s.arg(anomalyKind(a.outcome), userPrefix)
                     .arg(a.client)
                     .arg(a.channel, a.id.isEmpty() ? u"(none)"_s : a.id, a.came);
    }
    const qint64 named = anomalies.size();
    if (duplicated + wrong + foreign > named)
        lines << u"  … and %1 more not named (the first %2 of each kind are)"_s
                     .arg(duplicated + wrong + foreign - named)
                     .arg(DeliveryLedger::MaxAnomalies);
    if (foreign > 0)
        lines << (strict
                ? u"  foreign messages fail the run (--strict)"_s
                : u"  foreign messages (sent by someone else on these channels) do not fail the run; --strict makes them"_s);
    if (failover) lines << u"redelivered (tolerated in failover mode): %1"_s.arg(redelivered);
    lines << u"send requests: %1, send errors: %2, retries: %3, re-sent: %4"_s.arg(sendRequests)
                 .arg(sendErrors)
                 .arg(sendRetries)
                 .arg(resent);
    const LatencySummary latency = summarize(latenciesUs);
    if (latency.samples == 0) {
        lines << u"latency ms: no samples"_s;
    } else {
        lines << u"latency ms: min %1, p50 %2, p90 %3, p99 %4, max %5"_s.arg(
            ms(latency.minMs), ms(latency.p50Ms), ms(latency.p90Ms), ms(latency.p99Ms), ms(latency.maxMs));
        const QList<HistogramBucket> buckets = histogram(latenciesUs);
        qint64 peak = 0;
        for (const auto &bucket : buckets)
            peak = std::max(peak, bucket.count);
        // Only the span from the first to the last non-empty bucket, so the picture stays short.
        const auto first = std::find_if(buckets.begin(), buckets.end(), [](const auto &b) { return b.count > 0; });
        const auto last = std::find_if(buckets.rbegin(), buckets.rend(), [](const auto &b) { return b.count > 0; });
        for (auto it = first; it != last.base(); ++it) {
            const QString label = it->upToMs ? u"< %1 ms"_s.arg(*it->upToMs) : u">= %1 ms"_s.arg(BucketBoundsMs[12]);
            const int bar = peak > 0 ? int((it->count * BarWidth + peak - 1) / peak) : 0;
            lines << u"  %1 | %2 %3"_s.arg(label, 10).arg(QString(bar, u'#')).arg(it->count);
        }
    }
    const auto perDelivery = cpuMicrosPerDelivery();
    const auto rate = deliveriesPerSecond();
    lines << u"cpu: %1 s, connecting %2 s, delivering %3 s (%4 us per received delivery), run: %5 s"_s.arg(
        QString::number(cpuSeconds, 'f', 3), QString::number(connectCpuSeconds, 'f', 3),
        QString::number(deliveryCpuSeconds, 'f', 3), perDelivery ? QString::number(*perDelivery, 'f', 1) : u"-"_s,
        QString::number(durationSeconds, 'f', 1));
    lines << u"delivery phase: %1 received in %2 s (%3 per second)"_s.arg(deliveryReceived)
                 .arg(QString::number(deliverySeconds, 'f', 3), rate ? QString::number(*rate, 'f', 0) : u"-"_s);
    for (const QString &error : errors)
        lines << u"error: "_s + error;
    lines << (passed() ? u"result: PASS"_s : u"result: FAIL"_s);
    return lines.join(u'\n');
}

QJsonObject StressReport::toJson() const
{
    const LatencySummary latency = summarize(latenciesUs);
    QJsonObject latencyObject;
    if (latency.samples > 0) {
        latencyObject = QJsonObject { { Json::Min, latency.minMs }, { Json::P50, latency.p50Ms },
            { Json::P90, latency.p90Ms }, { Json::P99, latency.p99Ms }, { Json::Max, latency.maxMs } };
    }
    QJsonArray buckets;
    for (const HistogramBucket &bucket : histogram(latenciesUs)) {
        buckets.append(QJsonObject { { Json::UpToMs, bucket.upToMs ? QJsonValue(*bucket.upToMs) : QJsonValue() },
            { Json::Count, bucket.count } });
    }
    const auto perDelivery = cpuMicrosPerDelivery();
    const auto rate = deliveriesPerSecond();
    QJsonArray named;
    for (const DeliveryLedger::Anomaly &a : anomalies) {
        named.append(QJsonObject { { Json::Kind, anomalyKind(a.outcome) },
            { Json::Client, QString(userPrefix + QString::number(a.client)) }, { Json::Channel, a.channel },
            { Json::Id, a.id }, { Json::Came, a.came } });
    }
    return QJsonObject {
        { Json::Unsent, unsent },
        { Json::UnsentReasons, reasonsJson(unsentReasons) },
        { Json::ConnectFailures, reasonsJson(connectFailures) },
        { Json::Foreign, foreign },
        { Json::Strict, strict },
        { Json::Anomalies, named },
        { Json::Passed, passed() },
        { Json::Clients, clients },
        { Json::ClientsConnected, clientsConnected },
        { Json::Expected, expected },
        { Json::TotalReceived, totalReceived },
        { Json::Delivered, delivered },
        { Json::Lost, lost },
        { Json::Duplicated, duplicated },
        { Json::Redelivered, redelivered },
        { Json::Wrong, wrong },
        { Json::SendRequests, sendRequests },
        { Json::SendErrors, sendErrors },
        { Json::SendRetries, sendRetries },
        { Json::Resent, resent },
        { Json::Failover, failover },
        { Json::Transport, transport },
        { Json::LatencyMs, latencyObject },
        { Json::Histogram, buckets },
        { Json::CpuSeconds, cpuSeconds },
        { Json::ConnectCpuSeconds, connectCpuSeconds },
        { Json::DeliveryCpuSeconds, deliveryCpuSeconds },
        { Json::DeliverySeconds, deliverySeconds },
        { Json::DeliveryReceived, deliveryReceived },
        { Json::CpuMicrosPerDelivery, perDelivery ? QJsonValue(*perDelivery) : QJsonValue() },
        { Json::DeliveriesPerSecond, rate ? QJsonValue(*rate) : QJsonValue() },
        { Json::DurationSeconds, durationSeconds },
        { Json::Errors, QJsonArray::fromStringList(errors) },
    };
}
