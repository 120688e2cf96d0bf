// cometd-cli as a user runs it, against a real cometd-node: a listener sees what `send` and
// `broadcast` push (every session of the user gets it), Ctrl-C gives the user's slot back, and a
// refusal or an absent cluster is said in words with exit 1.
#include "nodeprocess.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

using namespace Qt::StringLiterals;

namespace {
const QString CliBinary = QStringLiteral(COMETD_CLI_BINARY);
const QString NodeBinary = QStringLiteral(COMETD_NODE_BINARY);
constexpr int WaitMs = 20000;

// One cometd-cli process, its output gathered as it comes.
struct Cli
{
    Cli(const QStringList &arguments, const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
    {
        QObject::connect(
            &process, &QProcess::readyReadStandardOutput, [this] { out += process.readAllStandardOutput(); });
        QObject::connect(
            &process, &QProcess::readyReadStandardError, [this] { err += process.readAllStandardError(); });
        process.setProcessEnvironment(environment);
        process.start(CliBinary, arguments);
    }
    ~Cli()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }
    bool finished() const { return process.state() == QProcess::NotRunning; }
    int exitCode() const { return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1; }
    QStringList lines() const { return QString::fromUtf8(out).split(u'\n', Qt::SkipEmptyParts); }

    QProcess process;
    QByteArray out;
    QByteArray err;
};

} // namespace

