// Messages and connect replies are written as bytes for speed: they must be exactly the text
// QJsonDocument makes of the same object, whatever the values.
#include "outgoingmessage.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using Bayeux::OutgoingMessage;

class tst_OutgoingMessage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sameTextAsQJsonDocument_data()
    {
        QTest::addColumn<QString>("channel");
        QTest::addColumn<QJsonValue>("data");
        QTest::addColumn<QJsonValue>("id");
        const QString c = u"/eXo/cometd/test"_s;
        QTest::addRow("plain text") << c << QJsonValue(u"hello"_s) << QJsonValue(u"1"_s);
        QTest::addRow("text needing escapes") << c << QJsonValue(u"a\"b\\c\n\t\u0001"_s) << QJsonValue(u"2"_s);
        QTest::addRow("non-ASCII text") << c << QJsonValue(u"h\u00e9llo \u4e16\u754c \U0001F600"_s)
                                        << QJsonValue(u"3"_s);
        QTest::addRow("whole number") << c << QJsonValue(42) << QJsonValue(7);
        QTest::addRow("negative number") << c << QJsonValue(-42) << QJsonValue(-1);
        QTest::addRow("fraction") << c << QJsonValue(0.25) << QJsonValue(1.5);
        QTest::addRow("large number") << c << QJsonValue(123456789012345.0) << QJsonValue(u"4"_s);
        QTest::addRow("boolean and null") << c << QJsonValue(true) << QJsonValue(QJsonValue::Null);
        QTest::addRow("null data") << c << QJsonValue(QJsonValue::Null) << QJsonValue(u"5"_s);
        QTest::addRow("object") << c << QJsonValue(QJsonObject { { u"b"_s, 1 }, { u"a"_s, QJsonArray { u"x"_s, 2 } } })
                                << QJsonValue(u"6"_s);
        QTest::addRow("empty string id left out") << c << QJsonValue(u""_s) << QJsonValue(u""_s);
        QTest::addRow("no id") << c << QJsonValue(1) << QJsonValue(QJsonValue::Undefined);
        QTest::addRow("no data") << c << QJsonValue(QJsonValue::Undefined) << QJsonValue(u"8"_s);
        QTest::addRow("non-ASCII channel") << u"/caf\u00e9/\"q\""_s << QJsonValue(1) << QJsonValue(u"9"_s);
    }
    void sameTextAsQJsonDocument()
    {
        QFETCH(QString, channel);
        QFETCH(QJsonValue, data);
        QFETCH(QJsonValue, id);
        QJsonObject expected { { u"channel"_s, channel }, { u"data"_s, data } };
        if (!id.isUndefined() && !id.isNull() && !(id.isString() && id.toString().isEmpty()))
            expected.insert(u"id"_s, id);
        const OutgoingMessage message = OutgoingMessage::make(channel, data, id);
        QCOMPARE(message.json, Bayeux::toCompactJson(expected));
        QCOMPARE(message.framed, '[' + message.json + ']');
    }

    void connectReply_data()
    {
        QTest::addColumn<QJsonValue>("id");
        QTest::addColumn<qint64>("ack");
        QTest::addRow("string id, no ack") << QJsonValue(u"12"_s) << qint64(-1);
        QTest::addRow("number id, ack") << QJsonValue(12) << qint64(3);
        QTest::addRow("escaped id") << QJsonValue(u"a\"\u00e9"_s) << qint64(0);
        QTest::addRow("no id") << QJsonValue(QJsonValue::Undefined) << qint64(-1);
    }
    void connectReply()
    {
        QFETCH(QJsonValue, id);
        QFETCH(qint64, ack);
        const QJsonObject advice { { u"reconnect"_s, u"retry"_s }, { u"interval"_s, 0 }, { u"timeout"_s, 30000 } };
        QJsonObject expected { { u"channel"_s, u"/meta/connect"_s }, { u"successful"_s, true },
            { u"clientId"_s, u"AbC-_9"_s }, { u"advice"_s, advice } };
        if (!id.isUndefined()) expected.insert(u"id"_s, id);
        if (ack >= 0) expected.insert(u"ext"_s, QJsonObject { { u"ack"_s, ack } });
        QCOMPARE(Bayeux::connectReplyJson(Bayeux::toCompactJson(advice), "AbC-_9", id, ack),
            Bayeux::toCompactJson(expected));
    }
};

QTEST_GUILESS_MAIN(tst_OutgoingMessage)
#include "tst_outgoingmessage.moc"
