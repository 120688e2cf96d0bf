// ChannelModel under QAbstractItemModelTester, fed with the SPEC's channel frames.
#include "channelmodel.h"
#include "modelroles.h"
#include "samplejson.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace AdminGui;

class tst_ChannelModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void events_data()
    {
        QTest::addColumn<QStringList>("events"); // "event channel subscribers"
        QTest::addColumn<QStringList>("expected"); // "channel subscribers", in row order
        QTest::addRow("added") << QStringList { u"added /c 1"_s } << QStringList { u"/a 2"_s, u"/b 5"_s, u"/c 1"_s };
        QTest::addRow("removed") << QStringList { u"removed /a 0"_s } << QStringList { u"/b 5"_s };
        QTest::addRow("changed") << QStringList { u"changed /b 9"_s } << QStringList { u"/a 2"_s, u"/b 9"_s };
        QTest::addRow("added then removed")
            << QStringList { u"added /c 1"_s, u"removed /c 0"_s } << QStringList { u"/a 2"_s, u"/b 5"_s };
        QTest::addRow("removed then added back")
            << QStringList { u"removed /a 0"_s, u"added /a 4"_s } << QStringList { u"/a 4"_s, u"/b 5"_s };
    }
    void events()
    {
        QFETCH(QStringList, events);
        QFETCH(QStringList, expected);
        ChannelModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setChannels(SampleJson::parsedSnapshot(
            SampleJson::snapshot({}, {}, { SampleJson::channel(u"/a"_s, 2), SampleJson::channel(u"/b"_s, 5, 2.5) }))
                              .channels);
        QCOMPARE(model.rowCount(), 2);
        const QPersistentModelIndex b = model.index(model.rowOf(u"/b"_s), ChannelModel::SubscribersColumn);

        QList<ChannelEvent> batch;
        for (const QString &e : std::as_const(events)) {
            const QStringList parts = e.split(u' ');
            batch.append(SampleJson::channelEvent(parts.at(0), SampleJson::channel(parts.at(1), parts.at(2).toInt())));
        }
        model.applyEvents(batch);

        QStringList rows;
        for (int row = 0; row < model.rowCount(); ++row) {
            rows.append(model.index(row, ChannelModel::ChannelColumn).data().toString() + u' '
                + model.index(row, ChannelModel::SubscribersColumn).data().toString());
        }
        QCOMPARE(rows, expected);
        QVERIFY(b.isValid());
        QCOMPARE(b.data(KeyRole).toString(), u"/b"_s);
        QCOMPARE(resets.size(), 0);
    }

    void rateColumn()
    {
        ChannelModel model;
        model.setChannels({ AdminGui::parseChannel(SampleJson::channel(u"/r"_s, 1, 12.25)).value() });
        QCOMPARE(model.index(0, ChannelModel::RateColumn).data().toString(), u"12.3"_s);
        QCOMPARE(model.index(0, ChannelModel::RateColumn).data(SortRole).toDouble(), 12.25);
    }
};

QTEST_GUILESS_MAIN(tst_ChannelModel)
#include "tst_channelmodel.moc"
