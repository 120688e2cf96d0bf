// The report's wire form (Wire::Report): what a node sends and what the balancer accepts.
#include "clusterauth.h"
#include "reportcodec.h"

#include <QDateTime>
#include <QMessageAuthenticationCode>
#include <QTest>

#include <limits>

using namespace Qt::StringLiterals;

class tst_ReportCodec : public QObject
{
    Q_OBJECT

private slots:
    // What a node logs when its report or a delivery batch gets no usable answer.
    void failedAnswersInWords_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("networkError");
        QTest::addColumn<QString>("text");
        QTest::addRow("signature") << 401 << QString()
                                   << u"refused: bad signature, or a replay; are the secrets the same? (401)"_s;
        QTest::addRow("size") << 413 << QString() << u"refused: too large (413)"_s;
        QTest::addRow("unknown") << 404 << QString() << u"refused: unknown node or path (404)"_s;
        QTest::addRow("unreadable") << 200 << QString() << u"an answer that could not be read (200)"_s;
        QTest::addRow("server") << 502 << QString() << u"failed: server error (502)"_s;
        QTest::addRow("teapot") << 418 << QString() << u"refused: HTTP error (418)"_s;
        QTest::addRow("no answer") << 0 << u"Connection refused"_s << u"no answer: Connection refused"_s;
        QTest::addRow("no reason") << 0 << QString() << u"no answer: connection lost"_s;
    }
    void failedAnswersInWords()
    {
        QFETCH(int, status);
        QFETCH(QString, networkError);
        QFETCH(QString, text);
        QCOMPARE(Cluster::describeFailedAnswer(status, networkError), text);
    }

    void roundTrip()
    {
        Balancer::NodeReport report;
        report.nodeId = u"2"_s;
        report.url = u"http://127.0.0.1:8082"_s;
        report.maxConnection = 15;
        report.sessions = 3;
        report.messagesIn = 7;
        report.messagesOut = 11;
        report.fullList = Balancer::FullListPage { 4000000000, 3, true };
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
        QCOMPARE(r.fullList, report.fullList);
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

    void fullListForms_data()
    {
        QTest::addColumn<QByteArray>("field");
        QTest::addColumn<std::optional<Balancer::FullListPage>>("page");
        using Page = std::optional<Balancer::FullListPage>;
        QTest::addRow("absent") << QByteArray() << Page();
        QTest::addRow("false") << QByteArray(",\"fullList\":false") << Page();
        QTest::addRow("true, from a node of the previous version: one whole page")
            << QByteArray(",\"fullList\":true") << Page(Balancer::FullListPage { 0, 0, true });
        QTest::addRow("a middle page") << QByteArray(",\"fullList\":{\"epoch\":7,\"page\":2,\"last\":false}")
                                       << Page(Balancer::FullListPage { 7, 2, false });
    }

    void fullListForms()
    {
        QFETCH(QByteArray, field);
        QFETCH(std::optional<Balancer::FullListPage>, page);
        const auto decoded = Cluster::decodeReport(
            "{\"nodeId\":\"1\",\"url\":\"http://127.0.0.1:1\",\"maxConnection\":5" + field + "}");
        QVERIFY(std::holds_alternative<Balancer::NodeReport>(decoded));
        QCOMPARE(std::get<Balancer::NodeReport>(decoded).fullList, page);
    }

    // The reporter sizes its reports with these bounds: they must never be below what is written.
    void sizeBoundsHold()
    {
        Balancer::NodeReport report;
        report.nodeId = u"node-\"\\-\u00e9"_s;
        report.url = u"http://127.0.0.1:65535"_s;
        report.maxConnection = std::numeric_limits<int>::max();
        report.sessions = report.messagesIn = report.messagesOut = 9'000'000'000'000'000;
        report.fullList = Balancer::FullListPage { 9'000'000'000'000'000, std::numeric_limits<int>::max(), false };
        qsizetype bound = Cluster::encodedSizeBound(report);
        QVERIFY(Cluster::encodeReport(report).size() <= bound);
        const QDateTime since = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
        const QList<QString> names { u"exo1"_s, u"a\"b\\c"_s, u"\u00e9\u4e2d\U0001F600"_s, QString(256, u'x'),
            u"tab\there"_s };
        for (const QString &name : names) {
            report.users.append({ name, std::numeric_limits<int>::max(), true, u"long-polling"_s, since });
            bound += Cluster::encodedSizeBound(report.users.last());
            report.channels.append({ u"/"_s + QString(1023, u'c'), 9'000'000'000'000'000, 9'000'000'000'000'000 });
            bound += Cluster::encodedSizeBound(report.channels.last());
            QVERIFY2(Cluster::encodeReport(report).size() <= bound, qPrintable(name));
        }
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
        QTest::addRow("fullList without epoch") << "{" + head + ",\"fullList\":{\"page\":0,\"last\":true}}";
        QTest::addRow("fullList page negative")
            << "{" + head + ",\"fullList\":{\"epoch\":1,\"page\":-1,\"last\":true}}";
        QTest::addRow("fullList last a number") << "{" + head + ",\"fullList\":{\"epoch\":1,\"page\":0,\"last\":1}}";
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

    void nonceCache()
    {
        constexpr qint64 Window = Cluster::MaxClockSkewMs;
        constexpr qint64 Wall = 1'700'000'000'000; // the receiver's wall clock at monotonic 0
        Cluster::NonceCache cache;
        QVERIFY(cache.accept("aa", 0, Wall, Wall));
        QVERIFY(!cache.accept("aa", 1, Wall + 1, Wall)); // the same request again
        QVERIFY(cache.accept("bb", 1, Wall + 1, Wall + 1)); // another request within the same ms
        QVERIFY(!cache.accept("aa", Cluster::NonceCache::KeepMs - 1, Wall + Cluster::NonceCache::KeepMs - 1, Wall));
        // Forgotten once its timestamp is refused anyway.
        QVERIFY(cache.accept("aa", Cluster::NonceCache::KeepMs, Wall + Cluster::NonceCache::KeepMs, Wall + 50000));
        QCOMPARE(cache.size(), 2); // "bb" goes with the next call after its time
        QVERIFY(cache.accept("cc", 3 * Window * 2, Wall + 3 * Window * 2, Wall + 3 * Window * 2));
        QCOMPARE(cache.size(), 1); // memory follows the rate, not the uptime
    }

    // The receiver's wall clock steps back a minute: a request captured before the step has an
    // acceptable timestamp again, and its nonce must still be remembered.
    void nonceCacheSurvivesAClockStepBack()
    {
        constexpr qint64 Wall = 1'700'000'000'000;
        Cluster::NonceCache cache;
        QVERIFY(cache.accept("aa", 0, Wall, Wall));
        const qint64 later = 2 * Cluster::NonceCache::KeepMs; // monotonic: long past
        QVERIFY(!cache.accept("aa", later, Wall + 10000, Wall)); // wall: stepped back, 10 s after
        QVERIFY(cache.accept("aa", later + 1, Wall + Cluster::MaxClockSkewMs + 1, Wall + 40000));
    }

    void signedRequestGuard_data()
    {
        QTest::addColumn<qint64>("offsetMs"); // of the sender's clock
        QTest::addColumn<bool>("accepted");
        QTest::addRow("in time") << qint64(0) << true;
        QTest::addRow("20 s ahead") << qint64(20000) << true;
        QTest::addRow("20 s behind") << qint64(-20000) << true;
        QTest::addRow("40 s ahead") << qint64(40000) << false;
        QTest::addRow("40 s behind") << qint64(-40000) << false;
    }

    void signedRequestGuard()
    {
        QFETCH(qint64, offsetMs);
        QFETCH(bool, accepted);
        const QByteArray secret = "s3cret";
        const QByteArray body = "{\"nodeId\":\"1\"}";
        const auto request = [&](qint64 timestamp, const QByteArray &nonce) {
            Http::Request r;
            r.body = body;
            const QByteArray ts = QByteArray::number(timestamp);
            r.headers
                = { { QByteArrayLiteral("X-Cometd-Timestamp"), ts }, { QByteArrayLiteral("X-Cometd-Nonce"), nonce },
                      { QByteArrayLiteral("X-Cometd-Signature"), Cluster::reportSignature(secret, ts, nonce, body) } };
            return r;
        };
        using Verdict = Cluster::SignedRequestGuard::Verdict;
        Cluster::SignedRequestGuard guard(secret);
        const qint64 at = QDateTime::currentMSecsSinceEpoch() + offsetMs;
        const QByteArray nonce(32, 'a');
        QCOMPARE(guard.check(request(at, nonce)), accepted ? Verdict::Accepted : Verdict::BadSignature);
        if (!accepted) return;
        QCOMPARE(guard.check(request(at, nonce)), Verdict::Replayed); // byte for byte again
        // Timestamps going back are fine (a clock step, or the previous one ahead): only nonces count.
        QCOMPARE(guard.check(request(at - 5000, QByteArray(32, 'b'))), Verdict::Accepted);
        QCOMPARE(guard.check(request(at, QByteArray(31, 'c'))), Verdict::BadSignature); // not 128 bits
        QCOMPARE(guard.check(request(at, QByteArray(32, 'C'))), Verdict::BadSignature); // not lowercase hex
        Http::Request tampered = request(at, QByteArray(32, 'd'));
        tampered.headers[1].second = QByteArray(32, 'e'); // a fresh nonce on a captured request
        QCOMPARE(guard.check(tampered), Verdict::BadSignature);
    }

    void headersCarryAFreshNonce()
    {
        const auto headers = Cluster::signatureHeaders("s3cret", "body");
        QCOMPARE(headers.size(), 3);
        const auto again = Cluster::signatureHeaders("s3cret", "body");
        QCOMPARE(headers.at(1).first, QByteArrayLiteral("X-Cometd-Nonce"));
        QCOMPARE(headers.at(1).second.size(), 32);
        QVERIFY(headers.at(1).second != again.at(1).second);
        QVERIFY(Cluster::signatureHeaders({}, "body").isEmpty()); // no secret: unsigned
    }

    void signatureCoversTimestampNonceAndBody()
    {
        const QByteArray nonce = "0123456789abcdef0123456789abcdef";
        const QByteArray sig = Cluster::reportSignature("s3cret", "1700000000000", nonce, "{\"nodeId\":\"1\"}");
        const QByteArray expected = QMessageAuthenticationCode::hash(
            "1700000000000\n" + nonce + "\n{\"nodeId\":\"1\"}", "s3cret", QCryptographicHash::Sha256)
                                        .toHex();
        QCOMPARE(sig, expected);
        QCOMPARE(sig.size(), 64);
        QVERIFY(Cluster::reportSignature("s3cret", "1700000000001", nonce, "{\"nodeId\":\"1\"}") != sig);
        QVERIFY(Cluster::reportSignature("s3cret", "1700000000000", nonce, "{\"nodeId\":\"2\"}") != sig);
        QVERIFY(Cluster::reportSignature("s3cret", "1700000000000", QByteArray(32, 'f'), "{\"nodeId\":\"1\"}") != sig);
        QVERIFY(Cluster::reportSignature("other", "1700000000000", nonce, "{\"nodeId\":\"1\"}") != sig);
    }
};

QTEST_GUILESS_MAIN(tst_ReportCodec)
#include "tst_reportcodec.moc"
