// The node's side of membership: what it reports, when, and what it sends again after a failure.
#include "bayeuxengine.h"
#include "nodereporter.h"

#include <QCoreApplication>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// Reports as they were handed over; the test decides when and how each one completes.
struct Recorder
{
    QList<Balancer::NodeReport> reports;
    QList<Cluster::ReportDone> pending;

    Cluster::ReportSink sink()
    {
        return [this](const Balancer::NodeReport &report, Cluster::ReportDone done) {
            reports.append(report);
            pending.append(std::move(done));
        };
    }
    void complete(bool accepted, bool wantFullList = false) { pending.takeFirst()(accepted, wantFullList); }
    const Balancer::UserPresence *user(qsizetype report, const QString &name) const
    {
        for (const Balancer::UserPresence &p : reports.at(report).users) {
            if (p.user == name) return &p;
        }
        return nullptr;
    }
};

Cluster::ReporterOptions options(int heartbeatMs = 3600000)
{
    Cluster::ReporterOptions o;
    o.nodeId = u"1"_s;
    o.url = u"http://127.0.0.1:8081"_s;
    o.maxConnection = 10;
    o.heartbeatMs = heartbeatMs;
    return o;
}

struct Fixture
{
    Bayeux::BayeuxEngine engine { {}, [](const QString &, const QString &) { return true; } };
    Recorder recorder;
    Cluster::NodeReporter reporter;

    explicit Fixture(int heartbeatMs = 3600000)
        : reporter(&engine, options(heartbeatMs), recorder.sink())
    { }

    void open(const QString &user, const QByteArray &clientId)
    {
        Q_EMIT engine.sessionOpened(user, clientId, QLatin1StringView("long-polling"));
    }
    void close(const QString &user, const QByteArray &clientId) { Q_EMIT engine.sessionClosed(user, clientId); }
};

} // namespace

class tst_NodeReporter : public QObject
{
    Q_OBJECT

private slots:
    void firstReportIsAFullList()
    {
        Fixture f;
        f.reporter.start();
        QCOMPARE(f.recorder.reports.size(), 1);
        const Balancer::NodeReport &r = f.recorder.reports.at(0);
        QVERIFY(r.fullList);
        QCOMPARE(r.nodeId, u"1"_s);
        QCOMPARE(r.url, u"http://127.0.0.1:8081"_s);
        QCOMPARE(r.maxConnection, 10);
    }

    void changesOfOneTurnGoInOneReport()
    {
        Fixture f;
        f.reporter.start();
        f.recorder.complete(true);
        f.open(u"a"_s, "c1");
        f.open(u"a"_s, "c2");
        f.open(u"b"_s, "c3");
        f.close(u"b"_s, "c3");
        QCOMPARE(f.recorder.reports.size(), 1); // not before the event loop turns
        QTRY_COMPARE(f.recorder.reports.size(), 2);
        const Balancer::NodeReport &r = f.recorder.reports.at(1);
        QVERIFY(!r.fullList);
        QCOMPARE(r.users.size(), 2);
        QCOMPARE(f.recorder.user(1, u"a"_s)->sessions, 2);
        QVERIFY(f.recorder.user(1, u"a"_s)->opened);
        QCOMPARE(f.recorder.user(1, u"a"_s)->transport, u"long-polling"_s);
        QVERIFY(f.recorder.user(1, u"a"_s)->connectedSince.isValid());
        QCOMPARE(f.recorder.user(1, u"b"_s)->sessions, 0); // its last session closed
        QVERIFY(f.recorder.user(1, u"b"_s)->opened); // and it had opened: its reservation is used
        QCoreApplication::processEvents(); // nothing else pending
        QCOMPARE(f.recorder.reports.size(), 2);
    }

    void oneReportInFlight()
    {
        Fixture f;
        f.reporter.start();
        f.recorder.complete(true);
        f.open(u"a"_s, "c1");
        QTRY_COMPARE(f.recorder.reports.size(), 2);
        f.open(u"b"_s, "c2");
        QCoreApplication::processEvents(); // the change waits for the report in flight
        QCOMPARE(f.recorder.reports.size(), 2);
        f.recorder.complete(true);
        QTRY_COMPARE(f.recorder.reports.size(), 3);
        QCOMPARE(f.recorder.reports.at(2).users.size(), 1); // only what changed since
        QVERIFY(f.recorder.user(2, u"b"_s));
    }

    void failedReportIsSentAgain()
    {
        Fixture f(50);
        f.reporter.start();
        f.recorder.complete(true);
        f.open(u"a"_s, "c1");
        QTRY_COMPARE(f.recorder.reports.size(), 2);
        f.recorder.complete(false);
        QTRY_COMPARE(f.recorder.reports.size(), 3); // on the next heartbeat
        QVERIFY(f.recorder.user(2, u"a"_s));
        QVERIFY(f.recorder.user(2, u"a"_s)->opened);
        f.recorder.complete(true);
        QTRY_COMPARE(f.recorder.reports.size(), 4);
        QVERIFY(f.recorder.reports.at(3).users.isEmpty()); // accepted: a heartbeat only
    }

    void balancerAsksForTheFullList()
    {
        Fixture f;
        f.reporter.start();
        f.recorder.complete(true);
        f.open(u"a"_s, "c1");
        f.open(u"b"_s, "c2");
        QTRY_COMPARE(f.recorder.reports.size(), 2);
        f.recorder.complete(true);
        f.open(u"c"_s, "c3");
        QTRY_COMPARE(f.recorder.reports.size(), 3);
        f.recorder.complete(true, true); // e.g. the balancer restarted
        QTRY_COMPARE(f.recorder.reports.size(), 4);
        const Balancer::NodeReport &r = f.recorder.reports.at(3);
        QVERIFY(r.fullList);
        QCOMPARE(r.users.size(), 3);
    }

    void heartbeatWithoutChanges()
    {
        Fixture f(20);
        f.reporter.start();
        f.recorder.complete(true);
        for (int i = 1; i <= 3; ++i) {
            QTRY_COMPARE(f.recorder.reports.size(), i + 1);
            f.recorder.complete(true);
        }
        QVERIFY(!f.recorder.reports.last().fullList);
    }
};

QTEST_GUILESS_MAIN(tst_NodeReporter)
#include "tst_nodereporter.moc"
