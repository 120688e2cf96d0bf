#include "sessionqueue.h"

#include <QTest>

using namespace Qt::StringLiterals;
using Bayeux::OutgoingMessage;
using Bayeux::QueueStats;
using Bayeux::SessionQueue;

namespace {

OutgoingMessage message(int n)
{
    return OutgoingMessage::make(u"/a"_s, n, QString::number(n));
}

QList<int> ids(const QList<OutgoingMessage> &messages)
{
    QList<int> result;
    for (const OutgoingMessage &m : messages) {
        // {"channel":"/a","data":N,"id":"N"}
        const qsizetype at = m.json.indexOf("\"id\":\"") + 6;
        result.append(m.json.mid(at, m.json.indexOf('"', at) - at).toInt());
    }
    return result;
}

} // namespace

class tst_SessionQueue : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void messageIsSerialisedOnce();
    void plainDelivery();
    void capacityDropsOldest_data();
    void capacityDropsOldest();
    void ackBatches();
    void ackCannotSkipAhead();
    void deliveryCappedByBytes();
    void byteLimitDropsOldest();
    void ackDeliveryCappedByBytes();
    void statsFollowDestruction();
};

void tst_SessionQueue::messageIsSerialisedOnce()
{
    const OutgoingMessage m = OutgoingMessage::make(u"/a/b"_s, u"hi"_s, u"7"_s);
    QCOMPARE(m.json, QByteArray(R"({"channel":"/a/b","data":"hi","id":"7"})"));
    QCOMPARE(m.framed, QByteArray('[' + m.json + ']'));
    const OutgoingMessage noId = OutgoingMessage::make(u"/a"_s, 1, QJsonValue());
    QCOMPARE(noId.json, QByteArray(R"({"channel":"/a","data":1})"));

    // Two queues share the same bytes: no copy per subscriber.
    SessionQueue first(10);
    SessionQueue second(10);
    first.enqueue(m);
    second.enqueue(m);
    const auto a = first.takeForDelivery();
    const auto b = second.takeForDelivery();
    QCOMPARE(a.messages.first().json.constData(), m.json.constData());
    QCOMPARE(b.messages.first().framed.constData(), m.framed.constData());
}

void tst_SessionQueue::plainDelivery()
{
    QueueStats stats;
    SessionQueue queue(10, &stats);
    QVERIFY(!queue.hasUnsent());
    for (int i = 1; i <= 3; ++i)
        queue.enqueue(message(i));
    QVERIFY(queue.hasUnsent());
    QCOMPARE(stats.queued, qint64(3));
    const auto delivery = queue.takeForDelivery();
    QCOMPARE(ids(delivery.messages), (QList<int> { 1, 2, 3 }));
    QCOMPARE(delivery.batch, qint64(-1));
    QVERIFY(queue.isEmpty());
    QCOMPARE(stats.queued, qint64(0));
    queue.acknowledge(100); // no effect outside ack mode
    QVERIFY(queue.isEmpty());
}

void tst_SessionQueue::capacityDropsOldest_data()
{
    QTest::addColumn<bool>("ack");
    QTest::addRow("plain") << false;
    QTest::addRow("ack mode") << true;
}

void tst_SessionQueue::capacityDropsOldest()
{
    QFETCH(bool, ack);
    QueueStats stats;
    SessionQueue queue(3, &stats);
    queue.setAckMode(ack);
    for (int i = 1; i <= 5; ++i)
        queue.enqueue(message(i));
    QCOMPARE(queue.size(), qsizetype(3));
    QCOMPARE(queue.dropped(), qint64(2));
    QCOMPARE(stats.dropped, qint64(2));
    QCOMPARE(stats.queued, qint64(3));
    QCOMPARE(ids(queue.takeForDelivery().messages), (QList<int> { 3, 4, 5 }));
}

