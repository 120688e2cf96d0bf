// HttpConnection against a scripted server: the body framings, the errors, keep-alive and queueing.
#include "httpconnection.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

using namespace Cometd;
using namespace std::chrono_literals;

namespace {

// Answers the n-th request it reads with script[n] (nothing for an empty entry), optionally one byte
// per event-loop turn, optionally closing after it.
class ScriptedServer final : public QObject
{
public:
    QTcpServer server;
    QList<QByteArray> script;
    bool closeAfter = false;
    bool dribble = false;
    int connections = 0;
    int requests = 0;
    QList<QByteArray> received;

    ScriptedServer()
    {
        connect(&server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = server.nextPendingConnection()) {
                ++connections;
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { read(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
    quint16 listen() { return server.listen(QHostAddress::LocalHost, 0) ? server.serverPort() : 0; }

private:
    void read(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        for (;;) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0) return;
            qsizetype length = 0;
            for (const QByteArray &line : buffer.left(end).split('\n')) {
                if (line.toLower().startsWith("content-length:")) length = line.mid(15).trimmed().toLongLong();
            }
            if (buffer.size() < end + 4 + length) return;
            received.append(buffer.left(end + 4 + length));
            buffer.remove(0, end + 4 + length);
            answer(socket, script.value(requests++));
        }
    }
    void answer(QTcpSocket *socket, const QByteArray &response)
    {
        if (response.isEmpty()) return;
        if (!dribble) {
            socket->write(response);
            if (closeAfter) socket->disconnectFromHost();
            return;
        }
        auto *timer = new QTimer(socket);
        auto rest = std::make_shared<QByteArray>(response);
        connect(timer, &QTimer::timeout, socket, [this, socket, timer, rest] {
            socket->write(rest->left(1));
            socket->flush();
            rest->remove(0, 1);
            if (rest->isEmpty()) {
                timer->stop();
                if (closeAfter) socket->disconnectFromHost();
            }
        });
        timer->start(0);
    }
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

struct Result
{
    bool done = false;
    HttpResponse response;
};

HttpRequest get(quint16 port, const QString &path = QStringLiteral("/x"))
{
    HttpRequest request;
    request.url = QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path));
    return request;
}

} // namespace

class tst_HttpConnection : public QObject
{
    Q_OBJECT

private slots:
    void framing_data()
    {
        QTest::addColumn<QByteArray>("response");
        QTest::addColumn<bool>("closeAfter");
        QTest::addColumn<bool>("dribble");
        QTest::addColumn<int>("error");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");

        const int none = int(HttpResponse::Error::None);
        const QByteArray chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                   "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n";
        for (bool dribble : { false, true }) {
            const char *how = dribble ? ", a byte at a time" : "";
            QTest::addRow("content-length%s", how) << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
                                                   << false << dribble << none << 200 << QByteArray("hello");
            QTest::addRow("chunked%s", how) << chunked << false << dribble << none << 200 << QByteArray("hello world");
            QTest::addRow("chunked with trailers%s", how)
                << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n")
                << false << dribble << none << 200 << QByteArray("abc");
            QTest::addRow("until close%s", how) << QByteArray("HTTP/1.0 200 OK\r\n\r\nuntil the end") << true << dribble
                                                << none << 200 << QByteArray("until the end");
        }
        QTest::addRow("100 continue, then the answer")
            << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n") << false
            << false << none << 404 << QByteArray();
        QTest::addRow("204 without a body")
            << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << false << false << none << 204 << QByteArray();
        QTest::addRow("closed mid-body") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc") << true
                                         << false << int(HttpResponse::Error::Closed) << 0 << QByteArray();
        QTest::addRow("malformed status line") << QByteArray("SMTP ready\r\n\r\n") << false << false
                                               << int(HttpResponse::Error::Malformed) << 0 << QByteArray();
        QTest::addRow("over the size limit") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n") << false
                                             << false << int(HttpResponse::Error::TooLarge) << 0 << QByteArray();
        QTest::addRow("chunks over the size limit")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n") << false << false
            << int(HttpResponse::Error::TooLarge) << 0 << QByteArray();
        QTest::addRow("no answer: timeout")
            << QByteArray() << false << false << int(HttpResponse::Error::Timeout) << 0 << QByteArray();
    }
    void framing()
    {
        QFETCH(QByteArray, response);
        QFETCH(bool, closeAfter);
        QFETCH(bool, dribble);
        QFETCH(int, error);
        QFETCH(int, status);
        QFETCH(QByteArray, body);

        ScriptedServer server;
        server.script = { response };
        server.closeAfter = closeAfter;
        server.dribble = dribble;
        const quint16 port = server.listen();
        QVERIFY(port);

        HttpConnection connection;
        connection.setMaxResponseBytes(32);
        Result result;
        connection.request(get(port), 500ms, [&](const HttpResponse &r) {
            QVERIFY(!result.done); // once
            result = { true, r };
        });
        QTRY_VERIFY_WITH_TIMEOUT(result.done, 10000);
        QCOMPARE(int(result.response.error), error);
        QCOMPARE(result.response.status, status);
        QCOMPARE(result.response.body, body);
        QCOMPARE(result.response.ok(), error == int(HttpResponse::Error::None));
        if (!result.response.ok()) QVERIFY(!result.response.errorString.isEmpty());
        QVERIFY(!connection.isBusy());
        QVERIFY(server.received.value(0).startsWith("GET /x HTTP/1.1\r\nHost: 127.0.0.1:"));
    }

