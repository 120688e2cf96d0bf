// cometd-cli's command line, the lines it prints for a message, and what it says of each answer.
#include "clicommandline.h"
#include "clilistener.h"
#include "clisender.h"
#include "httpconnection.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
CliOptions parse(QStringList arguments, const QByteArray &environmentKey = {})
{
    arguments.prepend(u"cometd-cli"_s);
    return CliCommandLine::parse(arguments, environmentKey);
}

Cometd::HttpResponse answer(int status, QByteArray body)
{
    Cometd::HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
}
} // namespace

class tst_CliCommandLine : public QObject
{
    Q_OBJECT

private slots:
    void listenDefaults()
    {
        const CliOptions o = parse({ u"listen"_s, u"exo1"_s });
        QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
        QCOMPARE(o.action, CliOptions::Action::Listen);
        QCOMPARE(o.user, u"exo1"_s);
        QCOMPARE(o.channels, QStringList { u"/eXo/cometd/test"_s });
        QCOMPARE(o.restUrl, QUrl(u"http://127.0.0.1:8080/rest/"_s));
        QCOMPARE(o.count, 0);
        QCOMPARE(o.timeout.count(), 0);
        QVERIFY(!o.webSocket);
    }

    void listenSeveralChannels()
    {
        const CliOptions o = parse({ u"listen"_s, u"exo1"_s, u"/a"_s, u"/b/**"_s, u"--websocket"_s, u"-n"_s, u"3"_s });
        QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
        QCOMPARE(o.channels, (QStringList { u"/a"_s, u"/b/**"_s }));
        QVERIFY(o.webSocket);
        QCOMPARE(o.count, 3);
    }

    void restBase_data()
    {
        QTest::addColumn<QString>("given");
        QTest::addColumn<QString>("expected");
        QTest::newRow("bare") << u"http://h:8080"_s << u"http://h:8080/rest/"_s;
        QTest::newRow("slash") << u"http://h:8080/"_s << u"http://h:8080/rest/"_s;
        QTest::newRow("rest") << u"http://h:8080/rest"_s << u"http://h:8080/rest/"_s;
        QTest::newRow("rest/") << u"https://h/rest/"_s << u"https://h/rest/"_s;
        QTest::newRow("prefix") << u"http://h/app"_s << u"http://h/app/rest/"_s;
        QTest::newRow("not http") << u"ftp://h/"_s << QString();
        QTest::newRow("no host") << u"localhost:8080"_s << QString();
    }

    void restBase()
    {
        QFETCH(QString, given);
        QFETCH(QString, expected);
        QCOMPARE(CliCommandLine::restBase(given).toString(), expected);
    }

    void sendAndBroadcast()
    {
        const CliOptions send = parse({ u"send"_s, u"exo2"_s, u"hi there"_s, u"-c"_s, u"/x"_s, u"--id"_s, u"m1"_s,
            u"--url"_s, u"http://10.0.0.1:9000"_s });
        QVERIFY2(send.error.isEmpty(), qPrintable(send.error));
        QCOMPARE(send.action, CliOptions::Action::Send);
        QCOMPARE(send.message, QJsonValue(u"hi there"_s));
        QCOMPARE(send.timeout.count(), 10);
        QCOMPARE(QJsonDocument::fromJson(CliSender::requestBody(send)).object(),
            (QJsonObject { { u"channel"_s, u"/x"_s }, { u"exoId"_s, u"exo2"_s }, { u"message"_s, u"hi there"_s },
                { u"id"_s, u"m1"_s } }));

        const CliOptions broadcast = parse({ u"broadcast"_s, u"{\"n\": 2}"_s, u"--json"_s });
        QVERIFY2(broadcast.error.isEmpty(), qPrintable(broadcast.error));
        QCOMPARE(broadcast.message, QJsonValue(QJsonObject { { u"n"_s, 2 } }));
        QVERIFY(!QJsonDocument::fromJson(CliSender::requestBody(broadcast)).object().contains(u"exoId"_s));
        QCOMPARE(parse({ u"broadcast"_s, u"7"_s, u"--json"_s }).message, QJsonValue(7));
    }