void tst_SessionQueue::ackBatches()
{
    QueueStats stats;
    SessionQueue queue(100, &stats);
    queue.setAckMode(true);
    queue.enqueue(message(1));
    queue.enqueue(message(2));

    // Batch 1 goes out; the messages stay until acknowledged.
    auto first = queue.takeForDelivery();
    QCOMPARE(first.batch, qint64(1));
    QCOMPARE(ids(first.messages), (QList<int> { 1, 2 }));
    QVERIFY(!queue.hasUnsent());
    QVERIFY(queue.hasUnacknowledged());
    QCOMPARE(stats.queued, qint64(2));

    queue.enqueue(message(3));
    QVERIFY(queue.hasUnsent());
    // The client lost batch 1: the next delivery carries every unacknowledged message.
    auto second = queue.takeForDelivery();
    QCOMPARE(second.batch, qint64(2));
    QCOMPARE(ids(second.messages), (QList<int> { 1, 2, 3 }));

    queue.acknowledge(1);
    QCOMPARE(ids(queue.takeForDelivery().messages), (QList<int> { 3 }));
    queue.acknowledge(3);
    QVERIFY(queue.isEmpty());
    QVERIFY(!queue.hasUnacknowledged());
    QCOMPARE(stats.queued, qint64(0));
}

void tst_SessionQueue::ackCannotSkipAhead()
{
    SessionQueue queue(100);
    queue.setAckMode(true);
    queue.enqueue(message(1));
    queue.takeForDelivery(); // batch 1
    queue.enqueue(message(2)); // batch 2, not sent yet
    queue.acknowledge(1000000);
    QCOMPARE(queue.size(), qsizetype(1));
    QVERIFY(queue.hasUnsent());
    QCOMPARE(ids(queue.takeForDelivery().messages), (QList<int> { 2 }));
}

void tst_SessionQueue::deliveryCappedByBytes()
{
    SessionQueue queue(100);
    for (int i = 1; i <= 5; ++i)
        queue.enqueue(message(i));
    const qint64 one = message(1).json.size() + 1;
    QCOMPARE(ids(queue.takeForDelivery(2 * one).messages), (QList<int> { 1, 2 }));
    // At least one message, whatever the cap.
    QCOMPARE(ids(queue.takeForDelivery(1).messages), (QList<int> { 3 }));
    QCOMPARE(ids(queue.takeForDelivery().messages), (QList<int> { 4, 5 }));
    QVERIFY(queue.isEmpty());
}

// A client that stops reading holds at most the byte bound in its queue, whatever the message count.
void tst_SessionQueue::byteLimitDropsOldest()
{
    QueueStats stats;
    const qint64 one = message(1).json.size();
    SessionQueue queue(Bayeux::QueueLimits { 1000, 3 * one }, &stats);
    for (int i = 1; i <= 9; ++i) // same-sized messages
        queue.enqueue(message(i));
    QCOMPARE(queue.size(), qsizetype(3));
    QCOMPARE(queue.bytes(), 3 * one);
    QCOMPARE(queue.dropped(), qint64(6));
    QCOMPARE(stats.dropped, qint64(6));
    QCOMPARE(ids(queue.takeForDelivery().messages), (QList<int> { 7, 8, 9 }));
    queue.enqueue(message(1));
    // A message bigger than the whole bound still goes in, alone.
    queue.enqueue(OutgoingMessage::make(u"/a"_s, QString(1000, u'x'), u"big"_s));
    QCOMPARE(queue.size(), qsizetype(1));
    QCOMPARE(queue.takeForDelivery().messages.size(), 1);
    QCOMPARE(queue.bytes(), qint64(0));
}

// Messages cut from a capped ack delivery move to the next batch: acknowledging the batch that
// was sent must not forget a message that was not.
void tst_SessionQueue::ackDeliveryCappedByBytes()
{
    SessionQueue queue(100);
    queue.setAckMode(true);
    for (int i = 1; i <= 4; ++i)
        queue.enqueue(message(i));
    const qint64 one = message(1).json.size() + 1;
    const auto first = queue.takeForDelivery(2 * one);
    QCOMPARE(ids(first.messages), (QList<int> { 1, 2 }));
    QVERIFY(queue.hasUnsent());
    queue.acknowledge(first.batch);
    QCOMPARE(queue.size(), qsizetype(2));
    const auto second = queue.takeForDelivery();
    QCOMPARE(ids(second.messages), (QList<int> { 3, 4 }));
    queue.acknowledge(second.batch);
    QVERIFY(queue.isEmpty());
}

void tst_SessionQueue::statsFollowDestruction()
{
    QueueStats stats;
    {
        SessionQueue queue(10, &stats);
        queue.enqueue(message(1));
        queue.enqueue(message(2));
        QCOMPARE(stats.queued, qint64(2));
    }
    QCOMPARE(stats.queued, qint64(0));
}

QTEST_GUILESS_MAIN(tst_SessionQueue)
#include "tst_sessionqueue.moc"