    void refused()
    {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        HttpConnection connection;
        Result result;
        connection.request(get(port), 5000ms, [&](const HttpResponse &r) { result = { true, r }; });
        QTRY_VERIFY_WITH_TIMEOUT(result.done, 10000);
        QCOMPARE(result.response.error, HttpResponse::Error::Refused);
    }

    void keepAliveAndQueue()
    {
        ScriptedServer server;
        const QByteArray ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
        server.script = { ok + "r1", ok + "r2", ok + "r3" };
        const quint16 port = server.listen();
        QVERIFY(port);

        HttpConnection connection;
        QList<QByteArray> bodies;
        HttpRequest post = get(port, QStringLiteral("/post"));
        post.method = "POST";
        post.body = "{}";
        post.headers.append(QPair<QByteArray, QByteArray>("Content-Type", "application/json"));
        connection.request(post, 5000ms, [&](const HttpResponse &r) { bodies.append(r.body); });
        connection.request(get(port), 5000ms, [&](const HttpResponse &r) {
            bodies.append(r.body);
            // A request from inside a handler goes out after it, on the same connection.
            connection.request(get(port), 5000ms, [&](const HttpResponse &r3) { bodies.append(r3.body); });
        });
        QTRY_COMPARE_WITH_TIMEOUT(bodies.size(), 3, 10000);
        QCOMPARE(bodies, (QList<QByteArray> { "r1", "r2", "r3" }));
        QCOMPARE(server.connections, 1);
        QVERIFY(server.received.value(0).contains("Content-Length: 2\r\n"));
        QVERIFY(server.received.value(0).endsWith("\r\n\r\n{}"));
    }

    void closedKeepAliveIsReopened()
    {
        ScriptedServer server;
        // Keep-alive by the headers, yet the server closes after each answer.
        server.script
            = { "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb" };
        server.closeAfter = true;
        const quint16 port = server.listen();
        QVERIFY(port);

        HttpConnection connection;
        Result first;
        connection.request(get(port), 5000ms, [&](const HttpResponse &r) { first = { true, r }; });
        QTRY_VERIFY_WITH_TIMEOUT(first.done, 10000);
        QCOMPARE(first.response.body, QByteArray("a"));
        Result second;
        connection.request(get(port), 5000ms, [&](const HttpResponse &r) { second = { true, r }; });
        QTRY_VERIFY_WITH_TIMEOUT(second.done, 10000);
        QVERIFY2(second.response.ok(), qPrintable(second.response.errorString));
        QCOMPARE(second.response.body, QByteArray("b"));
        QCOMPARE(server.connections, 2);
    }

    void abortIsSilent()
    {
        ScriptedServer server;
        server.script = { QByteArray() }; // never answers
        const quint16 port = server.listen();
        QVERIFY(port);
        HttpConnection connection;
        int calls = 0;
        connection.request(get(port), 300ms, [&](const HttpResponse &) { ++calls; });
        connection.request(get(port), 300ms, [&](const HttpResponse &) { ++calls; });
        QTRY_COMPARE_WITH_TIMEOUT(server.requests, 1, 10000);
        connection.abort();
        QVERIFY(!connection.isBusy());
        QVERIFY(!connection.isOpen());
        // A request that times out later than the dropped ones would have: still no call for those.
        HttpConnection other;
        Result later;
        other.request(get(port), 600ms, [&](const HttpResponse &r) { later = { true, r }; });
        QTRY_VERIFY_WITH_TIMEOUT(later.done, 10000);
        QCOMPARE(later.response.error, HttpResponse::Error::Timeout);
        QCOMPARE(calls, 0);
    }
};

QTEST_GUILESS_MAIN(tst_HttpConnection)
#include "tst_httpconnection.moc"
