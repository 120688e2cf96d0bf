#include "deadlinequeue.h"

#include <QTest>

using Bayeux::DeadlineQueue;

class tst_DeadlineQueue : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void popOrder_data();
    void popOrder();
    void popDueRespectsNow();
    void nextDeadline();
    void removeIf();
};

void tst_DeadlineQueue::popOrder_data()
{
    QTest::addColumn<QList<qint64>>("deadlines");
    QTest::addColumn<QByteArrayList>("keys");
    QTest::addColumn<QByteArrayList>("expected");

    QTest::addRow("already sorted") << QList<qint64> { 1, 2, 3 } << QByteArrayList { "a", "b", "c" }
                                    << QByteArrayList { "a", "b", "c" };
    QTest::addRow("reversed") << QList<qint64> { 3, 2, 1 } << QByteArrayList { "a", "b", "c" }
                              << QByteArrayList { "c", "b", "a" };
    QTest::addRow("equal deadlines keep scheduling order") << QList<qint64> { 5, 5, 5,
        5 } << QByteArrayList { "a", "b", "c", "d" } << QByteArrayList { "a", "b", "c", "d" };
    QTest::addRow("mixed") << QList<qint64> { 30, 10, 20, 10 } << QByteArrayList { "a", "b", "c", "d" }
                           << QByteArrayList { "b", "d", "c", "a" };
}

void tst_DeadlineQueue::popOrder()
{
    QFETCH(QList<qint64>, deadlines);
    QFETCH(QByteArrayList, keys);
    QFETCH(QByteArrayList, expected);

    DeadlineQueue queue;
    for (qsizetype i = 0; i < deadlines.size(); ++i)
        queue.schedule(deadlines.at(i), keys.at(i), quint64(i));
    QCOMPARE(queue.size(), deadlines.size());
    QByteArrayList popped;
    while (const auto entry = queue.popDue(1000))
        popped.append(entry->key);
    QCOMPARE(popped, expected);
    QVERIFY(queue.isEmpty());
}

void tst_DeadlineQueue::popDueRespectsNow()
{
    DeadlineQueue queue;
    queue.schedule(100, "late", 7);
    queue.schedule(50, "early", 3);
    QVERIFY(!queue.popDue(49));
    const auto early = queue.popDue(50);
    QVERIFY(early);
    QCOMPARE(early->key, QByteArray("early"));
    QCOMPARE(early->deadline, qint64(50));
    QCOMPARE(early->generation, quint64(3));
    QVERIFY(!queue.popDue(99));
    QCOMPARE(queue.size(), qsizetype(1));
    const auto late = queue.popDue(1000);
    QVERIFY(late);
    QCOMPARE(late->generation, quint64(7));
}

void tst_DeadlineQueue::nextDeadline()
{
    DeadlineQueue queue;
    QVERIFY(!queue.nextDeadline());
    queue.schedule(300, "a", 1);
    QCOMPARE(queue.nextDeadline().value_or(-1), qint64(300));
    queue.schedule(100, "b", 1);
    QCOMPARE(queue.nextDeadline().value_or(-1), qint64(100));
    queue.popDue(100);
    QCOMPARE(queue.nextDeadline().value_or(-1), qint64(300));
}

void tst_DeadlineQueue::removeIf()
{
    DeadlineQueue queue;
    for (int i = 0; i < 20; ++i)
        queue.schedule(100 - i, QByteArray::number(i), quint64(i % 2)); // generation 1 = stale
    queue.removeIf([](const DeadlineQueue::Entry &entry) { return entry.generation == 1; });
    QCOMPARE(queue.size(), qsizetype(10));
    qint64 previous = 0;
    while (const auto entry = queue.popDue(1000)) {
        QCOMPARE(entry->generation, quint64(0));
        QVERIFY(entry->deadline >= previous); // still a heap
        previous = entry->deadline;
    }
}

QTEST_GUILESS_MAIN(tst_DeadlineQueue)
#include "tst_deadlinequeue.moc"
