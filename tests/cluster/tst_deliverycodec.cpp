// The batched deliveries between balancer and node: their wire form and its checks.
#include "deliverycodec.h"

#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;

class tst_DeliveryCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        const QList<Cluster::Delivery> batch {
            { true, { u"/eXo/cometd/test"_s, u"exo1"_s, u"hello"_s, u"1"_s } },
            { false, { u"/chat/room"_s, {}, QJsonObject { { u"n"_s, 3 } }, {} } },
            { true, { u"/room/a-b_c"_s, u"exo \"q\" \u00e9"_s, u"line\nbreak \\ \u4e16"_s, u"id\t1"_s } },
        };
        const auto decoded = Cluster::decodeDeliveries(Cluster::encodeDeliveries(batch));
        if (const auto *error = std::get_if<Rest::DeliveryError>(&decoded)) QFAIL(qPrintable(error->message));
        const auto &out = std::get<QList<Cluster::Delivery>>(decoded);
        QCOMPARE(out.size(), 3);
        QCOMPARE(out.at(2).request.channel, batch.at(2).request.channel);
        QCOMPARE(out.at(2).request.exoId, batch.at(2).request.exoId);
        QCOMPARE(out.at(2).request.message, batch.at(2).request.message);
        QCOMPARE(out.at(2).request.id, batch.at(2).request.id);
        QCOMPARE(out.at(0).isPrivate, true);
        QCOMPARE(out.at(0).request.exoId, u"exo1"_s);
        QCOMPARE(out.at(0).request.message, QJsonValue(u"hello"_s));
        QCOMPARE(out.at(0).request.id, u"1"_s);
        QCOMPARE(out.at(1).isPrivate, false);
        QCOMPARE(out.at(1).request.channel, u"/chat/room"_s);
        QCOMPARE(out.at(1).request.message, QJsonValue(QJsonObject { { u"n"_s, 3 } }));
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addRow("not JSON") << QByteArray("[{");
        QTest::addRow("an object") << QByteArray(R"({"type":"private"})");
        QTest::addRow("no type") << QByteArray(R"([{"channel":"/a","message":1}])");
        QTest::addRow("unknown type") << QByteArray(R"([{"type":"all","channel":"/a","message":1}])");
        QTest::addRow("private without user") << QByteArray(R"([{"type":"private","channel":"/a","message":1}])");
        QTest::addRow("meta channel") << QByteArray(R"([{"type":"broadcast","channel":"/meta/x","message":1}])");
        QTest::addRow("no message") << QByteArray(R"([{"type":"broadcast","channel":"/a"}])");
        QByteArray tooMany = "[";
        for (qsizetype i = 0; i <= Cluster::MaxDeliveryBatch; ++i)
            tooMany += QByteArray(i ? "," : "") + R"({"type":"broadcast","channel":"/a","message":1})";
        QTest::addRow("over the batch limit") << (tooMany + ']');
    }
    void rejects()
    {
        QFETCH(QByteArray, body);
        QVERIFY(std::holds_alternative<Rest::DeliveryError>(Cluster::decodeDeliveries(body)));
    }

    void answers()
    {
        QCOMPARE(Cluster::decodeDelivered(Cluster::encodeDelivered({ 2, 0, 5 }), 3), (QList<qint64> { 2, 0, 5 }));
        QVERIFY(!Cluster::decodeDelivered(Cluster::encodeDelivered({ 2, 0 }), 3)); // one missing
        QVERIFY(!Cluster::decodeDelivered(R"({"delivered":[-1]})", 1));
        QVERIFY(!Cluster::decodeDelivered("oops", 1));
    }

    // A batch stops at MaxDeliveryBatchBytes (large messages) or MaxDeliveryBatch (small ones); a
    // delivery bigger than the byte limit goes alone. Every batch decodes to what went in.
    void batchWriterLimits_data()
    {
        QTest::addColumn<int>("messageBytes");
        QTest::addColumn<int>("deliveries");
        QTest::addColumn<QList<int>>("batches");
        QTest::addRow("small: by count") << 10 << 1100 << QList<int> { 512, 512, 76 };
        QTest::addRow("64 KiB: three per batch") << 65536 << 7 << QList<int> { 3, 3, 1 };
        QTest::addRow("300 KiB: one per batch") << 300 * 1024 << 2 << QList<int> { 1, 1 };
    }

    void batchWriterLimits()
    {
        QFETCH(int, messageBytes);
        QFETCH(int, deliveries);
        QFETCH(QList<int>, batches);
        Cluster::Delivery d;
        d.isPrivate = true;
        d.request.channel = u"/eXo/cometd/test"_s;
        d.request.exoId = u"exo1"_s;
        d.request.message = QString(messageBytes, u'm');
        QList<int> sizes;
        int left = deliveries;
        while (left > 0) {
            Cluster::DeliveryBatchWriter writer;
            while (writer.count() < left && writer.add(d)) { }
            const QByteArray body = writer.finish();
            if (writer.count() > 1) QVERIFY(body.size() <= Cluster::MaxDeliveryBatchBytes);
            const auto decoded = Cluster::decodeDeliveries(body);
            QVERIFY(std::holds_alternative<QList<Cluster::Delivery>>(decoded));
            QCOMPARE(std::get<QList<Cluster::Delivery>>(decoded).size(), writer.count());
            sizes.append(int(writer.count()));
            left -= int(writer.count());
        }
        QCOMPARE(sizes, batches);
    }
};

QTEST_GUILESS_MAIN(tst_DeliveryCodec)
#include "tst_deliverycodec.moc"