    void apiKeyFromOptionOrEnvironment()
    {
        QCOMPARE(parse({ u"broadcast"_s, u"x"_s }, "env-key").apiKey, QByteArray("env-key"));
        QCOMPARE(parse({ u"broadcast"_s, u"x"_s, u"--api-key"_s, u"k"_s }, "env-key").apiKey, QByteArray("k"));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("says");
        QTest::newRow("nothing") << QStringList {} << u"a command is needed"_s;
        QTest::newRow("unknown") << QStringList { u"shout"_s } << u"unknown command \"shout\""_s;
        QTest::newRow("listen without user") << QStringList { u"listen"_s } << u"listen USER"_s;
        QTest::newRow("send without message") << QStringList { u"send"_s, u"exo1"_s } << u"send USER MESSAGE"_s;
        QTest::newRow("send too much") << QStringList { u"send"_s, u"a"_s, u"b"_s, u"c"_s } << u"send USER MESSAGE"_s;
        QTest::newRow("bad channel") << QStringList { u"listen"_s, u"exo1"_s, u"news"_s } << u"not a channel name"_s;
        QTest::newRow("bad json") << QStringList { u"broadcast"_s, u"{"_s, u"--json"_s } << u"not one JSON value"_s;
        QTest::newRow("two json values") << QStringList { u"broadcast"_s, u"1,2"_s, u"--json"_s }
                                         << u"not one JSON value"_s;
        QTest::newRow("bad url") << QStringList { u"broadcast"_s, u"x"_s, u"--url"_s, u"nowhere"_s } << u"--url"_s;
        QTest::newRow("bad count") << QStringList { u"listen"_s, u"exo1"_s, u"-n"_s, u"0"_s } << u"--count"_s;
        QTest::newRow("bad timeout") << QStringList { u"listen"_s, u"exo1"_s, u"--timeout"_s, u"soon"_s }
                                     << u"--timeout"_s;
        QTest::newRow("unknown option") << QStringList { u"listen"_s, u"exo1"_s, u"--loud"_s } << u"loud"_s;
    }

    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, says);
        const CliOptions o = parse(arguments);
        QVERIFY2(o.error.contains(says), qPrintable(o.error));
    }

    void helpAndVersion()
    {
        const CliOptions help = parse({ u"--help"_s });
        QCOMPARE(help.action, CliOptions::Action::ShowHelp);
        QVERIFY(help.text.startsWith(u"Usage: cometd-cli"_s));
        QVERIFY(help.text.contains(u"cometd-cli listen USER"_s));
        QCOMPARE(parse({ u"--version"_s }).text, u"cometd-cli " COMETD_VERSION ""_s);
    }

    void messageLines()
    {
        Cometd::ClientMessage m { u"/eXo/cometd/test"_s, QJsonValue(u"hello"_s), u"m1"_s };
        QCOMPARE(CliListener::formatMessage(m, false), u"/eXo/cometd/test m1: hello"_s);
        m.data = QJsonObject { { u"a"_s, 1 } };
        QCOMPARE(CliListener::formatMessage(m, false), u"/eXo/cometd/test m1: {\"a\":1}"_s);
        m.data = 3.5;
        QCOMPARE(CliListener::formatMessage(m, false), u"/eXo/cometd/test m1: 3.5"_s);
        m.id.clear();
        m.data = u"x"_s;
        QCOMPARE(CliListener::formatMessage(m, false), u"/eXo/cometd/test: x"_s);
        m.id = u"m2"_s;
        QCOMPARE(QJsonDocument::fromJson(CliListener::formatMessage(m, true).toUtf8()).object(),
            (QJsonObject { { u"channel"_s, u"/eXo/cometd/test"_s }, { u"id"_s, u"m2"_s }, { u"data"_s, u"x"_s } }));
    }

    void answersInWords_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("says");
        QTest::newRow("two sessions") << 200 << QByteArray(R"({"delivered": 2})") << 0 << u"delivered to 2 sessions"_s;
        QTest::newRow("one session") << 200 << QByteArray(R"({"delivered": 1})") << 0 << u"delivered to 1 session"_s;
        QTest::newRow("no count") << 200 << QByteArray("ok") << 1 << u"without a count"_s;
        QTest::newRow("unknown user") << 404 << QByteArray() << 1 << u"exo7 has no session in the cluster"_s;
        QTest::newRow("no key") << 401 << QByteArray() << 1 << u"apiKey"_s;
        QTest::newRow("malformed") << 400 << QByteArray("invalid channel") << 1
                                   << u"malformed: invalid channel (400)"_s;
        QTest::newRow("other") << 503 << QByteArray("busy") << 1 << u"answered HTTP 503: busy"_s;
    }

    void answersInWords()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(int, exitCode);
        QFETCH(QString, says);
        const CliOptions send = parse({ u"send"_s, u"exo7"_s, u"hi"_s, u"--id"_s, u"m9"_s });
        const CliSender::Outcome outcome = CliSender::describe(send, answer(status, body));
        QCOMPARE(outcome.exitCode, exitCode);
        QVERIFY2(outcome.line.contains(says), qPrintable(outcome.line));
    }

    void noAnswer()
    {
        Cometd::HttpResponse refused;
        refused.error = Cometd::HttpResponse::Error::Refused;
        refused.errorString = u"Connection refused"_s;
        const CliSender::Outcome outcome = CliSender::describe(parse({ u"broadcast"_s, u"x"_s }), refused);
        QCOMPARE(outcome.exitCode, 1);
        QCOMPARE(outcome.line, u"no answer from http://127.0.0.1:8080: Connection refused"_s);
    }
};

QTEST_GUILESS_MAIN(tst_CliCommandLine)
#include "tst_clicommandline.moc"
