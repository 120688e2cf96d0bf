// DeliveryLedger (what was expected, what arrived), StressReport's statistics and forms, and the
// small pure helpers of the run: the progress line, the node's "listening on" line, the send body.
#include "connectfailure.h"
#include "deliveryledger.h"
#include "nodelauncher.h"
#include "progressbar.h"
#include "sender.h"
#include "stressnames.h"
#include "stressreport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
namespace Json = StressNames::Json;

namespace {
const QString Channel = u"/eXo/comedt/test"_s;
const QString Other = u"/other"_s;
} // namespace

class tst_StressReport : public QObject
{
    Q_OBJECT

private slots:
    void wireIds()
    {
        QCOMPARE(DeliveryLedger::wireId(u"1"_s, 0), u"1-r0"_s);
        QCOMPARE(DeliveryLedger::wireId(u"hello-r1"_s, 12), u"hello-r1-r12"_s);
    }

    void ledgerCounts()
    {
        DeliveryLedger ledger;
        QVERIFY(ledger.expect(0, Channel, u"1-r0"_s, u"hello"_s));
        QVERIFY(ledger.expect(1, Channel, u"1-r0"_s, u"hello"_s));
        QVERIFY(ledger.expect(0, Other, u"1-r0"_s, u"hello"_s)); // same id, other channel: distinct
        QVERIFY(ledger.expect(0, Channel, u"2-r0"_s, u"hello!!!"_s));
        QVERIFY(!ledger.expect(0, Channel, u"2-r0"_s, u"hello!!!"_s));
        QCOMPARE(ledger.expected(), 4);
        QCOMPARE(ledger.lost(), 4);
        QVERIFY(!ledger.complete());

        ledger.markSent(0, Channel, u"1-r0"_s, 1000);
        ledger.markSent(0, Channel, u"1-r0"_s, 5000); // a retry keeps the first send time
        using O = DeliveryLedger::Outcome;
        QCOMPARE(ledger.record(0, Channel, u"1-r0"_s, u"hello"_s, 3500), O::Delivered);
        QCOMPARE(ledger.latenciesUs(), QList<qint64> { 2500 });
        QCOMPARE(ledger.record(0, Channel, u"1-r0"_s, u"hello"_s, 4000), O::Duplicate);
        QCOMPARE(ledger.record(1, Channel, u"1-r0"_s, u"hallo"_s, 4000), O::Wrong); // text differs
        QCOMPARE(ledger.record(1, Channel, u"1-r0"_s, QJsonValue(42), 4000), O::Wrong); // not a string
        QCOMPARE(ledger.record(1, Channel, u"9-r0"_s, u"hello"_s, 4000), O::Foreign); // not this run's id
        QCOMPARE(ledger.record(2, Channel, u"1-r0"_s, u"hello"_s, 4000), O::Wrong); // not this client's
        QCOMPARE(ledger.record(1, Other, u"1-r0"_s, u"hello"_s, 4000), O::Wrong); // not on that channel
        QCOMPARE(ledger.record(1, Channel, u"1-r0"_s, u"hello"_s, 4000), O::Delivered); // never marked sent

        QCOMPARE(ledger.received(), 8);
        QCOMPARE(ledger.delivered(), 2);
        QCOMPARE(ledger.duplicated(), 1);
        QCOMPARE(ledger.redelivered(), 0);
        QCOMPARE(ledger.wrong(), 4);
        QCOMPARE(ledger.foreign(), 1);
        QCOMPARE(ledger.lost(), 2);
        // Every wrong, duplicated and foreign delivery is named: client, channel, id, what came.
        const QList<DeliveryLedger::Anomaly> named = ledger.anomalies();
        QCOMPARE(named.size(), 6);
        QCOMPARE(named.at(0).outcome, O::Duplicate);
        QCOMPARE(named.at(1).outcome, O::Wrong);
        QCOMPARE(named.at(1).client, 1);
        QCOMPARE(named.at(1).channel, Channel);
        QCOMPARE(named.at(1).id, u"1-r0"_s);
        QCOMPARE(named.at(1).came, u"\"hallo\""_s);
        QCOMPARE(named.at(2).came, u"42"_s);
        QCOMPARE(named.at(3).outcome, O::Foreign);
        QCOMPARE(named.at(3).id, u"9-r0"_s);
        QCOMPARE(ledger.latenciesUs().size(), 1); // no send time, no latency sample

        const QList<DeliveryLedger::Key> missing = ledger.missing(0);
        QCOMPARE(missing.size(), 2);
        QCOMPARE(missing.at(0), (DeliveryLedger::Key { 0, Other, u"1-r0"_s }));
        QCOMPARE(missing.at(1), (DeliveryLedger::Key { 0, Channel, u"2-r0"_s }));
        QCOMPARE(ledger.expectedText(missing.at(1)), u"hello!!!"_s);
        QVERIFY(ledger.missing(1).isEmpty());

        QCOMPARE(ledger.record(0, Other, u"1-r0"_s, u"hello"_s, 1), O::Delivered);
        QCOMPARE(ledger.record(0, Channel, u"2-r0"_s, u"hello!!!"_s, 1), O::Delivered);
        QVERIFY(ledger.complete());
    }

