// The QtHttpServer 6.4.2 traps (../shared/notes/qthttpserver-6.4.md), each closed by Http::Frontend.
#include "eventdispatcher.h"
#include "httpfrontend.h"
#include "websocket.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

#include <sys/resource.h>

#include <memory>
#include <optional>
#include <vector>

using namespace Http;

namespace {

// A raw HTTP client: what it sent is exactly what the test wrote.
struct RawClient
{
    QTcpSocket socket;
    QByteArray received;
    bool closed = false;

    explicit RawClient(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [this] { received += socket.readAll(); });
        QObject::connect(&socket, &QTcpSocket::disconnected, &socket, [this] { closed = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    bool connected() { return socket.state() == QAbstractSocket::ConnectedState; }
    void send(const QByteArray &bytes) { socket.write(bytes); }
    int responses() const { return int(received.count("HTTP/1.1 ")); }
};

} // namespace

class tst_HttpFrontend : public QObject
{
    Q_OBJECT

    std::unique_ptr<Frontend> m_frontend;
    quint16 m_port = 0;
    std::vector<Responder> m_held; // responders the "hold" path keeps
    int m_goneCalls = 0;

    // Larger than a loopback socket's send buffer, and different at every offset.
    static QByteArray bigAnswer()
    {
        QByteArray bytes;
        for (int i = 0; bytes.size() < 8 * 1024 * 1024; ++i)
            bytes += QByteArray::number(i) + ' ';
        return bytes;
    }

    void startServer(Limits limits = {})
    {
        m_held.clear();
        m_goneCalls = 0;
        m_frontend = std::make_unique<Frontend>(limits);
        m_frontend->setRequestHandler([this](Request &&request, Responder &&responder) {
            const QString path = request.path();
            if (path == u"/hold") {
                responder.whenGone(m_frontend.get(), [this] { ++m_goneCalls; });
                m_held.push_back(std::move(responder));
            } else if (path == u"/drop") {
                // a responder destroyed unanswered
            } else if (path == u"/big") {
                responder.respond(Response::text(bigAnswer()));
            } else {
                responder.respond(Response::text("echo:" + request.body));
            }
        });
        m_frontend->setUpgradeCheck([](const Request &request) {
            if (request.path() == u"/ws") return 0;
            return request.path() == u"/private" ? 401 : 404;
        });
        m_port = m_frontend->start(QHostAddress::LocalHost, 0);
        QVERIFY(m_port != 0);
    }

private slots:
    void cleanup()
    {
        m_held.clear();
        m_frontend.reset();
    }

    void answersAndKeepsAlive()
    {
        startServer();
        RawClient c(m_port);
        c.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi");
        QTRY_COMPARE(c.responses(), 1);
        QVERIFY(c.received.endsWith("echo:hi"));
        c.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nbye");
        QTRY_COMPARE(c.responses(), 2);
        QVERIFY(!c.closed);
    }

    void heldResponderSurvivesClientLeaving()
    {
        startServer();
        {
            RawClient c(m_port);
            c.send("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n");
            QTRY_COMPARE(m_held.size(), size_t(1));
            QVERIFY(m_held.front().isConnected());
            c.socket.abort();
        }
        QTRY_COMPARE(m_goneCalls, 1);
        QTRY_VERIFY(!m_held.front().isConnected());
        m_held.front().respond(Response::text("late")); // must not touch the freed socket
        QVERIFY(m_held.front().isAnswered());
        QTRY_COMPARE(m_frontend->connectionCount(), 0);
    }

    void heldResponderAnsweredLater()
    {
        startServer();
        RawClient c(m_port);
        c.send("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n");
        QTRY_COMPARE(m_held.size(), size_t(1));
        QCOMPARE(c.responses(), 0);
        m_held.front().respond(Response::text("done"));
        QTRY_COMPARE(c.responses(), 1);
        QVERIFY(c.received.endsWith("done"));
        QCOMPARE(m_goneCalls, 0);
    }

    void secondRequestBehindHeldOneClosesConnection()
    {
        startServer();
        RawClient c(m_port);
        c.send("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n");
        QTRY_COMPARE(m_held.size(), size_t(1));
        c.send("GET /other HTTP/1.1\r\nHost: a\r\n\r\n");
        QTRY_VERIFY(c.closed);
        QCOMPARE(c.responses(), 0); // never an answer out of order
        QTRY_COMPARE(m_goneCalls, 1);
    }

