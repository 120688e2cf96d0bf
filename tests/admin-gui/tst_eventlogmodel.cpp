// EventLogModel: node state changes and user joins/leaves logged, and the cap on its size.
#include "eventlogmodel.h"
#include "samplejson.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace AdminGui;

class tst_EventLogModel : public QObject
{
    Q_OBJECT

    static Node node(const QString &id, const QString &state)
    {
        return AdminGui::parseNode(SampleJson::node(id, state)).value();
    }

private Q_SLOTS:
    void nodeTransitions()
    {
        EventLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.nodesSnapshot({ node(u"1"_s, u"up"_s), node(u"2"_s, u"down"_s) });
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.at(1).kind, EventLogModel::Kind::NodeDown);
        model.nodeSeen(node(u"1"_s, u"up"_s)); // no change, no entry
        QCOMPARE(model.rowCount(), 2);
        model.nodeSeen(node(u"1"_s, u"down"_s));
        model.nodeSeen(node(u"2"_s, u"up"_s));
        model.nodeSeen(node(u"1"_s, u"draining"_s));
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.at(2).kind, EventLogModel::Kind::NodeDown);
        QCOMPARE(model.at(3).kind, EventLogModel::Kind::NodeUp);
        QCOMPARE(model.at(4).kind, EventLogModel::Kind::NodeDraining);
        QVERIFY(model.at(2).text.contains(u"node 1"_s));
        // A reconnect's snapshot logs only what changed meanwhile.
        model.nodesSnapshot({ node(u"1"_s, u"draining"_s), node(u"2"_s, u"up"_s) });
        QCOMPARE(model.rowCount(), 5);
    }

    void userEvents()
    {
        EventLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.userEvents({ SampleJson::userEvent(u"joined"_s, SampleJson::user(u"exo1"_s)),
            SampleJson::userEvent(u"changed"_s, SampleJson::user(u"exo1"_s, u"1"_s, 2)),
            SampleJson::userEvent(u"left"_s, SampleJson::user(u"exo1"_s)) });
        QCOMPARE(model.rowCount(), 2); // "changed" is not logged
        QCOMPARE(model.at(0).kind, EventLogModel::Kind::UserJoined);
        QCOMPARE(model.at(1).kind, EventLogModel::Kind::UserLeft);
        QCOMPARE(
            model.index(0, EventLogModel::TextColumn).data().toString(), u"exo1 joined on node 1 (long-polling)"_s);
        QCOMPARE(model.index(1, EventLogModel::KindColumn).data().toString(), u"user left"_s);
        model.userEvents({ SampleJson::userEvent(u"joined"_s, SampleJson::user(u"exo2"_s, u"2"_s, 1, QString())) });
        QCOMPARE(model.index(2, EventLogModel::TextColumn).data().toString(), u"exo2 joined on node 2"_s);
    }

    void capped()
    {
        EventLogModel model(nullptr, 100);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (int i = 0; i < 250; ++i)
            model.addEntry(EventLogModel::Kind::Connection, QString::number(i));
        QVERIFY(model.rowCount() <= 100);
        QVERIFY(model.rowCount() >= 90);
        QCOMPARE(model.at(model.rowCount() - 1).text, u"249"_s);
        QList<UserEvent> many;
        for (int i = 0; i < 300; ++i)
            many.append(SampleJson::userEvent(u"joined"_s, SampleJson::user(u"u%1"_s.arg(i))));
        model.userEvents(many);
        QCOMPARE(model.rowCount(), 100);
        QVERIFY(model.at(99).text.startsWith(u"u299 "_s));
    }
};

QTEST_GUILESS_MAIN(tst_EventLogModel)
#include "tst_eventlogmodel.moc"