    void ledgerCountsUnsentApart()
    {
        DeliveryLedger ledger;
        for (int client = 0; client < 3; ++client) {
            ledger.expect(client, Channel, u"p-r0"_s, u"x"_s);
            ledger.expect(client, Channel, u"b-r0"_s, u"y"_s);
        }
        ledger.markClientUnsent(2); // never connected: both of its deliveries
        QCOMPARE(ledger.unsent(), 2);
        ledger.markUnsent(0, Channel, u"p-r0"_s); // its send was refused
        ledger.markUnsent(0, Channel, u"p-r0"_s); // counted once
        QCOMPARE(ledger.unsent(), 3);
        QCOMPARE(ledger.lost(), 3); // 6 expected, 3 unsent, none delivered
        ledger.markColumnUnsent(Channel, u"b-r0"_s); // a refused broadcast: the rest of its column
        QCOMPARE(ledger.unsent(), 5);
        QCOMPARE(ledger.lost(), 1);
        QVERIFY(!ledger.complete());
        QCOMPARE(ledger.missing(0), QList<DeliveryLedger::Key> {}); // nothing to re-send: given up
        QCOMPARE(ledger.record(1, Channel, u"p-r0"_s, u"x"_s, 0), DeliveryLedger::Outcome::Delivered);
        QVERIFY(ledger.complete()); // nothing left to wait for
        // A refused send that arrived all the same counts as delivered.
        QCOMPARE(ledger.record(0, Channel, u"p-r0"_s, u"x"_s, 0), DeliveryLedger::Outcome::Delivered);
        QCOMPARE(ledger.unsent(), 4);
        QCOMPARE(ledger.delivered(), 2);
        QCOMPARE(ledger.lost(), 0);
    }

    void anomaliesAreBounded()
    {
        DeliveryLedger ledger;
        ledger.expect(0, Channel, u"p-r0"_s, u"x"_s);
        for (int i = 0; i < 50; ++i) {
            ledger.record(0, Channel, u"f%1"_s.arg(i), QString(500, u'z'), 0);
            ledger.record(0, Channel, u"p-r0"_s, u"not x"_s, 0);
        }
        QCOMPARE(ledger.foreign(), 50);
        QCOMPARE(ledger.wrong(), 50);
        QCOMPARE(ledger.anomalies().size(), 2 * DeliveryLedger::MaxAnomalies);
        QCOMPARE(ledger.anomalies().first().came.size(), DeliveryLedger::MaxAnomalyText + 1); // cut, with '…'

        StressReport report;
        report.expected = 1;
        report.foreign = ledger.foreign();
        report.wrong = ledger.wrong();
        report.anomalies = ledger.anomalies();
        const QString text = report.toText();
        QVERIFY2(text.contains(u"  foreign: exo0 on /eXo/comedt/test, id f0: came \"zzz"_s), qPrintable(text));
        QVERIFY(text.contains(u"  wrong: exo0 on /eXo/comedt/test, id p-r0: came \"not x\""_s));
        QVERIFY2(text.contains(u"… and 60 more not named (the first 20 of each kind are)"_s), qPrintable(text));
        QCOMPARE(report.toJson().value(Json::Anomalies).toArray().size(), 40);
    }

