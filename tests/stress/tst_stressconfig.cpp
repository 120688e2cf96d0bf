// StressConfigParser: the seed's XML as the original wrote it, and one clear line for every bad file.
// Also the command line's usage errors.
#include "stresscommandline.h"
#include "stressconfig.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QByteArray Seed
    = QByteArrayLiteral(R"(<configuration clients="12" repeat="1" sleep-connection="500" sleep-sending="200">
  <container containerStart="false" port="8080" home=""/>
  <messages><message broadcast="false" id="1">hello</message>
            <message broadcast="true" id="2">hello!!!</message></messages>
  <cometd-url>http://localhost:8080/cometd/cometd</cometd-url>
  <base-url>http://localhost:8080/rest/</base-url>
  <channels><channel>/eXo/comedt/test</channel></channels>
</configuration>)");

// The seed with one substring replaced.
QByteArray seedWith(const QByteArray &from, const QByteArray &to)
{
    QByteArray xml = Seed;
    Q_ASSERT(xml.contains(from));
    return xml.replace(from, to);
}

} // namespace

class tst_StressConfig : public QObject
{
    Q_OBJECT

private slots:
    void seedFromSpec()
    {
        const StressConfigResult result = StressConfigParser::parse(Seed, u"seed.xml"_s);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
        const StressConfig &config = result.config();
        QCOMPARE(config.clients, 12);
        QCOMPARE(config.repeat, 1);
        QCOMPARE(config.sleepConnectionMs, 500);
        QCOMPARE(config.sleepSendingMs, 200);
        QCOMPARE(config.containerStart, false);
        QCOMPARE(config.containerPort, quint16(8080));
        QCOMPARE(config.containerHome, QString());
        QCOMPARE(config.messages.size(), 2);
        QCOMPARE(config.messages.at(0), (StressMessage { u"1"_s, u"hello"_s, false }));
        QCOMPARE(config.messages.at(1), (StressMessage { u"2"_s, u"hello!!!"_s, true }));
        QCOMPARE(config.cometdUrl, QUrl(u"http://localhost:8080/cometd/cometd"_s));
        QCOMPARE(config.baseUrl, QUrl(u"http://localhost:8080/rest/"_s));
        QCOMPARE(config.channels, QStringList { u"/eXo/comedt/test"_s });
    }

    void seedFileInResources()
    {
        const StressConfigResult result = StressConfigParser::parseFile(QStringLiteral(COMETD_STRESS_SEED));
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
        QCOMPARE(result.config().clients, 12);
        QCOMPARE(result.config().messages.size(), 2);
        QCOMPARE(result.config().channels, QStringList { u"/eXo/comedt/test"_s });
    }

