// NodeModel under QAbstractItemModelTester: a snapshot, then node events and stats applied in place.
#include "modelroles.h"
#include "nodemodel.h"
#include "samplejson.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace AdminGui;

class tst_NodeModel : public QObject
{
    Q_OBJECT

    static QList<Node> nodes(const QJsonArray &json)
    {
        return SampleJson::parsedSnapshot(SampleJson::snapshot(json, {})).nodes;
    }

private Q_SLOTS:
    // Capacity counts slots: 8 users placed, in 12 sessions, on a node of 10 is 80 %, a full one 100 %.
    void loadIsUsersAgainstMaxConnection()
    {
        NodeModel model;
        model.setNodes(nodes({ SampleJson::node(u"1"_s, u"up"_s, 12, 10, 0, 0, 8),
            SampleJson::node(u"2"_s, u"up"_s, 21, 20, 0, 0, 20) }));
        QCOMPARE(model.index(0, NodeModel::LoadColumn).data(LoadRole).toDouble(), 0.8);
        QCOMPARE(model.index(0, NodeModel::LoadColumn).data().toString(), u"8 / 10 · 12 sessions"_s);
        QCOMPARE(model.index(0, NodeModel::LoadColumn).data(SessionsRole).toLongLong(), 12);
        QCOMPARE(model.index(1, NodeModel::LoadColumn).data(LoadRole).toDouble(), 1.0);
        QCOMPARE(model.index(1, NodeModel::LoadColumn).data().toString(), u"20 / 20 · 21 sessions"_s);
        // The Users column's own count (users with a session here) does not move the load.
        model.setUserCounts({ { u"1"_s, 3 } });
        QCOMPARE(model.index(0, NodeModel::UsersColumn).data().toLongLong(), 3);
        QCOMPARE(model.index(0, NodeModel::LoadColumn).data(LoadRole).toDouble(), 0.8);
    }

    void snapshotThenEventsInPlace()
    {
        NodeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        model.setNodes(nodes({ SampleJson::node(u"1"_s, u"up"_s, 5, 10), SampleJson::node(u"2"_s, u"up"_s, 1, 10) }));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, NodeModel::LoadColumn).data(LoadRole).toDouble(), 0.5);
        QCOMPARE(model.index(0, NodeModel::LoadColumn).data().toString(), u"5 / 10 · 5 sessions"_s);

        const QPersistentModelIndex second = model.index(1, NodeModel::StateColumn);
        model.updateNode(AdminGui::parseNode(SampleJson::node(u"2"_s, u"draining"_s, 1, 10)).value());
        QVERIFY(second.isValid());
        QCOMPARE(second.row(), 1);
        QCOMPARE(second.data().toString(), u"draining"_s);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);

        // An event that changes nothing emits nothing.
        model.updateNode(AdminGui::parseNode(SampleJson::node(u"2"_s, u"draining"_s, 1, 10)).value());
        QCOMPARE(changed.size(), 1);

        // A node event of an unknown node (dynamic node joined) appends a row.
        model.updateNode(AdminGui::parseNode(SampleJson::node(u"3"_s)).value());
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.rowOf(u"3"_s), 2);

        // A reconnect's snapshot merges: node 1 gone, node 2 kept in place.
        model.setNodes(nodes({ SampleJson::node(u"2"_s, u"up"_s, 1, 10), SampleJson::node(u"3"_s) }));
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(second.isValid());
        QCOMPARE(second.row(), 0);
        QCOMPARE(second.data().toString(), u"up"_s);
        QCOMPARE(model.rowOf(u"3"_s), 1);
        QCOMPARE(model.rowOf(u"1"_s), -1);
        QCOMPARE(resets.size(), 0);
    }

    // Stats frames carry sessions and per-second rates; they change rows in place, and only
    // rows whose values moved.
    void statsUpdateInPlace()
    {
        NodeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setNodes(nodes({ SampleJson::node(u"1"_s, u"up"_s, 0, 10), SampleJson::node(u"2"_s, u"up"_s, 0, 10) }));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const QPersistentModelIndex first = model.index(0, NodeModel::LoadColumn);
        const auto apply = [&](qint64 sessions, double in, double out) {
            model.applyStats(AdminGui::parseStats(
                SampleJson::stats(u"2026-11-25T10:00:00.000Z"_s,
                    { SampleJson::nodeStats(u"1"_s, sessions, in, out), SampleJson::nodeStats(u"2"_s, 0, 0, 0) }))
                                 .value());
        };
        apply(4, 20, 100.5);
        QCOMPARE(changed.size(), 1); // node 2 did not change
        QCOMPARE(model.index(0, NodeModel::InColumn).data().toString(), u"20.0"_s);
        QCOMPARE(model.index(0, NodeModel::OutColumn).data(SortRole).toDouble(), 100.5);
        QCOMPARE(first.data(LoadRole).toDouble(), 0.0); // a frame without users leaves the users as they were
        QCOMPARE(first.data(SessionsRole).toLongLong(), 4);
        QCOMPARE(first.data(CapacityRole).toLongLong(), 10);
        apply(4, 20, 100.5);
        QCOMPARE(changed.size(), 1); // nothing moved
        // A frame that counts users moves the load; sessions stay beside it.
        model.applyStats(AdminGui::parseStats(
            SampleJson::stats(u"2026-11-25T10:00:02.000Z"_s, { SampleJson::nodeStats(u"1"_s, 4, 20, 100.5, 2) }))
                             .value());
        QCOMPARE(changed.size(), 2);
        QCOMPARE(first.data(LoadRole).toDouble(), 0.2);
        QCOMPARE(first.data(SessionsRole).toLongLong(), 4);
        // Stats of a node the model does not list are ignored.
        model.applyStats(AdminGui::parseStats(
            SampleJson::stats(u"2026-11-25T10:00:04.000Z"_s, { SampleJson::nodeStats(u"9"_s, 1, 1, 1) }))
                             .value());
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(first.isValid());
    }

    void usersCountedFromTheUserList()
    {
        NodeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setNodes(nodes({ SampleJson::node(u"1"_s, u"up"_s, 3, 10), SampleJson::node(u"2"_s, u"up"_s, 0, 10) }));
        QCOMPARE(model.at(0).users, 3); // the frame's value until counts are known
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setUserCounts({ { u"1"_s, 5 }, { u"2"_s, 0 } });
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(0, NodeModel::UsersColumn).data().toLongLong(), 5);
        // A later node event keeps the counted value.
        model.updateNode(AdminGui::parseNode(SampleJson::node(u"1"_s, u"draining"_s, 3, 10)).value());
        QCOMPARE(model.at(0).users, 5);
        QCOMPARE(model.at(0).state, u"draining"_s);
    }

    void stateText_data()
    {
        QTest::addColumn<QString>("state");
        QTest::addColumn<bool>("dynamic");
        QTest::addColumn<QString>("text");
        QTest::addRow("up") << u"up"_s << false << u"up"_s;
        QTest::addRow("down") << u"down"_s << false << u"down"_s;
        QTest::addRow("dynamic") << u"up"_s << true << u"up (dynamic)"_s;
    }
    void stateText()
    {
        QFETCH(QString, state);
        QFETCH(bool, dynamic);
        QFETCH(QString, text);
        Node node;
        node.state = state;
        node.dynamic = dynamic;
        QCOMPARE(NodeModel::stateText(node), text);
    }
};

QTEST_GUILESS_MAIN(tst_NodeModel)
#include "tst_nodemodel.moc"