    void connectFailureReasons_data()
    {
        using R = Cometd::ClientRefusal;
        QTest::addColumn<std::optional<R>>("refusal");
        QTest::addColumn<QString>("error");
        QTest::addColumn<bool>("gaveUp");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<bool>("final");
        const std::optional<R> none;
        QTest::addRow("cluster full") << std::optional(
            R { R::By::Balancer, R::Step::Locate, 503, u"no node has room; retry shortly"_s })
                                      << QString() << false << u"the balancer has no room for them (503)"_s << true;
        // Redis away: the same status, another reason, and it may pass.
        QTest::addRow("no cluster state")
            << std::optional(
                   R { R::By::Balancer, R::Step::Locate, 503, u"the cluster state is unreachable; retry shortly"_s })
            << QString() << false << u"the balancer answered (503: the cluster state is unreachable; retry shortly)"_s
            << false;
        QTest::addRow("balancer refusal")
            << std::optional(R { R::By::Balancer, R::Step::Locate, 400, u"bad user"_s }) << QString() << true
            << u"the balancer refused them (400: bad user)"_s << true;
        QTest::addRow("token refused") << std::optional(R { R::By::Node, R::Step::Token, 401, QString() }) << QString()
                                       << true << u"the node refused them a token (401)"_s << true;
        QTest::addRow("too many sessions")
            << std::optional(R { R::By::Node, R::Step::Handshake, 0, u"503::too many sessions"_s }) << QString() << true
            << u"the node refused the handshake (503::too many sessions)"_s << true;
        QTest::addRow("handshake retried")
            << std::optional(R { R::By::Node, R::Step::Handshake, 0, u"503::busy"_s }) << QString() << false
            << u"the node refused the handshake (503::busy)"_s << false;
        QTest::addRow("subscription refused")
            << std::optional(R { R::By::Node, R::Step::Subscribe, 0, u"403::denied"_s }) << QString() << false
            << u"the node refused a subscription (403::denied)"_s << true;
        QTest::addRow("no balancer") << none << u"the balancer is unreachable"_s << false
                                     << u"the balancer did not answer"_s << false;
        QTest::addRow("silence") << none << QString() << false << u"no answer in time"_s << false;
    }

    void connectFailureReasons()
    {
        QFETCH(std::optional<Cometd::ClientRefusal>, refusal);
        QFETCH(QString, error);
        QFETCH(bool, gaveUp);
        QFETCH(QString, reason);
        QFETCH(bool, final);
        const ConnectFailure failure = ConnectFailure::classify(refusal, error, gaveUp);
        QCOMPARE(failure.reason, reason);
        QCOMPARE(failure.final, final);
    }

    void reasonsAreTalliedAndReported()
    {
        ReasonTally tally;
        tally.add(u"the balancer has no room for them (503)"_s, u"exo25"_s);
        tally.add(u"the node refused them a token (401)"_s, u"exo27"_s);
        tally.add(u"the balancer has no room for them (503)"_s, u"exo26"_s, 4);
        QCOMPARE(tally.total(), 6);
        QCOMPARE(tally.items().first(), (ReasonCount { u"the balancer has no room for them (503)"_s, 5, u"exo25"_s }));

        StressReport report;
        report.clients = 30;
        report.clientsConnected = 24;
        report.connectFailures = tally.items();
        report.expected = 10;
        report.delivered = 4;
        report.unsent = 6;
        report.unsentReasons = { ReasonCount { u"its client did not connect"_s, 6, u"exo25"_s } };
        const QString text = report.toText();
        QVERIFY2(text.contains(u"clients connected: 24 of 30\n  did not connect: 5 × the balancer has no room for them "
                               "(503) (first: exo25); 1 × the node refused them a token (401) (first: exo27)"_s),
            qPrintable(text));
        QVERIFY(text.contains(u"lost: 0, unsent: 6,"_s));
        QVERIFY(text.contains(u"  unsent: 6 × its client did not connect (first: exo25)"_s));
        const QJsonObject json = report.toJson();
        QCOMPARE(json.value(Json::Unsent).toInt(), 6);
        QCOMPARE(json.value(Json::ConnectFailures).toArray().size(), 2);
        QCOMPARE(
            json.value(Json::ConnectFailures).toArray().at(1).toObject().value(Json::First).toString(), u"exo27"_s);
        QCOMPARE(json.value(Json::UnsentReasons).toArray().at(0).toObject().value(Json::Count).toInt(), 6);
        QVERIFY(!report.passed());
    }