class tst_CliProcess : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<NodeProcess> m_node;
    QString m_url;

    // `send` or `broadcast` to the end: its exit code and both streams.
    static std::unique_ptr<Cli> runToEnd(
        const QStringList &arguments, const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
    {
        auto cli = std::make_unique<Cli>(arguments, environment);
        [&] { QTRY_VERIFY_WITH_TIMEOUT(cli->finished(), WaitMs); }();
        return cli;
    }

private slots:
    void initTestCase()
    {
        m_node = std::make_unique<NodeProcess>(NodeBinary);
        QVERIFY(m_node->start());
        m_url = u"http://127.0.0.1:%1"_s.arg(m_node->port);
    }

    void everySessionOfTheUserSeesWhatIsSent()
    {
        // Two sessions of exo1, one per transport, as two browser tabs would hold.
        Cli polling({ u"listen"_s, u"exo1"_s, u"--url"_s, m_url, u"-n"_s, u"3"_s, u"--timeout"_s, u"60"_s });
        Cli socket({ u"listen"_s, u"exo1"_s, u"--url"_s, m_url, u"--websocket"_s, u"--json"_s, u"-n"_s, u"3"_s,
            u"--timeout"_s, u"60"_s });
        QTRY_VERIFY_WITH_TIMEOUT(polling.err.contains("listening as exo1 on http://127.0.0.1:"), WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(socket.err.contains("(websocket): /eXo/cometd/test"), WaitMs);

        const auto send = runToEnd({ u"send"_s, u"exo1"_s, u"hello"_s, u"--id"_s, u"m1"_s, u"--url"_s, m_url });
        QCOMPARE(send->exitCode(), 0);
        QCOMPARE(send->out.trimmed(), QByteArray("message m1 to exo1 on /eXo/cometd/test: delivered to 2 sessions"));
        const auto json = runToEnd(
            { u"send"_s, u"exo1"_s, u"{\"n\":[1,2]}"_s, u"--json"_s, u"--id"_s, u"m2"_s, u"--url"_s, m_url });
        QCOMPARE(json->exitCode(), 0);
        const auto broadcast = runToEnd({ u"broadcast"_s, u"to all"_s, u"--id"_s, u"b1"_s, u"--url"_s, m_url });
        QCOMPARE(broadcast->exitCode(), 0);
        QVERIFY2(broadcast->out.contains("delivered to 2 sessions"), broadcast->out.constData());

        QTRY_VERIFY_WITH_TIMEOUT(polling.finished() && socket.finished(), WaitMs);
        QCOMPARE(polling.exitCode(), 0);
        QCOMPARE(socket.exitCode(), 0);
        QCOMPARE(polling.lines(),
            (QStringList { u"/eXo/cometd/test m1: hello"_s, u"/eXo/cometd/test m2: {\"n\":[1,2]}"_s,
                u"/eXo/cometd/test b1: to all"_s }));
        QCOMPARE(socket.lines().size(), 3);
        QCOMPARE(socket.lines().at(0), u"{\"channel\":\"/eXo/cometd/test\",\"data\":\"hello\",\"id\":\"m1\"}"_s);
    }

    void interruptedListenerGivesTheUserBack()
    {
        Cli listener({ u"listen"_s, u"exo2"_s, u"/news"_s, u"--url"_s, m_url });
        QTRY_VERIFY_WITH_TIMEOUT(listener.err.contains("listening as exo2"), WaitMs);
        QCOMPARE(runToEnd({ u"send"_s, u"exo2"_s, u"x"_s, u"-c"_s, u"/news"_s, u"--url"_s, m_url })->exitCode(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(listener.out.contains("/news"), WaitMs);

        ::kill(pid_t(listener.process.processId()), SIGINT);
        QTRY_VERIFY_WITH_TIMEOUT(listener.finished(), WaitMs);
        QCOMPARE(listener.exitCode(), 0);
        // Its session is gone at once (a /meta/disconnect, not an expiry): nothing to deliver to.
        const auto after = runToEnd({ u"send"_s, u"exo2"_s, u"x"_s, u"-c"_s, u"/news"_s, u"--url"_s, m_url });
        QCOMPARE(after->exitCode(), 1);
        QVERIFY2(
            after->err.contains("exo2 has no session in the cluster: nothing delivered (404)"), after->err.constData());
    }

    void listenerTimesOut()
    {
        Cli listener({ u"listen"_s, u"exo3"_s, u"--url"_s, m_url, u"-n"_s, u"1"_s, u"--timeout"_s, u"1"_s });
        QTRY_VERIFY_WITH_TIMEOUT(listener.finished(), WaitMs);
        QCOMPARE(listener.exitCode(), 1);
        QVERIFY2(listener.err.contains("timed out after 1 s with 0 of 1 messages"), listener.err.constData());
    }

    void noClusterThere()
    {
        NodeProcess gone(NodeBinary);
        QVERIFY(gone.start());
        const QString url = u"http://127.0.0.1:%1"_s.arg(gone.port);
        gone.process.kill();
        QVERIFY(gone.process.waitForFinished(5000));
        const auto send = runToEnd({ u"broadcast"_s, u"x"_s, u"--url"_s, url });
        QCOMPARE(send->exitCode(), 1);
        QVERIFY2(send->err.contains(QByteArray(QByteArray("cometd-cli: no answer from ") + url.toUtf8())),
            send->err.constData());
    }

    void apiKeyIsAskedFor()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile config(dir.filePath(u"node.json"_s));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(R"({"secret": "cli-test-secret-cli-test-secret-0123", "apiKey": "cli-key"})");
        config.close();
        NodeProcess keyed(NodeBinary);
        QVERIFY(keyed.start({ u"--config"_s, config.fileName() }));
        const QString url = u"http://127.0.0.1:%1"_s.arg(keyed.port);

        const auto refused = runToEnd({ u"broadcast"_s, u"x"_s, u"--url"_s, url });
        QCOMPARE(refused->exitCode(), 1);
        QVERIFY2(refused->err.contains("wants its apiKey"), refused->err.constData());

        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"COMETD_API_KEY"_s, u"cli-key"_s);
        const auto accepted = runToEnd({ u"broadcast"_s, u"x"_s, u"--url"_s, url }, environment);
        QCOMPARE(accepted->exitCode(), 0);
        QVERIFY2(accepted->out.contains("delivered to 0 sessions"), accepted->out.constData());
    }

    void usageErrorExitsTwo()
    {
        const auto cli = runToEnd({ u"listen"_s });
        QCOMPARE(cli->exitCode(), 2);
        QVERIFY(cli->err.startsWith("cometd-cli: usage: cometd-cli listen USER"));
    }
};

QTEST_GUILESS_MAIN(tst_CliProcess)
#include "tst_cliprocess.moc"
