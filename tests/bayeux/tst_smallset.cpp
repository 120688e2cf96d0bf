#include "smallset.h"

#include <QByteArray>
#include <QTest>

#include <algorithm>

using namespace Bayeux;

namespace {

QByteArray key(int i)
{
    return "id-" + QByteArray::number(i);
}

QList<QByteArray> sortedValues(const SmallSet<QByteArray, 4> &set)
{
    QList<QByteArray> values;
    set.forEach([&](const QByteArray &value) { values.append(value); });
    std::sort(values.begin(), values.end());
    return values;
}

} // namespace

class tst_SmallSet : public QObject
{
    Q_OBJECT

private slots:
    void insertRemoveContains_data()
    {
        QTest::addColumn<int>("count");
        QTest::addRow("inline") << 3;
        QTest::addRow("exactly inline") << 4;
        QTest::addRow("past inline (a QSet)") << 50;
    }

    void insertRemoveContains()
    {
        QFETCH(int, count);
        SmallSet<QByteArray, 4> set;
        QVERIFY(set.isEmpty());
        QList<QByteArray> expected;
        for (int i = 0; i < count; ++i) {
            QVERIFY(set.insert(key(i)));
            QVERIFY(!set.insert(key(i))); // a second time: already there
            expected.append(key(i));
        }
        std::sort(expected.begin(), expected.end());
        QCOMPARE(set.size(), count);
        QCOMPARE(sortedValues(set), expected);
        QVERIFY(!set.contains(key(count)));
        QVERIFY(!set.remove(key(count)));

        // Remove every other one, then the rest: what is left is always exactly what is expected.
        for (int i = 0; i < count; i += 2) {
            QVERIFY(set.remove(key(i)));
            QVERIFY(!set.contains(key(i)));
            expected.removeOne(key(i));
        }
        QCOMPARE(sortedValues(set), expected);
        for (int i = 1; i < count; i += 2)
            QVERIFY(set.contains(key(i)));
        for (int i = 1; i < count; i += 2)
            QVERIFY(set.remove(key(i)));
        QVERIFY(set.isEmpty());
        QCOMPARE(set.size(), 0);

        // Usable again after emptying, from either representation.
        QVERIFY(set.insert(key(7)));
        QCOMPARE(sortedValues(set), QList<QByteArray> { key(7) });
    }

    void moves()
    {
        SmallSet<QByteArray, 4> a;
        for (int i = 0; i < 10; ++i)
            a.insert(key(i));
        SmallSet<QByteArray, 4> b = std::move(a);
        QCOMPARE(b.size(), 10);
        QVERIFY(b.contains(key(9)));
    }
};

QTEST_APPLESS_MAIN(tst_SmallSet)
#include "tst_smallset.moc"