    void ledgerToleratesDuplicatesInFailover()
    {
        DeliveryLedger ledger(true);
        ledger.expect(0, Channel, u"1-r0"_s, u"x"_s);
        QCOMPARE(ledger.record(0, Channel, u"1-r0"_s, u"x"_s, 0), DeliveryLedger::Outcome::Delivered);
        QCOMPARE(ledger.record(0, Channel, u"1-r0"_s, u"x"_s, 0), DeliveryLedger::Outcome::Duplicate);
        QCOMPARE(ledger.duplicated(), 0);
        QCOMPARE(ledger.redelivered(), 1);
    }

    void percentile_data()
    {
        QTest::addColumn<QList<qint64>>("sorted");
        QTest::addColumn<double>("p");
        QTest::addColumn<qint64>("expected");

        QTest::addRow("one sample p50") << QList<qint64> { 7 } << 50.0 << qint64(7);
        QTest::addRow("one sample p99") << QList<qint64> { 7 } << 99.0 << qint64(7);
        QTest::addRow("two samples p50 is the lower") << QList<qint64> { 1, 2 } << 50.0 << qint64(1);
        QTest::addRow("two samples p51 is the upper") << QList<qint64> { 1, 2 } << 51.0 << qint64(2);
        QList<qint64> hundred;
        for (qint64 i = 1; i <= 100; ++i)
            hundred.append(i * 10);
        QTest::addRow("1..100 p50") << hundred << 50.0 << qint64(500);
        QTest::addRow("1..100 p90") << hundred << 90.0 << qint64(900);
        QTest::addRow("1..100 p99") << hundred << 99.0 << qint64(990);
        QTest::addRow("1..100 p100") << hundred << 100.0 << qint64(1000);
        QTest::addRow("1..100 p0 is the minimum") << hundred << 0.0 << qint64(10);
        QTest::addRow("ten samples p99 is the max") << hundred.mid(0, 10) << 99.0 << qint64(100);
    }

    void percentile()
    {
        QFETCH(QList<qint64>, sorted);
        QFETCH(double, p);
        QFETCH(qint64, expected);
        QCOMPARE(StressReport::percentile(sorted, p), expected);
    }

    void summarizeSortsAndConverts()
    {
        const LatencySummary summary = StressReport::summarize({ 3000, 1000, 2000, 500, 4000 });
        QCOMPARE(summary.samples, 5);
        QCOMPARE(summary.minMs, 0.5);
        QCOMPARE(summary.p50Ms, 2.0);
        QCOMPARE(summary.p90Ms, 4.0);
        QCOMPARE(summary.maxMs, 4.0);
        QCOMPARE(StressReport::summarize({}).samples, 0);
    }

    void histogramBuckets()
    {
        // 0.5 ms and 0.999 ms < 1; 1 ms < 2; 4.9 ms < 5; 12 s open bucket
        const auto buckets = StressReport::histogram({ 500, 999, 1000, 4900, 12000000 });
        QCOMPARE(buckets.first().upToMs, 1.0);
        QCOMPARE(buckets.at(0).count, 2);
        QCOMPARE(buckets.at(1).count, 1);
        QCOMPARE(buckets.at(2).upToMs, 5.0);
        QCOMPARE(buckets.at(2).count, 1);
        QVERIFY(!buckets.last().upToMs);
        QCOMPARE(buckets.last().count, 1);
        qint64 total = 0;
        for (const auto &bucket : buckets)
            total += bucket.count;
        QCOMPARE(total, 5);
    }

    void passed_data()
    {
        QTest::addColumn<qint64>("lost");
        QTest::addColumn<qint64>("duplicated");
        QTest::addColumn<qint64>("wrong");
        QTest::addColumn<qint64>("redelivered");
        QTest::addColumn<qint64>("unsent");
        QTest::addColumn<qint64>("foreign");
        QTest::addColumn<bool>("strict");
        QTest::addColumn<bool>("passed");
        const qint64 no = 0;
        QTest::addRow("all delivered") << no << no << no << no << no << no << false << true;
        QTest::addRow("one lost") << qint64(1) << no << no << no << no << no << false << false;
        QTest::addRow("one duplicated") << no << qint64(1) << no << no << no << no << false << false;
        QTest::addRow("one wrong") << no << no << qint64(1) << no << no << no << false << false;
        QTest::addRow("redelivered is tolerated") << no << no << no << qint64(3) << no << no << false << true;
        QTest::addRow("one unsent") << no << no << no << no << qint64(1) << no << false << false;
        QTest::addRow("foreign is tolerated") << no << no << no << no << no << qint64(2) << false << true;
        QTest::addRow("foreign fails strict") << no << no << no << no << no << qint64(2) << true << false;
    }

