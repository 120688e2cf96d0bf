// UserModel under QAbstractItemModelTester: a snapshot, then batches of user events in place.
#include "modelroles.h"
#include "naturalsortproxymodel.h"
#include "samplejson.h"
#include "usermodel.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace AdminGui;

class tst_UserModel : public QObject
{
    Q_OBJECT

    static UserEvent ev(const QString &event, const QString &name, const QString &node = u"1"_s, qint64 sessions = 1)
    {
        return SampleJson::userEvent(event, SampleJson::user(name, node, sessions));
    }

    static bool indexConsistent(const UserModel &model)
    {
        for (int row = 0; row < model.rowCount(); ++row) {
            if (model.rowOf(model.at(row).user) != row) return false;
        }
        return true;
    }

private Q_SLOTS:
    void naturalCompare_data()
    {
        QTest::addColumn<QString>("left");
        QTest::addColumn<QString>("right");
        QTest::addColumn<int>("order");
        QTest::addRow("number by value") << u"exo2"_s << u"exo10"_s << -1;
        QTest::addRow("text first") << u"abc"_s << u"abd"_s << -1;
        QTest::addRow("case folded") << u"Exo3"_s << u"exo20"_s << -1;
        QTest::addRow("same but case") << u"Exo1"_s << u"exo1"_s << -1;
        QTest::addRow("prefix shorter") << u"exo"_s << u"exo1"_s << -1;
        QTest::addRow("leading zeros") << u"n007"_s << u"n8"_s << -1;
        QTest::addRow("long numbers") << u"u99999999999999999999"_s << u"u100000000000000000000"_s << -1;
        QTest::addRow("equal") << u"node/2"_s << u"node/2"_s << 0;
    }
    void naturalCompare()
    {
        QFETCH(QString, left);
        QFETCH(QString, right);
        QFETCH(int, order);
        QCOMPARE(qBound(-1, NaturalSortProxyModel::compare(left, right), 1), order);
        QCOMPARE(qBound(-1, NaturalSortProxyModel::compare(right, left), 1), -order);
    }

    // exo2 before exo10, as an operator counts; counts still sort as numbers.
    void naturalOrder()
    {
        UserModel model;
        NaturalSortProxyModel proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        proxy.setSortRole(SortRole);
        proxy.sort(UserModel::UserColumn);
        QList<User> users;
        for (const QString &name : { u"exo10"_s, u"exo2"_s, u"Exo1"_s, u"exo1"_s, u"alice"_s })
            users.append(AdminGui::parseUser(SampleJson::user(name, u"1"_s, name.size())).value());
        model.setUsers(users);
        QStringList order;
        for (int row = 0; row < proxy.rowCount(); ++row)
            order.append(proxy.index(row, UserModel::UserColumn).data().toString());
        QCOMPARE(order, (QStringList { u"alice"_s, u"Exo1"_s, u"exo1"_s, u"exo2"_s, u"exo10"_s }));
        proxy.sort(UserModel::SessionsColumn);
        QCOMPARE(proxy.index(proxy.rowCount() - 1, UserModel::SessionsColumn).data().toString(), u"5"_s);
        QCOMPARE(proxy.index(0, UserModel::SessionsColumn).data().toString(), u"4"_s);
    }

