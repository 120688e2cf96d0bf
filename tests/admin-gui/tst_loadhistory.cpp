// LoadHistory: a ring of samples per node, oldest first, never more than its capacity.
#include "loadhistory.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace AdminGui;

class tst_LoadHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ring_data()
    {
        QTest::addColumn<int>("added");
        QTest::addColumn<int>("expectedFirst");
        QTest::addRow("not full") << 3 << 0;
        QTest::addRow("exactly full") << 5 << 0;
        QTest::addRow("wrapped once") << 7 << 2;
        QTest::addRow("wrapped many times") << 23 << 18;
    }
    void ring()
    {
        QFETCH(int, added);
        QFETCH(int, expectedFirst);
        LoadHistory history(5);
        QSignalSpy changed(&history, &LoadHistory::changed);
        const QDateTime t0(QDate(2026, 11, 25), QTime(10, 0), Qt::UTC);
        for (int i = 0; i < added; ++i)
            history.addSample(u"1"_s, { t0.addSecs(i), i, 100 });
        const auto samples = history.samples(u"1"_s);
        QCOMPARE(samples.size(), std::min(added, 5));
        QCOMPARE(samples.first().placed, expectedFirst);
        QCOMPARE(samples.last().placed, added - 1);
        for (qsizetype i = 1; i < samples.size(); ++i)
            QVERIFY(samples.at(i - 1).at < samples.at(i).at);
        QCOMPARE(history.latest(), t0.addSecs(added - 1));
        QCOMPARE(changed.size(), added);
    }

    void perNode()
    {
        LoadHistory history(10);
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        history.addSample(u"b"_s, { t0, 5, 10 });
        history.addSample(u"a"_s, { t0, 1, 0 });
        QCOMPARE(history.nodeIds(), (QStringList { u"a"_s, u"b"_s }));
        QCOMPARE(history.samples(u"b"_s).at(0).load(), 0.5);
        QCOMPARE(history.samples(u"a"_s).at(0).load(), 0.0); // no capacity known: no load
        QVERIFY(history.samples(u"zz"_s).isEmpty());
        history.clear();
        QVERIFY(history.nodeIds().isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_LoadHistory)
#include "tst_loadhistory.moc"