    void droppedResponderAnswers500()
    {
        startServer();
        RawClient c(m_port);
        c.send("GET /drop HTTP/1.1\r\nHost: a\r\n\r\n");
        QTRY_COMPARE(c.responses(), 1);
        QVERIFY(c.received.startsWith("HTTP/1.1 500"));
    }

    void connectionCap()
    {
        Limits limits;
        limits.maxConnections = 2;
        startServer(limits);
        RawClient a(m_port), b(m_port);
        QTRY_COMPARE(m_frontend->connectionCount(), 2);
        RawClient third(m_port);
        QTRY_VERIFY(third.closed);
        QVERIFY(third.received.startsWith("HTTP/1.1 503"));
        QCOMPARE(m_frontend->connectionCount(), 2);
        a.socket.abort();
        QTRY_COMPARE(m_frontend->connectionCount(), 1);
        RawClient fourth(m_port);
        fourth.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nz");
        QTRY_COMPARE(fourth.responses(), 1);
        QVERIFY(fourth.received.startsWith("HTTP/1.1 200"));
    }

    void requestSizeLimit_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addRow("declared body over the limit")
            << QByteArray("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\nabc");
        QTest::addRow("endless header") << QByteArray("GET /x HTTP/1.1\r\nX-Big: " + QByteArray(5000, 'a'));
        QTest::addRow("body over the limit")
            << QByteArray("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n" + QByteArray(5000, 'b'));
    }

    void requestSizeLimit()
    {
        QFETCH(QByteArray, request);
        Limits limits;
        limits.maxRequestBytes = 1024;
        startServer(limits);
        RawClient c(m_port);
        c.send(request);
        QTRY_VERIFY(c.closed);
        QVERIFY2(c.received.startsWith("HTTP/1.1 413"), c.received.constData());
    }

    void bodyInPiecesOverTheLimit_data()
    {
        QTest::addColumn<QList<QByteArray>>("pieces");
        const QByteArray kib(1024, 'x');
        QList<QByteArray> chunked { "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" };
        for (int i = 0; i < 80; ++i)
            chunked.append("400\r\n" + kib + "\r\n");
        QTest::addRow("chunked") << chunked;
        // The head itself arrives in two pieces, then a body over the limit.
        QList<QByteArray> split { "POST /x HTTP/1.1\r\nHo", "st: a\r\nContent-Length: 300000\r\n", "\r\n" };
        for (int i = 0; i < 80; ++i)
            split.append(kib);
        QTest::addRow("head in pieces, declared length over") << split;
        QList<QByteArray> headerByHeader { "POST /x HTTP/1.1\r\n" };
        for (int i = 0; i < 80; ++i)
            headerByHeader.append("X-" + QByteArray::number(i) + ": " + kib + "\r\n");
        QTest::addRow("endless head in pieces") << headerByHeader;
    }

    // A request over the limit gets 413 as soon as the limit is passed, however its bytes arrive:
    // never the header timeout's 408 (the limit used to be checked against each read alone).
    void bodyInPiecesOverTheLimit()
    {
        QFETCH(QList<QByteArray>, pieces);
        Limits limits;
        limits.maxRequestBytes = 64 * 1024;
        limits.headerTimeoutMs = 60000;
        startServer(limits);
        RawClient c(m_port);
        QTRY_VERIFY(c.connected());
        for (const QByteArray &piece : std::as_const(pieces)) {
            if (c.closed) break;
            c.send(piece);
            c.socket.flush();
            // Let the server read this piece on its own (it runs in this event loop).
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        }
        QTRY_VERIFY_WITH_TIMEOUT(c.closed, 10000);
        QVERIFY2(c.received.startsWith("HTTP/1.1 413"), c.received.left(200).constData());
    }

    void malformedHeadsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addRow("negative content length") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: -5\r\n\r\n") << 400;
        QTest::addRow("length and chunked")
            << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n") << 400;
        QTest::addRow("two lengths") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")
                                     << 400;
        QTest::addRow("gzip coding") << QByteArray("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n") << 501;
        QTest::addRow("not a path") << QByteArray("GET x HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n")
                                    << 400;
        QTest::addRow("path not UTF-8") << QByteArray("GET /rest/gettoken/%C3%28/ HTTP/1.1\r\n\r\n") << 400;
        QTest::addRow("overlong UTF-8 in path") << QByteArray("GET /a/%C0%AF HTTP/1.1\r\n\r\n") << 400;
    }

