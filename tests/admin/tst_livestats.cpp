// LiveStats: cumulative counters from node reports turned into per-second rates and channel changes.
#include "livestats.h"

#include <QTest>

using namespace Qt::StringLiterals;
using Admin::ChannelRow;
using Balancer::ChannelPresence;
using Balancer::NodeInfo;

namespace {
NodeInfo node(const QString &id, qint64 in, qint64 out)
{
    NodeInfo n;
    n.id = id;
    n.messagesIn = in;
    n.messagesOut = out;
    return n;
}
} // namespace

class tst_LiveStats : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nodeRates_data()
    {
        QTest::addColumn<qint64>("elapsedMs");
        QTest::addColumn<qint64>("outBefore");
        QTest::addColumn<qint64>("outAfter");
        QTest::addColumn<double>("rate");
        QTest::addRow("one second") << qint64(1000) << qint64(100) << qint64(350) << 250.0;
        QTest::addRow("half a second") << qint64(500) << qint64(0) << qint64(10) << 20.0;
        QTest::addRow("counter reset: node restarted") << qint64(1000) << qint64(900) << qint64(40) << 40.0;
        QTest::addRow("rounded to a tenth") << qint64(3000) << qint64(0) << qint64(1) << 0.3;
    }
    void nodeRates()
    {
        QFETCH(qint64, elapsedMs);
        QFETCH(qint64, outBefore);
        QFETCH(qint64, outAfter);
        QFETCH(double, rate);
        Admin::LiveStats stats;
        stats.sample(0, { node(u"1"_s, 0, outBefore) }, {});
        QCOMPARE(stats.nodeRates(u"1"_s).messagesOut, 0.0); // nothing to compare with yet
        stats.sample(elapsedMs, { node(u"1"_s, 0, outAfter) }, {});
        QCOMPARE(stats.nodeRates(u"1"_s).messagesOut, rate);
        QCOMPARE(stats.totalRates().messagesOut, rate);
        QCOMPARE(stats.nodeRates(u"unknown"_s).messagesOut, 0.0);
    }

    void channelChanges()
    {
        Admin::LiveStats stats;
        auto changes = stats.sample(0, {}, { { u"/a"_s, 1, 0 }, { u"/b"_s, 2, 7 } });
        QCOMPARE(changes.added.size(), 2);
        QVERIFY(changes.changed.isEmpty() && changes.removed.isEmpty());

        changes = stats.sample(1000, {}, { { u"/a"_s, 1, 0 }, { u"/b"_s, 2, 12 }, { u"/c"_s, 1, 3 } });
        QCOMPARE(changes.added, (QList<ChannelRow> { { u"/c"_s, 1, 0.0 } })); // new: no rate yet
        QCOMPARE(changes.changed, (QList<ChannelRow> { { u"/b"_s, 2, 5.0 } }));
        QVERIFY(changes.removed.isEmpty()); // /a unchanged: no event

        changes = stats.sample(2000, {}, { { u"/c"_s, 4, 3 } });
        QCOMPARE(changes.changed, (QList<ChannelRow> { { u"/c"_s, 4, 0.0 } }));
        QCOMPARE(changes.removed.size(), 2);
        QCOMPARE(stats.channels(), (QList<ChannelRow> { { u"/c"_s, 4, 0.0 } }));
    }
};

QTEST_GUILESS_MAIN(tst_LiveStats)
#include "tst_livestats.moc"