    void defaultsAndNormalisation()
    {
        const QByteArray xml = R"(<configuration clients="3">
            <messages><message id="a">x</message></messages>
            <base-url>http://127.0.0.1:9000/rest</base-url>
            <channels><channel> /a/b </channel><channel>/c</channel></channels>
        </configuration>)";
        const StressConfigResult result = StressConfigParser::parse(xml, u"d.xml"_s);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
        QCOMPARE(result.config().repeat, 1);
        QCOMPARE(result.config().sleepConnectionMs, 0);
        QCOMPARE(result.config().containerStart, false);
        QCOMPARE(result.config().messages.first().broadcast, false);
        QCOMPARE(result.config().baseUrl, QUrl(u"http://127.0.0.1:9000/rest/"_s)); // '/' appended
        QCOMPARE(result.config().channels, (QStringList { u"/a/b"_s, u"/c"_s }));
    }

    void containerStart()
    {
        const auto result
            = StressConfigParser::parse(seedWith(R"(containerStart="false" port="8080" home="")",
                                            R"(containerStart="true" port="18080" home="/etc/cometd.json")"),
                u"c.xml"_s);
        QVERIFY(result.ok());
        QCOMPARE(result.config().containerStart, true);
        QCOMPARE(result.config().containerPort, quint16(18080));
        QCOMPARE(result.config().containerHome, u"/etc/cometd.json"_s);
    }

    void badFiles_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QString>("expected"); // a fragment of the one error line

        QTest::addRow("not well-formed") << seedWith("</messages>", "</message>") << u"not well-formed XML"_s;
        QTest::addRow("truncated") << Seed.left(Seed.size() / 2) << u"not well-formed XML"_s;
        QTest::addRow("empty file") << QByteArray(" \n") << u"the file is empty"_s;
        QTest::addRow("wrong root") << QByteArray("<config clients=\"1\"/>")
                                    << u"root element must be <configuration>"_s;
        QTest::addRow("clients missing") << seedWith(R"(clients="12" )", "") << u"needs the attribute clients"_s;
        QTest::addRow("clients not a number")
            << seedWith(R"(clients="12")", R"(clients="twelve")") << u"attribute clients must be an integer from 1"_s;
        QTest::addRow("clients zero") << seedWith(R"(clients="12")", R"(clients="0")") << u"(got \"0\")"_s;
        QTest::addRow("negative sleep") << seedWith(R"(sleep-sending="200")", R"(sleep-sending="-1")")
                                        << u"attribute sleep-sending must be an integer from 0"_s;
        QTest::addRow("unknown root attribute")
            << seedWith(R"(repeat="1")", R"(repeats="1")") << u"unknown attribute repeats on <configuration>"_s;
        QTest::addRow("containerStart not boolean") << seedWith(R"(containerStart="false")", R"(containerStart="yes")")
                                                    << u"attribute containerStart must be true or false"_s;
        QTest::addRow("port out of range")
            << seedWith(R"(port="8080")", R"(port="70000")") << u"attribute port must be an integer from 0 to 65535"_s;
        QTest::addRow("containerStart without port") << seedWith(R"(containerStart="false" port="8080")",
            R"(containerStart="true")") << u"<container> needs the attribute port"_s;
        QTest::addRow("unknown element")
            << seedWith("<cometd-url>", "<comet-url>").replace("</cometd-url>", "</comet-url>")
            << u"unknown element <comet-url> in <configuration>"_s;
        QTest::addRow("element twice") << seedWith("<base-url>", "<base-url>http://a/</base-url><base-url>")
                                       << u"<base-url> appears twice"_s;
        QTest::addRow("message without id") << seedWith(R"( id="1")", "") << u"needs a non-empty attribute id"_s;
        QTest::addRow("duplicate message id")
            << seedWith(R"(id="2")", R"(id="1")") << u"message id \"1\" is used twice"_s;
        QTest::addRow("broadcast not boolean")
            << seedWith(R"(broadcast="true")", R"(broadcast="1")") << u"attribute broadcast must be true or false"_s;
        QTest::addRow("element inside a message")
            << seedWith(">hello<", "><b>hello</b><") << u"<message> must contain text only"_s;
        QTest::addRow("no messages") << seedWith(R"(<message broadcast="false" id="1">hello</message>
            <message broadcast="true" id="2">hello!!!</message>)",
            "") << u"missing <messages> with at least one <message>"_s;
        QTest::addRow("no base-url") << seedWith("<base-url>http://localhost:8080/rest/</base-url>", "")
                                     << u"missing <base-url>"_s;
        QTest::addRow("base-url not http") << seedWith("http://localhost:8080/rest/", "ftp://localhost/rest/")
                                           << u"<base-url> must be an http:// or https:// URL"_s;
        QTest::addRow("base-url garbage") << seedWith("http://localhost:8080/rest/", "not a url")
                                          << u"<base-url> must be an http:// or https:// URL"_s;
        QTest::addRow("no channels") << seedWith("<channel>/eXo/comedt/test</channel>", "")
                                     << u"missing <channels> with at least one <channel>"_s;
        QTest::addRow("wildcard channel")
            << seedWith("/eXo/comedt/test", "/eXo/*") << u"channel must be a plain channel name"_s;
        QTest::addRow("relative channel") << seedWith("/eXo/comedt/test", "eXo") << u"(got \"eXo\")"_s;
        QTest::addRow("channel twice") << seedWith(
            "<channel>/eXo/comedt/test</channel>", "<channel>/a</channel><channel>/a</channel>")
                                       << u"channel \"/a\" is listed twice"_s;
        QTest::addRow("second root") << (Seed + "<configuration/>") << u"not well-formed XML"_s;
    }

    void badFiles()
    {
        QFETCH(QByteArray, xml);
        QFETCH(QString, expected);
        const StressConfigResult result = StressConfigParser::parse(xml, u"bad.xml"_s);
        QVERIFY(!result.ok());
        const QString line = result.error();
        QVERIFY2(line.startsWith(u"bad.xml"_s), qPrintable(line));
        QVERIFY2(line.contains(expected), qPrintable(line));
        QVERIFY2(!line.contains(u'\n'), qPrintable(line));
    }

    void errorNamesTheLine()
    {
        const auto result = StressConfigParser::parse(seedWith(R"(port="8080")", R"(port="x")"), u"l.xml"_s);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().startsWith(u"l.xml:2: "_s), qPrintable(result.error()));
    }

    void unreadableFile()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath(u"none.xml"_s);
        const auto result = StressConfigParser::parseFile(missing);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().startsWith(missing + u": cannot read"_s), qPrintable(result.error()));
    }

    void commandLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("error"); // empty: accepted

        QTest::addRow("config only") << QStringList { u"--config"_s, u"a.xml"_s } << QString();
        QTest::addRow("everything") << QStringList { u"--config"_s, u"a.xml"_s, u"--json"_s, u"--transport"_s,
            u"websocket"_s, u"--event-loop"_s, u"qt"_s, u"--timeout"_s, u"5"_s, u"--failover"_s }
                                    << QString();
        QTest::addRow("no config") << QStringList { u"--json"_s } << u"--config FILE is required"_s;
        QTest::addRow("unknown option") << QStringList { u"--config"_s, u"a"_s, u"--fast"_s } << u"fast"_s;
        QTest::addRow("bad transport") << QStringList { u"--config"_s, u"a"_s, u"--transport"_s, u"jsonp"_s }
                                       << u"--transport: must be long-polling or websocket (got \"jsonp\")"_s;
        QTest::addRow("bad event loop") << QStringList { u"--config"_s, u"a"_s, u"--event-loop"_s, u"glib"_s }
                                        << u"--event-loop: must be epoll or qt"_s;
        QTest::addRow("zero timeout") << QStringList { u"--config"_s, u"a"_s, u"--timeout"_s, u"0"_s }
                                      << u"--timeout: must be a whole number of seconds"_s;
        QTest::addRow("text timeout") << QStringList { u"--config"_s, u"a"_s, u"--timeout"_s, u"soon"_s }
                                      << u"(got \"soon\")"_s;
        QTest::addRow("bad log level") << QStringList { u"--config"_s, u"a"_s, u"--log-level"_s, u"loud"_s }
                                       << u"--log-level: must be debug, info, warning or error"_s;
        QTest::addRow("positional") << QStringList { u"--config"_s, u"a"_s, u"extra"_s }
                                    << u"unexpected argument \"extra\""_s;
        QTest::addRow("prefix with a slash") << QStringList { u"--config"_s, u"a"_s, u"--user-prefix"_s, u"a/b"_s }
                                             << u"--user-prefix: must be 1 to 200 letters"_s;
        QTest::addRow("prefix with a blank")
            << QStringList { u"--config"_s, u"a"_s, u"--user-prefix"_s, u"a b"_s } << u"--user-prefix"_s;
    }

    void commandLine()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, error);
        const StressCommandOptions options = StressCommandLine::parse(QStringList { u"cometd-stress"_s } + arguments);
        if (error.isEmpty()) {
            QVERIFY2(options.error.isEmpty(), qPrintable(options.error));
            QCOMPARE(options.configFile, u"a.xml"_s);
        } else {
            QVERIFY2(options.error.contains(error), qPrintable(options.error));
            QVERIFY(!options.error.contains(u'\n'));
        }
    }

    void commandLineValues()
    {
        const auto options = StressCommandLine::parse({ u"cometd-stress"_s, u"--config"_s, u"a.xml"_s, u"--json"_s,
            u"--transport"_s, u"websocket"_s, u"--event-loop"_s, u"qt"_s, u"--timeout"_s, u"7"_s, u"--failover"_s });
        QVERIFY(options.json);
        QVERIFY(options.webSocket);
        QVERIFY(options.failover);
        QCOMPARE(options.eventLoop, EventLoop::Kind::Qt);
        QCOMPARE(options.timeout, std::chrono::seconds(7));
        const auto named = StressCommandLine::parse(
            { u"cometd-stress"_s, u"--config"_s, u"a.xml"_s, u"--user-prefix"_s, u"load-test.1_"_s, u"--strict"_s });
        QVERIFY2(named.error.isEmpty(), qPrintable(named.error));
        QCOMPARE(named.userPrefix, u"load-test.1_"_s);
        QVERIFY(named.strict);
        const auto defaults = StressCommandLine::parse({ u"cometd-stress"_s, u"--config"_s, u"a.xml"_s });
        QVERIFY(!defaults.json && !defaults.webSocket && !defaults.failover && !defaults.eventLoop);
        QCOMPARE(defaults.userPrefix, u"exo"_s);
        QVERIFY(!defaults.strict);
        QCOMPARE(defaults.timeout, std::chrono::seconds(30));
        QCOMPARE(defaults.logRules, u"cometd.*.debug=false\ncometd.*.info=false"_s);
        const auto debug
            = StressCommandLine::parse({ u"cometd-stress"_s, u"--config"_s, u"a"_s, u"--log-level"_s, u"debug"_s });
        QCOMPARE(debug.logRules, QString());
    }
};

QTEST_GUILESS_MAIN(tst_StressConfig)
#include "tst_stressconfig.moc"