    void malformedHeadsAreRefused()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        startServer();
        RawClient c(m_port);
        c.send(request);
        QTRY_VERIFY(c.closed);
        QVERIFY2(c.received.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status))), c.received.constData());
    }

    // A client that keeps sending requests without reading the answers is dropped once more than
    // the outgoing budget waits for it, instead of its answers piling up in the server.
    // An answer is sent straight to the kernel while nothing waits in Qt; what the kernel does not
    // take goes through Qt after it, and a second answer queues behind both, in order.
    void bigAnswerArrivesWholeAndInOrder()
    {
        Limits limits;
        limits.maxOutgoingBytes = 32 * 1024 * 1024; // the request behind is not a slow consumer's
        startServer(limits);
        RawClient client(m_port);
        QTRY_VERIFY(client.connected());
        client.send("GET /big HTTP/1.1\r\n\r\nPOST /x HTTP/1.1\r\nContent-Length: 4\r\n\r\ntail");
        QTRY_VERIFY_WITH_TIMEOUT(client.received.endsWith("echo:tail"), 20000);
        const QByteArray big = bigAnswer();
        const qsizetype bodyStart = client.received.indexOf("\r\n\r\n") + 4;
        QVERIFY(bodyStart > 4);
        QCOMPARE(client.received.mid(bodyStart, big.size()), big);
        QCOMPARE(client.responses(), 2);
    }

    void slowConsumerIsDropped()
    {
        Limits limits;
        limits.maxOutgoingBytes = 64 * 1024;
        startServer(limits);
        QTcpSocket client;
        client.setReadBufferSize(1); // takes (almost) nothing: the kernel buffers fill, then ours
        client.connectToHost(QHostAddress::LocalHost, m_port);
        QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
        const QByteArray body(16 * 1024, 'b');
        const QByteArray request = "POST /x HTTP/1.1\r\nContent-Length: 16384\r\n\r\n" + body;
        // Each answer echoes 16 KiB; a few hundred of them fill any socket buffer.
        for (int i = 0; i < 2000 && client.state() == QAbstractSocket::ConnectedState; ++i) {
            client.write(request);
            client.flush();
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_frontend->connectionCount(), 0, 10000);
    }

    void headerTimeout()
    {
        Limits limits;
        limits.headerTimeoutMs = 200;
        startServer(limits);
        RawClient c(m_port);
        c.send("GET /x HTTP/1.1\r\nHost: a\r\n"); // never finished
        QTRY_VERIFY_WITH_TIMEOUT(c.closed, 5000);
        QVERIFY(c.received.startsWith("HTTP/1.1 408"));
    }

    // Between requests of a keep-alive connection the idle clock runs.
    void idleTimeout()
    {
        Limits limits;
        limits.idleTimeoutMs = 200;
        startServer(limits);
        RawClient c(m_port);
        c.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi");
        QTRY_COMPARE(c.responses(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(c.closed, 5000);
        QCOMPARE(c.responses(), 1);
    }

    // A connection that sends nothing at all holds its slot for the header timeout, not for the
    // (much longer) idle timeout: the request clock starts at accept.
    void silentConnectionGoesAtHeaderTimeout()
    {
        Limits limits;
        limits.headerTimeoutMs = 300;
        limits.idleTimeoutMs = 600000;
        startServer(limits);
        RawClient c(m_port);
        QTRY_COMPARE(m_frontend->connectionCount(), 1);
        QElapsedTimer waited;
        waited.start();
        QTRY_VERIFY_WITH_TIMEOUT(c.closed, 5000);
        QVERIFY(waited.elapsed() < 5000);
        QCOMPARE(c.responses(), 0);
        QTRY_COMPARE(m_frontend->connectionCount(), 0);
    }

    void heldRequestIsNotIdle()
    {
        Limits limits;
        limits.idleTimeoutMs = 200;
        startServer(limits);
        RawClient c(m_port);
        c.send("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n");
        QTRY_COMPARE(m_held.size(), size_t(1));
        // Two sweeps later the connection is still open because it holds a request.
        QSignalSpy never(&c.socket, &QTcpSocket::disconnected);
        QVERIFY(!never.wait(2500));
        QVERIFY(m_held.front().isConnected());
    }

    void headHasNoBody()
    {
        startServer();
        RawClient c(m_port);
        c.send("HEAD /x HTTP/1.1\r\nHost: a\r\n\r\n");
        QTRY_COMPARE(c.responses(), 1);
        QVERIFY(c.received.contains("Content-Length: 5\r\n"));
        QVERIFY(c.received.endsWith("\r\n\r\n"));
    }

    void connectionCloseIsHonoured()
    {
        startServer();
        RawClient c(m_port);
        c.send("POST /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: 1\r\n\r\nq");
        QTRY_VERIFY(c.closed);
        QCOMPARE(c.responses(), 1);
        QVERIFY(c.received.contains("Connection: close"));
        QVERIFY(c.received.endsWith("echo:q"));
    }

    void webSocketUpgrade()
    {
        Limits limits;
        limits.maxWebSocketMessageBytes = 1000;
        startServer(limits);
        std::unique_ptr<WebSocket> serverSide;
        connect(m_frontend.get(), &Frontend::webSocketConnected, this, [&](WebSocket *ws) {
            serverSide.reset(ws);
            connect(ws, &WebSocket::textReceived, ws, [ws](const QByteArray &m) { ws->sendText(m); });
        });
        QWebSocket client;
        QSignalSpy echoed(&client, &QWebSocket::textMessageReceived);
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_port)));
        QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
        QTRY_VERIFY(serverSide);
        client.sendTextMessage(QStringLiteral("ping"));
        QTRY_COMPARE(echoed.size(), 1);
        QCOMPARE(echoed.first().first().toString(), QStringLiteral("ping"));

        // Over the message limit: the server closes instead of buffering it.
        QSignalSpy closed(&client, &QWebSocket::disconnected);
        client.sendTextMessage(QString(5000, u'x'));
        QVERIFY(closed.wait(5000));
        QCOMPARE(echoed.size(), 1);
    }

    // The adopter lets the upgrade request go; the socket still works, and its protocol errors
    // still name the peer.
    void releasedRequestKeepsThePeerForLogs()
    {
        Limits limits;
        limits.maxWebSocketMessageBytes = 1000;
        startServer(limits);
        std::unique_ptr<WebSocket> serverSide;
        QString pathBefore;
        bool emptyAfter = false;
        connect(m_frontend.get(), &Frontend::webSocketConnected, this, [&](WebSocket *ws) {
            pathBefore = ws->request().path();
            ws->releaseRequest();
            emptyAfter = ws->request().pathSegments.isEmpty() && ws->request().headers.isEmpty();
            serverSide.reset(ws);
            connect(ws, &WebSocket::textReceived, ws, [ws](const QByteArray &m) { ws->sendText(m); });
        });
        static QStringList logged;
        logged.clear();
        const QtMessageHandler previous
            = qInstallMessageHandler([](QtMsgType, const QMessageLogContext &context, const QString &message) {
                  if (QByteArrayView(context.category) == "cometd.http") logged.append(message);
              });
        QWebSocket client;
        QSignalSpy echoed(&client, &QWebSocket::textMessageReceived);
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_port)));
        QTRY_VERIFY(serverSide);
        QCOMPARE(pathBefore, QStringLiteral("/ws"));
        QVERIFY(emptyAfter);
        client.sendTextMessage(QStringLiteral("still here"));
        QTRY_COMPARE(echoed.size(), 1);
        QSignalSpy closed(&client, &QWebSocket::disconnected);
        client.sendTextMessage(QString(5000, u'x')); // over the limit: a protocol error
        const bool wasClosed = closed.wait(5000);
        qInstallMessageHandler(previous);
        QVERIFY(wasClosed);
        QVERIFY2(logged.filter(QStringLiteral("WebSocket from 127.0.0.1 closed")).size() == 1,
            qPrintable(logged.join(u'\n')));
    }

    void closedWebSocketsFreeTheirSockets_data()
    {
        QTest::addColumn<bool>("serverCloses");
        QTest::addRow("client closes") << false;
        QTest::addRow("server closes") << true;
    }

    // Whichever side closes, both ends see the close and the connection leaves the count once the
    // owner deletes its WebSocket.
    void closedWebSocketsFreeTheirSockets()
    {
        QFETCH(bool, serverCloses);
        startServer();
        std::vector<std::unique_ptr<WebSocket>> serverSides;
        int serverDisconnects = 0;
        connect(m_frontend.get(), &Frontend::webSocketConnected, this, [&](WebSocket *ws) {
            serverSides.emplace_back(ws);
            connect(ws, &WebSocket::disconnected, this, [&] { ++serverDisconnects; });
        });
        std::vector<std::unique_ptr<QWebSocket>> clients;
        for (int i = 0; i < 3; ++i) {
            clients.push_back(std::make_unique<QWebSocket>());
            clients.back()->open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_port)));
        }
        QTRY_COMPARE(serverSides.size(), size_t(3));
        // The HTTP sockets are gone once taken over; the WebSockets still count against the cap.
        QTRY_COMPARE(m_frontend->connectionCount(), 3);
        for (int i = 0; i < 3; ++i) {
            if (serverCloses)
                serverSides.at(i)->close();
            else
                clients.at(i)->close();
        }
        QTRY_COMPARE(serverDisconnects, 3);
        for (const auto &client : clients)
            QTRY_COMPARE(client->state(), QAbstractSocket::UnconnectedState);
        serverSides.clear();
        QCOMPARE(m_frontend->connectionCount(), 0);
    }

    // What waits for a client that does not read goes out once it reads again (the write
    // notifier path), and the bytes the server holds are counted until then.
    void webSocketBacklogDrains()
    {
        startServer();
        std::unique_ptr<WebSocket> serverSide;
        int drainedSignals = 0;
        connect(m_frontend.get(), &Frontend::webSocketConnected, this, [&](WebSocket *ws) {
            serverSide.reset(ws);
            connect(ws, &WebSocket::bytesWritten, this, [&] { ++drainedSignals; });
        });
        QWebSocket client;
        qint64 received = 0;
        connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &m) { received += m.size(); });
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_port)));
        QTRY_VERIFY(serverSide);
        QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
        const QByteArray chunk(60000, 'z');
        for (int i = 0; i < 500; ++i) // 30 MB: more than the kernel buffers hold
            serverSide->sendText(chunk);
        QVERIFY(serverSide->bytesToWrite() > 0);
        QTRY_COMPARE_WITH_TIMEOUT(received, qint64(500) * 60000, 30000);
        QTRY_COMPARE(serverSide->bytesToWrite(), qint64(0));
        QVERIFY(drainedSignals > 1);
    }

    // A flood of refused requests writes a few lines and a count, not a line each.
    void refusalsAreLoggedSparingly()
    {
        startServer();
        static int lines = 0;
        lines = 0;
        const QtMessageHandler previous
            = qInstallMessageHandler([](QtMsgType, const QMessageLogContext &context, const QString &) {
                  if (QByteArrayView(context.category) == "cometd.http") ++lines;
              });
        std::vector<std::unique_ptr<RawClient>> clients;
        for (int i = 0; i < 200; ++i) {
            clients.push_back(std::make_unique<RawClient>(m_port));
            clients.back()->send("POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n");
        }
        QTRY_VERIFY(std::all_of(clients.begin(), clients.end(), [](const auto &c) { return c->closed; }));
        qInstallMessageHandler(previous);
        QVERIFY2(lines > 0 && lines <= 10, qPrintable(QString::number(lines)));
    }

    void webSocketOnOtherPathIs404()
    {
        startServer();
        RawClient c(m_port);
        c.send("GET /elsewhere HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
               "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        QTRY_COMPARE(c.responses(), 1);
        QVERIFY(c.received.startsWith("HTTP/1.1 404"));
    }

    void refusedUpgradeSaysWhy()
    {
        startServer();
        RawClient c(m_port);
        c.send("GET /private HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
               "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        QTRY_COMPARE(c.responses(), 1);
        QVERIFY(c.received.startsWith("HTTP/1.1 401"));
    }

    void fileLimitRaised()
    {
        rlimit limit {};
        QCOMPARE(getrlimit(RLIMIT_NOFILE, &limit), 0);
        const qint64 now = EventLoop::raiseFileLimit();
        QCOMPARE(getrlimit(RLIMIT_NOFILE, &limit), 0);
        QCOMPARE(now, qint64(limit.rlim_cur));
        QCOMPARE(limit.rlim_cur, limit.rlim_max);
    }
};

int main(int argc, char **argv)
{
    EventLoop::installFromEnvironment();
    QCoreApplication app(argc, argv);
    tst_HttpFrontend test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_httpfrontend.moc"
