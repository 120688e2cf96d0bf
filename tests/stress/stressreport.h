#pragma once

#include "deliveryledger.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// Latency figures in milliseconds; nearest-rank percentiles (the value below which p% of the samples
// lie, always one of the samples).
struct LatencySummary
{
    qint64 samples = 0;
    double minMs = 0;
    double p50Ms = 0;
    double p90Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;
};

struct HistogramBucket
{
    std::optional<double> upToMs; // exclusive upper bound; none for the last, open bucket
    qint64 count = 0;
};

// A reason and how many it stands for: clients that did not connect, deliveries not sent.
struct ReasonCount
{
    QString reason;
    qint64 count = 0;
    QString first; // the first client it happened to, e.g. "exo25"
    friend bool operator==(const ReasonCount &, const ReasonCount &) = default;
};

// Counts by reason, in the order the reasons first came.
class ReasonTally
{
public:
    void add(const QString &reason, const QString &client, qint64 count = 1);
    const QList<ReasonCount> &items() const { return m_items; }
    qint64 total() const;

private:
    QList<ReasonCount> m_items;
};

// The outcome of one run: counts, latency statistics, and their text and JSON forms.
struct StressReport
{
    int clients = 0;
    int clientsConnected = 0;
    QString userPrefix = QStringLiteral("exo"); // client i is user <prefix><i>
    QList<ReasonCount> connectFailures; // why the clients that did not connect did not
    qint64 expected = 0;
    qint64 totalReceived = 0;
    qint64 delivered = 0;
    qint64 lost = 0; // sent and accepted, never delivered
    qint64 unsent = 0; // never sent (client not connected) or refused by the cluster
    QList<ReasonCount> unsentReasons;
    qint64 duplicated = 0;
    qint64 redelivered = 0;
    qint64 wrong = 0;
    qint64 foreign = 0; // messages this run did not send, on its channels
    bool strict = false; // foreign messages fail the run
    QList<DeliveryLedger::Anomaly> anomalies; // wrong, duplicated and foreign deliveries, named
    qint64 sendRequests = 0;
    qint64 sendErrors = 0;
    qint64 sendRetries = 0;
    qint64 resent = 0;
    bool failover = false;
    QString transport;
    QList<qint64> latenciesUs;
    double cpuSeconds = 0; // the whole run
    // getrusage deltas: connecting (first client started → sending starts) and delivering (sending
    // starts → stopping), so that the tool's cost per delivery is not diluted by the connect storm.
    double connectCpuSeconds = 0;
    double deliveryCpuSeconds = 0;
    double deliverySeconds = 0; // wall time of the delivery phase
    qint64 deliveryReceived = 0; // messages received during the delivery phase
    double durationSeconds = 0;
    QStringList errors; // what went wrong besides the counts (a node that would not start, ...)

    // Every expected message was sent and arrived exactly once and intact (and, with strict,
    // nothing else came).
    bool passed() const;
    // Delivery-phase CPU ÷ messages received in that phase: the tool's cost per received delivery.
    std::optional<double> cpuMicrosPerDelivery() const;
    std::optional<double> deliveriesPerSecond() const; // received in the delivery phase ÷ its wall time
    QString toText() const;
    QJsonObject toJson() const;

    // Nearest rank: the smallest sample with at least p% of the samples at or below it. `sortedUs`
    // must be sorted ascending and non-empty.
    static qint64 percentile(const QList<qint64> &sortedUs, double p);
    static LatencySummary summarize(QList<qint64> latenciesUs);
    static QList<HistogramBucket> histogram(const QList<qint64> &latenciesUs);
};
