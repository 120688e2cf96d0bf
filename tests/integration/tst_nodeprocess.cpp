// The cometd-node binary as an operator runs it: command line, exit codes, clean shutdown.
#include "nodeprocess.h"
#include "rawhttpclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {
const QString kNode = QStringLiteral(COMETD_NODE_BINARY);

struct RunningNode : NodeProcess
{
    RunningNode()
        : NodeProcess(kNode)
    { }
};

struct Finished
{
    int exitCode = -1;
    QByteArray stdErr;
    QByteArray stdOut;
};

Finished runToEnd(const QStringList &args)
{
    QProcess p;
    p.start(kNode, args);
    Finished f;
    if (!p.waitForFinished(15000)) {
        p.kill();
        p.waitForFinished();
        return f;
    }
    f.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    f.stdErr = p.readAllStandardError();
    f.stdOut = p.readAllStandardOutput();
    return f;
}
} // namespace

class tst_NodeProcess : public QObject
{
    Q_OBJECT

private slots:
    void helpAndVersion()
    {
        const Finished help = runToEnd({ QStringLiteral("--help") });
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.stdOut.contains("--config"));
        QVERIFY(help.stdOut.contains("--event-loop"));
        const Finished version = runToEnd({ QStringLiteral("--version") });
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.stdOut.startsWith("cometd-node"));
    }

    void usageAndConfigErrors_data()
    {
        QTest::addColumn<QByteArray>("config"); // written to a file when not empty
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("mustMention");

        QTest::addRow("unknown option") << QByteArray() << QStringList { QStringLiteral("--frobnicate") }
                                        << QByteArray("frobnicate");
        QTest::addRow("bad listen") << QByteArray()
                                    << QStringList { QStringLiteral("--listen"), QStringLiteral("nohost") }
                                    << QByteArray("listen");
        QTest::addRow("unknown key") << QByteArray(R"({"colour": "blue"})") << QStringList {} << QByteArray("colour");
        QTest::addRow("bad value") << QByteArray(R"({"limits": {"idleTimeout": "soon"}})") << QStringList {}
                                   << QByteArray("limits.idleTimeout");
        QTest::addRow("malformed JSON") << QByteArray(R"({"role": )") << QStringList {} << QByteArray("node.json");
        QTest::addRow("public address without credentials")
            << QByteArray(R"({"listen": "0.0.0.0:0"})") << QStringList {} << QByteArray("apiKey");
        QTest::addRow("missing file") << QByteArray()
                                      << QStringList { QStringLiteral("--config"),
                                             QStringLiteral("/nonexistent/x.json") }
                                      << QByteArray("/nonexistent/x.json");
    }

    void usageAndConfigErrors()
    {
        QFETCH(QByteArray, config);
        QFETCH(QStringList, args);
        QFETCH(QByteArray, mustMention);
        QTemporaryDir dir;
        if (!config.isEmpty()) {
            QFile file(dir.filePath(QStringLiteral("node.json")));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(config);
            file.close();
            args << QStringLiteral("--config") << file.fileName();
        }
        const Finished f = runToEnd(args);
        QCOMPARE(f.exitCode, 2);
        QCOMPARE(f.stdErr.count('\n'), 1); // one clear line
        QVERIFY2(f.stdErr.contains(mustMention), f.stdErr.constData());
    }

    void startsAndAnswers()
    {
        RunningNode node;
        QVERIFY(node.start());
        RawHttpClient c(node.port);
        c.request("GET", "/rest/gettoken/exo1/");
        QTRY_COMPARE(c.replies.size(), 1);
        QCOMPARE(c.replies.at(0).status, 200);
    }

    void sigtermAnswersHeldPollsThenExitsZero()
    {
        RunningNode node;
        QVERIFY(node.start());
        RawHttpClient c(node.port);
        c.request("GET", "/rest/gettoken/exo1/");
        QTRY_COMPARE(c.replies.size(), 1);
        const QString token = QString::fromUtf8(c.replies.at(0).body);
        const QJsonObject hs { { QStringLiteral("channel"), QStringLiteral("/meta/handshake") },
            { QStringLiteral("version"), QStringLiteral("1.0") },
            { QStringLiteral("supportedConnectionTypes"), QJsonArray { QStringLiteral("long-polling") } },
            { QStringLiteral("exoId"), QStringLiteral("exo1") }, { QStringLiteral("exoToken"), token } };
        c.postJson("/cometd/cometd", QJsonDocument(QJsonArray { hs }).toJson(QJsonDocument::Compact));
        QTRY_COMPARE(c.replies.size(), 2);
        const QString clientId
            = c.replies.at(1).jsonArray().at(0).toObject().value(QStringLiteral("clientId")).toString();
        QVERIFY(!clientId.isEmpty());
        const QJsonObject connect { { QStringLiteral("channel"), QStringLiteral("/meta/connect") },
            { QStringLiteral("clientId"), clientId },
            { QStringLiteral("connectionType"), QStringLiteral("long-polling") } };
        c.postJson("/cometd/cometd", QJsonDocument(QJsonArray { connect }).toJson(QJsonDocument::Compact));
        QTRY_COMPARE(c.replies.size(), 3); // the first connect is answered at once
        c.postJson("/cometd/cometd", QJsonDocument(QJsonArray { connect }).toJson(QJsonDocument::Compact));
        QSignalSpy held(&c, &RawHttpClient::replied);
        QVERIFY(!held.wait(300)); // the next one is held

        ::kill(pid_t(node.process.processId()), SIGTERM);
        QTRY_COMPARE_WITH_TIMEOUT(c.replies.size(), 4, 10000); // answered before the exit
        QCOMPARE(c.replies.at(3).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(node.process.state(), QProcess::NotRunning, 10000);
        QCOMPARE(node.process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(node.process.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_NodeProcess)
#include "tst_nodeprocess.moc"