    void snapshotThenEvents()
    {
        UserModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        model.setUsers(SampleJson::parsedSnapshot(
            SampleJson::snapshot({}, { SampleJson::user(u"a"_s), SampleJson::user(u"b"_s), SampleJson::user(u"c"_s) }))
                           .users);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(model.index(1, UserModel::UserColumn).data().toString(), u"b"_s);
        QCOMPARE(model.index(1, UserModel::SinceColumn).data(SortRole).toDateTime(),
            QDateTime(QDate(2026, 11, 25), QTime(10, 0), Qt::UTC));

        // "changed": the same row, the persistent index stays valid.
        const QPersistentModelIndex b = model.index(1, UserModel::SessionsColumn);
        model.applyEvents({ ev(u"changed"_s, u"b"_s, u"2"_s, 3) });
        QVERIFY(b.isValid());
        QCOMPARE(b.row(), 1);
        QCOMPARE(b.data().toLongLong(), 3);
        QCOMPARE(model.index(1, UserModel::NodeColumn).data().toString(), u"2"_s);
        QCOMPARE(changed.size(), 1);

        // "joined" appends, "left" removes; the index follows.
        model.applyEvents({ ev(u"joined"_s, u"d"_s), ev(u"left"_s, u"a"_s) });
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.rowOf(u"a"_s), -1);
        QCOMPARE(model.rowOf(u"d"_s), 2);
        QVERIFY(b.isValid());
        QCOMPARE(b.row(), 0);
        QVERIFY(indexConsistent(model));

        // Within one batch the last event of a key wins: joined then left is nothing.
        const int insertsBefore = int(inserted.size());
        model.applyEvents({ ev(u"joined"_s, u"e"_s), ev(u"left"_s, u"e"_s) });
        QCOMPARE(model.rowOf(u"e"_s), -1);
        QCOMPARE(inserted.size(), insertsBefore);
        QCOMPARE(resets.size(), 0);
        QCOMPARE(removed.size(), 1);
    }

    // Removing scattered rows: one removal per contiguous range, the index rebuilt once.
    void scatteredRemovals()
    {
        UserModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<UserEvent> joins;
        for (int i = 0; i < 20; ++i)
            joins.append(ev(u"joined"_s, u"u%1"_s.arg(i, 2, 10, QChar(u'0'))));
        model.applyEvents(joins);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        // rows 2,3,4 (one range), 10, and 19
        model.applyEvents({ ev(u"left"_s, u"u03"_s), ev(u"left"_s, u"u19"_s), ev(u"left"_s, u"u02"_s),
            ev(u"left"_s, u"u10"_s), ev(u"left"_s, u"u04"_s) });
        QCOMPARE(model.rowCount(), 15);
        QCOMPARE(removed.size(), 3);
        QVERIFY(indexConsistent(model));
        QCOMPARE(model.at(2).user, u"u05"_s);
    }

    // 10,000 users: the snapshot and a burst of events each cost one insert, and stay fast.
    void tenThousandUsers()
    {
        UserModel model;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(SortRole);
        proxy.sort(UserModel::UserColumn);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QList<User> users;
        for (int i = 0; i < 10000; ++i)
            users.append(AdminGui::parseUser(SampleJson::user(u"user%1"_s.arg(i))).value());
        QElapsedTimer timer;
        timer.start();
        model.setUsers(users);
        QCOMPARE(model.rowCount(), 10000);
        QCOMPARE(inserted.size(), 1);

        QList<UserEvent> burst;
        for (int i = 0; i < 10000; i += 2)
            burst.append(ev(u"left"_s, u"user%1"_s.arg(i)));
        for (int i = 10000; i < 12000; ++i)
            burst.append(ev(u"joined"_s, u"user%1"_s.arg(i)));
        for (int i = 1; i < 10000; i += 10)
            burst.append(ev(u"changed"_s, u"user%1"_s.arg(i), u"2"_s, 2));
        model.applyEvents(burst);
        QCOMPARE(model.rowCount(), 7000);
        QCOMPARE(inserted.size(), 2);
        QCOMPARE(proxy.rowCount(), 7000);
        QVERIFY(indexConsistent(model));
        QCOMPARE(model.at(model.rowOf(u"user11"_s)).node, u"2"_s);
        // Generous bound for a loaded 2-core machine; a per-event O(n) index fix would take far longer.
        QVERIFY2(timer.elapsed() < 20000, qPrintable(u"took %1 ms"_s.arg(timer.elapsed())));
    }
};

QTEST_GUILESS_MAIN(tst_UserModel)
#include "tst_usermodel.moc"
