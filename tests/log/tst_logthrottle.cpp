// LogThrottle on an injected clock: the burst, the suppressed count and the window boundaries.
#include "logthrottle.h"

#include <QTest>

using namespace std::chrono_literals;

class tst_LogThrottle : public QObject
{
    Q_OBJECT

    qint64 m_now = 1000;
    LogThrottle::Clock clock()
    {
        return [this] { return m_now; };
    }

private Q_SLOTS:
    void init() { m_now = 1000; }

    void firstBurstLoggedThenSuppressed()
    {
        LogThrottle throttle(3, 10s, clock());
        for (int i = 0; i < 3; ++i) {
            const auto admission = throttle.admit();
            QVERIFY2(admission.log, qPrintable(QString::number(i)));
            QCOMPARE(admission.suppressed, 0);
        }
        for (int i = 0; i < 1000; ++i)
            QVERIFY(!throttle.admit());
        QCOMPARE(throttle.suppressedTotal(), 1000);
    }

    void nextWindowReportsTheSuppressedCountOnce()
    {
        LogThrottle throttle(2, 10s, clock());
        QVERIFY(throttle.admit());
        QVERIFY(throttle.admit());
        for (int i = 0; i < 7; ++i)
            QVERIFY(!throttle.admit());
        m_now += 9999; // still the same window
        QVERIFY(!throttle.admit());
        m_now += 1;
        const auto first = throttle.admit();
        QVERIFY(first.log);
        QCOMPARE(first.suppressed, 8);
        const auto second = throttle.admit();
        QVERIFY(second.log);
        QCOMPARE(second.suppressed, 0); // the count was reported with the first line
        QVERIFY(!throttle.admit());
        QCOMPARE(throttle.suppressedTotal(), 9);
    }

    void steadyFloodCostsBurstPlusOneLinesPerWindow()
    {
        LogThrottle throttle(5, 1s, clock());
        int lines = 0;
        int summaries = 0;
        // One event a millisecond for 10 s: 10 windows of 1000 events.
        for (int ms = 0; ms < 10000; ++ms) {
            m_now = 1000 + ms;
            const auto admission = throttle.admit();
            if (admission) ++lines;
            if (admission.suppressed > 0) ++summaries;
        }
        QCOMPARE(lines, 50);
        QCOMPARE(summaries, 9); // every window after the first says how many the previous one dropped
        QCOMPARE(throttle.suppressedTotal(), 10000 - 50);
    }

    void loneEventAfterQuietIsLogged()
    {
        LogThrottle throttle(1, 10s, clock());
        QVERIFY(throttle.admit());
        QVERIFY(!throttle.admit());
        m_now += 3600 * 1000;
        const auto late = throttle.admit();
        QVERIFY(late.log);
        QCOMPARE(late.suppressed, 1);
    }

    void degenerateArgumentsStillLogSomething()
    {
        LogThrottle throttle(0, 0ms, clock());
        QVERIFY(throttle.admit()); // a burst below 1 is 1: the first event is never lost
        m_now += 1;
        QVERIFY(throttle.admit());
    }

    void defaultClockIsMonotonic()
    {
        LogThrottle throttle;
        for (int i = 0; i < LogThrottle::DefaultBurst; ++i)
            QVERIFY(throttle.admit());
        QVERIFY(!throttle.admit());
    }
};

QTEST_GUILESS_MAIN(tst_LogThrottle)
#include "tst_logthrottle.moc"
