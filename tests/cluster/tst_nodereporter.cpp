// The node's side of membership: what it reports, when, and what it sends again after a failure.
#include "bayeuxengine.h"
#include "connection.h"
#include "memoryclusterstate.h"
#include "nodereporter.h"
#include "reportcodec.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSet>
#include <QTest>

#include <memory>

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

    void open(const QString &user, const QByteArray &clientId, const char *transport = "long-polling")
    {
        Q_EMIT engine.sessionOpened(user, clientId, QLatin1StringView(transport));
    }
    void close(const QString &user, const QByteArray &clientId) { Q_EMIT engine.sessionClosed(user, clientId); }
};

// A balancer in the test: each report is encoded (and measured), decoded and applied to a
// MemoryClusterState, as BalancerApi does; the answer comes on a later event-loop turn, as over HTTP.
struct FakeBalancer
{
    std::unique_ptr<Balancer::MemoryClusterState> state = fresh();
    QList<Balancer::NodeReport> reports; // as decoded
    qsizetype largest = 0; // encoded bytes
    std::function<bool(const Balancer::NodeReport &)> lose; // this report never arrives
    std::function<void()> afterReport;

    static std::unique_ptr<Balancer::MemoryClusterState> fresh()
    {
        return std::make_unique<Balancer::MemoryClusterState>(QList<NodeConfig::NodeEntry> {});
    }

    Cluster::ReportSink sink()
    {
        return [this](const Balancer::NodeReport &report, Cluster::ReportDone done) {
            const QByteArray body = Cluster::encodeReport(report);
            largest = std::max(largest, body.size());
            bool accepted = false;
            bool want = false;
            if (!(lose && lose(report))) {
                const auto decoded = Cluster::decodeReport(body);
                const auto *r = std::get_if<Balancer::NodeReport>(&decoded);
                if (r) {
                    const Balancer::ReportResult result = state->report(*r, 0);
                    accepted = result.status != Balancer::ReportResult::Status::Rejected;
                    want = result.wantFullList;
                }
            }
            reports.append(report);
            if (afterReport) afterReport();
            QMetaObject::invokeMethod(
                qApp, [done = std::move(done), accepted, want] { done(accepted, want); }, Qt::QueuedConnection);
        };
    }

    QSet<QString> channels() const
    {
        QSet<QString> names;
        for (const Balancer::ChannelPresence &c : state->channels())
            names.insert(c.channel);
        return names;
    }
};

// Reads what the engine writes back on a long-poll exchange.
class Reply final : public Bayeux::Connection
{
public:
    void deliver(const QByteArray &json) override { answer = QJsonDocument::fromJson(json).array(); }
    bool isPersistent() const override { return false; }
    QJsonArray answer;
};

// Opens one session of `user` on a real engine and subscribes it to `channel`.
bool openAndSubscribe(Bayeux::BayeuxEngine &engine, const QString &user, const QString &channel)
{
    const Bayeux::RequestInfo info { QLatin1StringView("long-polling"), {} };
    Reply handshake;
    engine.handleBatch(QJsonArray { QJsonObject { { u"channel"_s, u"/meta/handshake"_s }, { u"version"_s, u"1.0"_s },
                           { u"supportedConnectionTypes"_s, QJsonArray { u"long-polling"_s } }, { u"exoId"_s, user },
                           { u"exoToken"_s, u"t"_s } } },
        &handshake, info);
    const QString clientId = handshake.answer.at(0).toObject().value(u"clientId"_s).toString();
    if (clientId.isEmpty()) return false;
    Reply subscribe;
    engine.handleBatch(QJsonArray { QJsonObject { { u"channel"_s, u"/meta/subscribe"_s }, { u"clientId"_s, clientId },
                           { u"subscription"_s, channel } } },
        &subscribe, info);
    return subscribe.answer.at(0).toObject().value(u"successful"_s).toBool();
}

// 1,024 bytes, the longest a channel name may be, told apart by its first segment.
QString longChannel(int i)
{
    const QString head = u"/c"_s + QString::number(i) + u'/';
    return head + QString(1024 - head.size(), u'x');
}

// Names long enough that the full list of 300 users takes several pages.
QString longUser(int i)
{
    return QString::number(i) + u'-' + QString(240, u'u');
}

// A reporter of 300 such users, started, reporting every 50 ms to a FakeBalancer.
struct PagedFixture
{
    FakeBalancer balancer;
    Bayeux::BayeuxEngine engine { {}, [](const QString &, const QString &) { return true; } };
    Cluster::NodeReporter reporter { &engine, options(50), balancer.sink() };