    void passed()
    {
        QFETCH(qint64, lost);
        QFETCH(qint64, duplicated);
        QFETCH(qint64, wrong);
        QFETCH(qint64, redelivered);
        QFETCH(qint64, unsent);
        QFETCH(qint64, foreign);
        QFETCH(bool, strict);
        QFETCH(bool, passed);
        StressReport report;
        report.expected = 10;
        report.delivered = 10 - lost - unsent;
        report.lost = lost;
        report.unsent = unsent;
        report.foreign = foreign;
        report.strict = strict;
        report.duplicated = duplicated;
        report.wrong = wrong;
        report.redelivered = redelivered;
        QCOMPARE(report.passed(), passed);
        QCOMPARE(report.toJson().value(Json::Passed).toBool(), passed);
        QCOMPARE(report.toText().endsWith(passed ? u"result: PASS"_s : u"result: FAIL"_s), true);
    }

    void nothingExpectedDoesNotPass()
    {
        StressReport report;
        QVERIFY(!report.passed());
    }

    void textAndJson()
    {
        StressReport report;
        report.clients = 12;
        report.clientsConnected = 12;
        report.expected = 24;
        report.totalReceived = 25;
        report.delivered = 24;
        report.duplicated = 1;
        report.sendRequests = 13;
        report.sendErrors = 2;
        report.transport = u"long-polling"_s;
        report.latenciesUs = { 1500, 2500, 900 };
        report.cpuSeconds = 2.0;
        report.connectCpuSeconds = 1.25;
        report.deliveryCpuSeconds = 0.5; // only this phase counts per delivery
        report.deliveryReceived = 25;
        report.deliverySeconds = 5;
        report.errors = { u"something odd"_s };

        const QString text = report.toText();
        QVERIFY2(text.contains(u"clients connected: 12 of 12"_s), qPrintable(text));
        QVERIFY(text.contains(u"total received: 25"_s));
        QVERIFY(text.contains(
            u"messages expected: 24, delivered: 24, lost: 0, unsent: 0, duplicated: 1, wrong: 0, foreign: 0"_s));
        QVERIFY(text.contains(u"send errors: 2"_s));
        QVERIFY(text.contains(u"latency ms: min 0.90, p50 1.50, p90 2.50, p99 2.50, max 2.50"_s));
        // One sample each below 1, 2 and 5 ms: three full bars.
        const QString bar(40, u'#');
        QVERIFY2(text.contains(u"    < 1 ms | "_s + bar + u" 1\n"_s), qPrintable(text));
        QVERIFY(text.contains(u"    < 2 ms | "_s + bar + u" 1\n"_s));
        QVERIFY(text.contains(u"    < 5 ms | "_s + bar + u" 1\n"_s));
        QVERIFY(!text.contains(u"< 10 ms |"_s)); // empty buckets after the last sample are left out
        QVERIFY2(
            text.contains(u"cpu: 2.000 s, connecting 1.250 s, delivering 0.500 s (20000.0 us per received delivery)"_s),
            qPrintable(text));
        QVERIFY(text.contains(u"delivery phase: 25 received in 5.000 s (5 per second)"_s));
        QVERIFY(text.contains(u"error: something odd"_s));

        // The JSON survives a round trip and carries every figure.
        const QJsonObject json = QJsonDocument::fromJson(QJsonDocument(report.toJson()).toJson()).object();
        QCOMPARE(json.value(Json::Passed).toBool(), false);
        QCOMPARE(json.value(Json::ClientsConnected).toInt(), 12);
        QCOMPARE(json.value(Json::Expected).toInt(), 24);
        QCOMPARE(json.value(Json::TotalReceived).toInt(), 25);
        QCOMPARE(json.value(Json::Duplicated).toInt(), 1);
        QCOMPARE(json.value(Json::SendErrors).toInt(), 2);
        QCOMPARE(json.value(Json::LatencyMs).toObject().value(Json::P50).toDouble(), 1.5);
        QCOMPARE(json.value(Json::LatencyMs).toObject().value(Json::Min).toDouble(), 0.9);
        QCOMPARE(json.value(Json::CpuMicrosPerDelivery).toDouble(), 20000.0);
        QCOMPARE(json.value(Json::ConnectCpuSeconds).toDouble(), 1.25);
        QCOMPARE(json.value(Json::DeliveryCpuSeconds).toDouble(), 0.5);
        QCOMPARE(json.value(Json::DeliveryReceived).toInteger(), 25);
        QCOMPARE(json.value(Json::DeliveriesPerSecond).toDouble(), 5.0);
        const QJsonArray histogram = json.value(Json::Histogram).toArray();
        qint64 total = 0;
        for (const auto &bucket : histogram)
            total += bucket.toObject().value(Json::Count).toInteger();
        QCOMPARE(total, 3);
        QVERIFY(histogram.last().toObject().value(Json::UpToMs).isNull());
        QCOMPARE(json.value(Json::Errors).toArray().size(), 1);
    }

