// The report's wire form (Wire::Report): what a node sends and what the balancer accepts.
#include "clusterauth.h"
#include "reportcodec.h"

#include <QMessageAuthenticationCode>
#include <QTest>

using namespace Qt::StringLiterals;

class tst_ReportCodec : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip()
    {
        Balancer::NodeReport report;
        report.nodeId = u"2"_s;
        report.url = u"http://127.0.0.1:8082"_s;
        report.maxConnection = 15;
        report.sessions = 3;
        report.messagesIn = 7;
        report.messagesOut = 11;
        report.fullList = true;
        const QDateTime since = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
        report.users = { { u"exo1"_s, 2, true, u"websocket"_s, since }, { u"exo \u00e9"_s, 0, false, {}, {} } };
        report.channels = { { u"/eXo/cometd/test"_s, 3, 42 }, { u"/a/**"_s, 0, 0 } };

        const auto decoded = Cluster::decodeReport(Cluster::encodeReport(report));
        QVERIFY(std::holds_alternative<Balancer::NodeReport>(decoded));
        const auto &r = std::get<Balancer::NodeReport>(decoded);
        QCOMPARE(r.nodeId, report.nodeId);
        QCOMPARE(r.url, report.url);
        QCOMPARE(r.maxConnection, 15);
        QCOMPARE(r.sessions, 3);
        QCOMPARE(r.messagesIn, 7);
        QCOMPARE(r.messagesOut, 11);
        QCOMPARE(r.fullList, true);
        QCOMPARE(r.users.size(), 2);
        QCOMPARE(r.users.at(0).user, u"exo1"_s);
        QCOMPARE(r.users.at(0).sessions, 2);
        QCOMPARE(r.users.at(0).opened, true);
        QCOMPARE(r.users.at(0).transport, u"websocket"_s);
        QCOMPARE(r.users.at(0).connectedSince, since);
        QCOMPARE(r.users.at(1).user, u"exo \u00e9"_s);
        QCOMPARE(r.users.at(1).sessions, 0);
        QVERIFY(!r.users.at(1).connectedSince.isValid());
        QCOMPARE(r.channels, report.channels);
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("body");
        const QByteArray head = "\"nodeId\":\"1\",\"url\":\"http://127.0.0.1:1\",\"maxConnection\":5";
        QTest::addRow("not JSON") << QByteArray("{");
        QTest::addRow("an array") << QByteArray("[]");
        QTest::addRow("no nodeId") << QByteArray("{\"url\":\"http://127.0.0.1:1\",\"maxConnection\":5}");
        QTest::addRow("nodeId a number") << QByteArray("{\"nodeId\":1,\"url\":\"http://127.0.0.1:1\"}");
        QTest::addRow("maxConnection a string")
            << QByteArray("{\"nodeId\":\"1\",\"url\":\"u\",\"maxConnection\":\"5\"}");
        QTest::addRow("negative sessions") << "{" + head + ",\"sessions\":-1}";
        QTest::addRow("fractional messagesOut") << "{" + head + ",\"messagesOut\":1.5}";
        QTest::addRow("fullList a string") << "{" + head + ",\"fullList\":\"yes\"}";
        QTest::addRow("users an object") << "{" + head + ",\"users\":{}}";
        QTest::addRow("user entry a string") << "{" + head + ",\"users\":[\"exo1\"]}";
        QTest::addRow("user without name") << "{" + head + ",\"users\":[{\"sessions\":1}]}";
        QTest::addRow("opened a number") << "{" + head + ",\"users\":[{\"user\":\"a\",\"opened\":1}]}";
        QTest::addRow("bad connectedSince")
            << "{" + head + ",\"users\":[{\"user\":\"a\",\"connectedSince\":\"soon\"}]}";
    }

    void rejects()
    {
        QFETCH(QByteArray, body);
        const auto decoded = Cluster::decodeReport(body);
        QVERIFY(std::holds_alternative<Cluster::ReportError>(decoded));
        QVERIFY(!std::get<Cluster::ReportError>(decoded).message.isEmpty());
    }

    void answer()
    {
        QCOMPARE(Cluster::decodeReportAnswer(Cluster::encodeReportAnswer(true)), std::optional<bool>(true));
        QCOMPARE(Cluster::decodeReportAnswer(Cluster::encodeReportAnswer(false)), std::optional<bool>(false));
        QCOMPARE(Cluster::decodeReportAnswer("{}"), std::nullopt);
        QCOMPARE(Cluster::decodeReportAnswer("oops"), std::nullopt);
    }

    void replayGuard()
    {
        const auto signedRequest = [](qint64 timestamp, const QByteArray &signature) {
            Http::Request r;
            r.headers = { { QByteArrayLiteral("X-Cometd-Timestamp"), QByteArray::number(timestamp) },
                { QByteArrayLiteral("X-Cometd-Signature"), signature } };
            return r;
        };
        Cluster::ReplayGuard guard;
        QVERIFY(guard.accept(u"1"_s, signedRequest(1000, "aa")));
        QVERIFY(!guard.accept(u"1"_s, signedRequest(1000, "aa"))); // the same report again
        QVERIFY(guard.accept(u"1"_s, signedRequest(1000, "bb"))); // another report within the same ms
        QVERIFY(!guard.accept(u"1"_s, signedRequest(999, "cc"))); // older than the latest
        QVERIFY(guard.accept(u"2"_s, signedRequest(999, "cc"))); // per node
        QVERIFY(guard.accept(u"1"_s, Http::Request {})); // unsigned: loopback without a secret
    }

    void signatureCoversTimestampAndBody()
    {
        const QByteArray sig = Cluster::reportSignature("s3cret", "1700000000000", "{\"nodeId\":\"1\"}");
        const QByteArray expected = QMessageAuthenticationCode::hash(
            QByteArrayLiteral("1700000000000\n{\"nodeId\":\"1\"}"), "s3cret", QCryptographicHash::Sha256)
                                        .toHex();
        QCOMPARE(sig, expected);
        QCOMPARE(sig.size(), 64);
        QVERIFY(Cluster::reportSignature("s3cret", "1700000000001", "{\"nodeId\":\"1\"}") != sig);
        QVERIFY(Cluster::reportSignature("s3cret", "1700000000000", "{\"nodeId\":\"2\"}") != sig);
        QVERIFY(Cluster::reportSignature("other", "1700000000000", "{\"nodeId\":\"1\"}") != sig);
    }
};

QTEST_GUILESS_MAIN(tst_ReportCodec)
#include "tst_reportcodec.moc"