    PagedFixture()
    {
        reporter.start();
        for (int i = 0; i < 300; ++i)
            Q_EMIT engine.sessionOpened(longUser(i), QByteArray::number(i), QLatin1StringView("websocket"));
    }
};

bool hasPage(const Balancer::NodeReport &r)
{
    return r.fullList.has_value();
}

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

    void everyTransportOfTheUserIsReported()
    {
        Fixture f;
        f.reporter.start();
        f.recorder.complete(true);
        f.open(u"a"_s, "c1", "websocket");
        f.open(u"a"_s, "c2", "long-polling");
        f.open(u"a"_s, "c3", "websocket");
        QTRY_COMPARE(f.recorder.reports.size(), 2);
        QCOMPARE(f.recorder.user(1, u"a"_s)->transport, u"long-polling, websocket"_s);
        f.recorder.complete(true);
        f.close(u"a"_s, "c2");
        QTRY_COMPARE(f.recorder.reports.size(), 3);
        QCOMPARE(f.recorder.user(2, u"a"_s)->transport, u"websocket"_s);
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

    // 20,000 users, each subscribed to its own 1,024-byte channel, all opened in one event-loop
    // turn: every report stays within the budget, and the balancer's state ends exact, first from
    // the changes, then from a paged full list after a balancer restart.
    void boundedReportsAtScale()
    {
        constexpr int Users = 20000;
        Bayeux::EngineOptions engineOptions;
        engineOptions.maxUsers = 2 * Users;
        engineOptions.maxIntervalMs = 3600000; // no /meta/connect in this test: keep the sessions
        Bayeux::BayeuxEngine engine(engineOptions, [](const QString &, const QString &) { return true; });
        FakeBalancer balancer;
        Cluster::ReporterOptions o = options(200);
        o.maxConnection = 2 * Users;
        Cluster::NodeReporter reporter(&engine, o, balancer.sink());
        reporter.start();
        QTRY_COMPARE(balancer.state->node(u"1"_s)->state, Balancer::NodeState::Up);

        for (int i = 0; i < Users; ++i)
            QVERIFY(openAndSubscribe(engine, u"user"_s + QString::number(i), longChannel(i)));
        // A second session of one user: sessions and users differ.
        QVERIFY(openAndSubscribe(engine, u"user0"_s, longChannel(0)));

        const auto exact = [&] {
            const Balancer::ClusterTotals totals = balancer.state->totals();
            return totals.users == Users && totals.sessions == Users + 1 && balancer.state->channels().size() == Users;
        };
        QTRY_VERIFY_WITH_TIMEOUT(exact(), 120000);
        QVERIFY(balancer.reports.size() > 10); // the burst was split
        QVERIFY2(balancer.largest <= Cluster::MaxReportBytes, qPrintable(QString::number(balancer.largest)));
        QCOMPARE(balancer.state->user(u"user0"_s)->sessions, 2);
        QCOMPARE(balancer.state->user(u"user19999"_s)->sessions, 1);
        QCOMPARE(balancer.state->user(u"user19999"_s)->nodeId, u"1"_s);
        QVERIFY(balancer.channels().contains(longChannel(12345)));

        // The balancer restarts: it knows nothing, asks for the full list, and gets it in pages.
        const qsizetype before = balancer.reports.size();
        balancer.state = FakeBalancer::fresh();
        QTRY_VERIFY_WITH_TIMEOUT(exact() && balancer.state->node(u"1"_s)->state == Balancer::NodeState::Up, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(!hasPage(balancer.reports.last()), 10000); // the full list ended
        int pages = 0;
        for (qsizetype i = before; i < balancer.reports.size(); ++i)
            pages += hasPage(balancer.reports.at(i)) ? 1 : 0;
        QVERIFY2(pages > 10, qPrintable(QString::number(pages)));
        QVERIFY2(balancer.largest <= Cluster::MaxReportBytes, qPrintable(QString::number(balancer.largest)));
        QCOMPARE(balancer.state->user(u"user0"_s)->sessions, 2);
        QCOMPARE(balancer.channels().size(), Users);
        QVERIFY(balancer.channels().contains(longChannel(0)));
        qInfo() << "20,000 users: the largest report took" << balancer.largest << "bytes," << pages
                << "pages for the full list";
    }

    // A page that does not arrive breaks the sequence: the reporter starts a new full list (new
    // epoch, page 0), and the state ends right.
    void lostPageRestartsTheFullList()
    {
        PagedFixture f;
        FakeBalancer &balancer = f.balancer;
        QTRY_COMPARE_WITH_TIMEOUT(balancer.state->totals().users, 300, 10000);

        // The balancer restarts and asks for the full list; its second page gets lost.
        qsizetype lost = -1;
        balancer.lose = [&](const Balancer::NodeReport &r) {
            if (lost >= 0 || !r.fullList || r.fullList->page != 1) return false;
            lost = balancer.reports.size();
            return true;
        };
        balancer.state = FakeBalancer::fresh();
        QTRY_VERIFY_WITH_TIMEOUT(
            lost >= 0 && balancer.reports.size() > lost + 3 && !hasPage(balancer.reports.last()), 10000);
        QCOMPARE(balancer.state->totals().users, 300);
        QCOMPARE(balancer.state->node(u"1"_s)->state, Balancer::NodeState::Up);

        const Balancer::FullListPage page1 = *balancer.reports.at(lost).fullList;
        QCOMPARE(*balancer.reports.at(lost - 1).fullList, (Balancer::FullListPage { page1.epoch, 0, false }));
        // Lost: the next report starts over with a new epoch.
        QVERIFY(hasPage(balancer.reports.at(lost + 1)));
        QCOMPARE(balancer.reports.at(lost + 1).fullList->page, 0);
        QVERIFY(balancer.reports.at(lost + 1).fullList->epoch != page1.epoch);
        QVERIFY(balancer.largest <= Cluster::MaxReportBytes);
        QCOMPARE(balancer.state->user(longUser(299))->transport, u"websocket"_s);
    }

    // Changes that never stop (more sessions open between two reports than a report can carry) take
    // at most half of each report while a full list is under way: its pages still get through.
    void fullListProgressesUnderAStreamOfChanges()
    {
        PagedFixture f;
        FakeBalancer &balancer = f.balancer;
        QTRY_COMPARE_WITH_TIMEOUT(balancer.state->totals().users, 300, 10000);

        constexpr int StreamReports = 200;
        int streamed = 0;
        int next = 1000;
        balancer.afterReport = [&] {
            if (streamed++ >= StreamReports) return;
            for (int i = 0; i < 150; ++i, ++next)
                Q_EMIT f.engine.sessionOpened(longUser(next), QByteArray::number(next), QLatin1StringView("websocket"));
        };
        const qsizetype before = balancer.reports.size();
        balancer.state = FakeBalancer::fresh();
        const auto lastPageSent = [&] {
            for (qsizetype i = before; i < balancer.reports.size(); ++i) {
                if (balancer.reports.at(i).fullList && balancer.reports.at(i).fullList->last) return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(lastPageSent() || streamed >= StreamReports, 30000);
        QVERIFY2(streamed < StreamReports, "the full list waited for the changes to stop");
        QVERIFY(balancer.largest <= Cluster::MaxReportBytes);
    }

    // A user who leaves while the full list is paged goes in a change; one the balancer held but the
    // node no longer has (its change was lost) is dropped at the end of the full list.
    void usersGoneDuringAFullList()
    {
        PagedFixture f;
        FakeBalancer &balancer = f.balancer;
        QTRY_COMPARE_WITH_TIMEOUT(balancer.state->totals().users, 300, 10000);

        // The balancer holds a user this node lost track of, and restarts its full list.
        Balancer::NodeReport stray;
        stray.nodeId = u"1"_s;
        stray.url = u"http://127.0.0.1:8081"_s;
        stray.maxConnection = 10;
        stray.users = { { u"stray"_s, 1, true, u"websocket"_s, QDateTime::currentDateTimeUtc() } };
        balancer.state->report(stray, 0);
        QCOMPARE(balancer.state->totals().users, 301);
        balancer.state->expire(1000000); // silent "for ever": down, its users released
        QCOMPARE(balancer.state->totals().users, 0);
        balancer.state->report(stray, 1000001); // back up, asking for the full list
        QCOMPARE(balancer.state->totals().users, 1);

        const qsizetype before = balancer.reports.size();
        // Wait for page 1 of the new full list, then close a user whose page has not gone yet.
        QTRY_VERIFY(balancer.reports.size() > before && hasPage(balancer.reports.last()));
        Q_EMIT f.engine.sessionClosed(longUser(299), "299");
        Q_EMIT f.engine.sessionClosed(longUser(0), "0");
        QTRY_VERIFY_WITH_TIMEOUT(balancer.reports.size() > before + 3 && !hasPage(balancer.reports.last()), 10000);
        QCOMPARE(balancer.state->totals().users, 298);
        QVERIFY(!balancer.state->user(u"stray"_s));
        QVERIFY(!balancer.state->user(longUser(299)));
        QVERIFY(!balancer.state->user(longUser(0)));
        QVERIFY(balancer.state->user(longUser(150)));
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