    void noLatencySamples()
    {
        StressReport report;
        QVERIFY(report.toText().contains(u"latency ms: no samples"_s));
        QVERIFY(report.toJson().value(Json::LatencyMs).toObject().isEmpty());
        QVERIFY(report.toJson().value(Json::CpuMicrosPerDelivery).isNull());
        QVERIFY(report.toJson().value(Json::DeliveriesPerSecond).isNull());
    }

    void progressLine()
    {
        const QString connecting = ProgressBar::render({ u"connecting"_s, 5, 10, 0, 20 }, 10);
        QVERIFY2(connecting.startsWith(u"[#####.....] connecting"_s), qPrintable(connecting));
        QVERIFY(connecting.contains(u"clients 5/10 delivered 0/20"_s));
        const QString sending = ProgressBar::render({ u"sending"_s, 10, 10, 15, 20 }, 4);
        QVERIFY2(sending.startsWith(u"[###.] sending"_s), qPrintable(sending));
        QVERIFY(ProgressBar::render({ u"waiting"_s, 0, 0, 0, 0 }, 3).startsWith(u"[...]"_s));
    }

    void listeningLine_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("url"); // empty: not a listening line
        QTest::addRow("node") << QByteArray("listening on http://127.0.0.1:8080") << u"http://127.0.0.1:8080"_s;
        QTest::addRow("trailing slash and CR")
            << QByteArray("listening on http://127.0.0.1:4711/\r") << u"http://127.0.0.1:4711"_s;
        QTest::addRow("ipv6") << QByteArray("listening on http://[::1]:9000") << u"http://[::1]:9000"_s;
        QTest::addRow("other line") << QByteArray("started") << QString();
        QTest::addRow("no port") << QByteArray("listening on http://127.0.0.1") << QString();
        QTest::addRow("prefix") << QByteArray("not listening on http://127.0.0.1:1") << QString();
    }

    void listeningLine()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, url);
        const auto parsed = NodeLauncher::parseListeningLine(line);
        QCOMPARE(parsed.has_value(), !url.isEmpty());
        if (parsed) QCOMPARE(*parsed, QUrl(url));
    }

    void sendBodies()
    {
        const Sender sender({ QUrl(u"http://127.0.0.1:1/rest/"_s) }, {}, 1, std::chrono::seconds(1));
        const SendRequest privateMessage { false, Channel, u"exo3"_s, u"hello"_s, u"1-r0"_s };
        const SendRequest broadcast { true, Channel, {}, u"hello!!!"_s, u"2-r0"_s };
        QCOMPARE(sender.urlFor(privateMessage), QUrl(u"http://127.0.0.1:1/rest/sendprivatemessage/"_s));
        QCOMPARE(sender.urlFor(broadcast), QUrl(u"http://127.0.0.1:1/rest/sendbroadcastmessage/"_s));
        const QJsonObject p = QJsonDocument::fromJson(Sender::body(privateMessage)).object();
        QCOMPARE(p,
            (QJsonObject { { u"channel"_s, Channel }, { u"exoId"_s, u"exo3"_s }, { u"message"_s, u"hello"_s },
                { u"id"_s, u"1-r0"_s } }));
        const QJsonObject b = QJsonDocument::fromJson(Sender::body(broadcast)).object();
        QCOMPARE(
            b, (QJsonObject { { u"channel"_s, Channel }, { u"message"_s, u"hello!!!"_s }, { u"id"_s, u"2-r0"_s } }));
    }
};

QTEST_GUILESS_MAIN(tst_StressReport)
#include "tst_stressreport.moc"
