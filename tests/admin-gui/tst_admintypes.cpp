// The admin API's JSON read into the console's value types, and the Compose form's checks.
#include "samplejson.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace AdminGui;

class tst_AdminTypes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nextMessageId_data()
    {
        QTest::addColumn<QString>("sent");
        QTest::addColumn<QString>("next");
        QTest::addRow("number") << u"1"_s << u"2"_s;
        QTest::addRow("carry") << u"m9"_s << u"m10"_s;
        QTest::addRow("width kept") << u"007"_s << u"008"_s;
        QTest::addRow("all nines") << u"x-999"_s << u"x-1000"_s;
        QTest::addRow("long") << u"99999999999999999999"_s << u"100000000000000000000"_s;
        QTest::addRow("no number") << u"hello"_s << u"hello-2"_s;
        QTest::addRow("empty") << QString() << QString();
    }
    void nextMessageId()
    {
        QFETCH(QString, sent);
        QFETCH(QString, next);
        QCOMPARE(AdminGui::nextMessageId(sent), next);
    }

    void parseNode()
    {
        const auto node = AdminGui::parseNode(SampleJson::node(u"2"_s, u"draining"_s, 7, 20, 100, 250));
        QVERIFY(node);
        QCOMPARE(node->id, u"2"_s);
        QCOMPARE(node->state, u"draining"_s);
        QCOMPARE(node->sessions, 7);
        QCOMPARE(node->maxConnection, 20);
        QCOMPARE(node->messagesOut, 250.0);
        QCOMPARE(node->load(), 0.35);
        QVERIFY(!AdminGui::parseNode(QJsonObject { { u"url"_s, u"http://x"_s } }));
    }

    void parseUser_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("hasTime");
        QTest::addRow("complete") << SampleJson::user(u"exo1"_s) << true << true;
        QJsonObject noTime = SampleJson::user(u"exo2"_s);
        noTime.insert(u"connectedSince"_s, QJsonValue::Null);
        QTest::addRow("reserved, no session yet") << noTime << true << false;
        QJsonObject noName = SampleJson::user(u"exo3"_s);
        noName.remove(u"user"_s);
        QTest::addRow("no user name") << noName << false << false;
        QTest::addRow("empty object") << QJsonObject() << false << false;
    }
    void parseUser()
    {
        QFETCH(QJsonObject, json);
        QFETCH(bool, valid);
        QFETCH(bool, hasTime);
        const auto user = AdminGui::parseUser(json);
        QCOMPARE(user.has_value(), valid);
        if (!user) return;
        QCOMPARE(user->connectedSince.isValid(), hasTime);
        if (hasTime) QCOMPARE(user->connectedSince, QDateTime(QDate(2026, 11, 25), QTime(10, 0), Qt::UTC));
    }

    void parseSnapshotAndStats()
    {
        const QJsonObject json = SampleJson::snapshot({ SampleJson::node(u"1"_s), SampleJson::node(u"2"_s) },
            { SampleJson::user(u"a"_s) }, { SampleJson::channel(u"/a"_s, 3, 1.5) });
        const auto snapshot = AdminGui::parseSnapshot(json);
        QVERIFY(snapshot);
        QCOMPARE(snapshot->nodes.size(), 2);
        QCOMPARE(snapshot->users.size(), 1);
        QCOMPARE(snapshot->channels.size(), 1);
        QCOMPARE(snapshot->channels.at(0).messagesPerSecond, 1.5);
        QVERIFY(!AdminGui::parseSnapshot(QJsonObject { { u"type"_s, u"stats"_s } }));

        const auto stats = AdminGui::parseStats(
            SampleJson::stats(u"2026-11-25T10:00:01.000Z"_s, { SampleJson::nodeStats(u"1"_s, 4, 10, 20) }));
        QVERIFY(stats);
        QCOMPARE(stats->nodes.size(), 1);
        QCOMPARE(stats->nodes.at(0).messagesOut, 20.0);
        QVERIFY(!stats->nodes.at(0).placed); // an older balancer's frame: no users
        const auto withUsers = AdminGui::parseStats(
            SampleJson::stats(u"2026-11-25T10:00:02.000Z"_s, { SampleJson::nodeStats(u"1"_s, 4, 10, 20, 3) }));
        QCOMPARE(withUsers->nodes.at(0).placed, std::optional<qint64>(3));
        QVERIFY(!AdminGui::parseStats(SampleJson::stats(u"yesterday"_s, {})));
    }

    void eventKinds()
    {
        QCOMPARE(parseUserEventKind(u"joined"_s), ChangeKind::Added);
        QCOMPARE(parseUserEventKind(u"left"_s), ChangeKind::Removed);
        QCOMPARE(parseUserEventKind(u"changed"_s), ChangeKind::Changed);
        QVERIFY(!parseUserEventKind(u"added"_s));
        QCOMPARE(parseChannelEventKind(u"added"_s), ChangeKind::Added);
        QCOMPARE(parseChannelEventKind(u"removed"_s), ChangeKind::Removed);
        QVERIFY(!parseChannelEventKind(u"joined"_s));
    }

    void messageBody_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("asJson");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QJsonValue>("value");
        QTest::addRow("text stays text") << u"{not json"_s << false << true << QJsonValue(u"{not json"_s);
        QTest::addRow("json object") << u"{\"a\": 1}"_s << true << true << QJsonValue(QJsonObject { { u"a"_s, 1 } });
        QTest::addRow("json string") << u"\"hi\""_s << true << true << QJsonValue(u"hi"_s);
        QTest::addRow("json number") << u" 42 "_s << true << true << QJsonValue(42);
        QTest::addRow("json unterminated") << u"{\"a\": "_s << true << false << QJsonValue();
        QTest::addRow("json bare word") << u"hello"_s << true << false << QJsonValue();
        QTest::addRow("json two values") << u"1, 2"_s << true << false << QJsonValue();
        QTest::addRow("json empty") << QString() << true << false << QJsonValue();
    }
    void messageBody()
    {
        QFETCH(QString, text);
        QFETCH(bool, asJson);
        QFETCH(bool, valid);
        QFETCH(QJsonValue, value);
        const MessageBody body = parseMessageBody(text, asJson);
        QCOMPARE(body.value.has_value(), valid);
        QCOMPARE(body.error.isEmpty(), valid);
        if (valid) QCOMPARE(*body.value, value);
    }

    void compose_data()
    {
        QTest::addColumn<bool>("broadcast");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("channel");
        QTest::addColumn<bool>("valid");
        QTest::addRow("private") << false << u"exo1"_s << u"/eXo/cometd/test"_s << true;
        QTest::addRow("private without user") << false << u" "_s << u"/eXo/cometd/test"_s << false;
        QTest::addRow("broadcast without user") << true << QString() << u"/a"_s << true;
        QTest::addRow("channel without slash") << true << QString() << u"a/b"_s << false;
        QTest::addRow("meta channel") << true << QString() << u"/meta/connect"_s << false;
    }
    void compose()
    {
        QFETCH(bool, broadcast);
        QFETCH(QString, user);
        QFETCH(QString, channel);
        QFETCH(bool, valid);
        const ComposeCheck check = checkCompose(broadcast, user, channel, u"hi"_s, false, u"7"_s);
        QCOMPARE(check.message.has_value(), valid);
        if (!valid) {
            QVERIFY(!check.error.isEmpty());
            return;
        }
        const QJsonObject body = check.message->toJson();
        QCOMPARE(body.value(u"type"_s).toString(), broadcast ? u"broadcast"_s : u"private"_s);
        QCOMPARE(body.contains(u"exoId"_s), !broadcast);
        QCOMPARE(body.value(u"id"_s).toString(), u"7"_s);
        QCOMPARE(body.value(u"message"_s).toString(), u"hi"_s);
    }

    void sendReply_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("text");
        QTest::addRow("delivered") << 200 << QByteArray(R"({"delivered":3})") << true << u"delivered 3"_s;
        QTest::addRow("unknown user") << 404 << QByteArray(R"({"error":"no such user"})") << false
                                      << u"error 404: no such user"_s;
        QTest::addRow("bad request") << 400 << QByteArray(R"({"error":"bad channel"})") << false
                                     << u"error 400: bad channel"_s;
        QTest::addRow("no answer") << 0 << QByteArray() << false << u"error: Connection refused"_s;
    }
    void sendReply()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(bool, ok);
        QFETCH(QString, text);
        const SendResult result = parseSendReply(status, body, u"Connection refused"_s);
        QCOMPARE(result.ok, ok);
        QCOMPARE(result.text(), text);
    }
};

QTEST_GUILESS_MAIN(tst_AdminTypes)
#include "tst_admintypes.moc"
