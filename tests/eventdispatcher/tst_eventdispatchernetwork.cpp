// Qt's network stack end to end on the installed dispatcher (COMETD_EVENT_LOOP, epoll by default):
// TCP, WebSocket and HTTP servers and clients in one thread, all on 127.0.0.1.
#include "eventdispatcher.h"

#include <QAbstractEventDispatcher>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

QByteArray randomPayload(qsizetype size)
{
    QByteArray payload(size, Qt::Uninitialized);
    for (char &byte : payload)
        byte = char(QRandomGenerator::global()->bounded(256));
    return payload;
}

} // namespace

class tst_EventDispatcherNetwork final : public QObject
{
    Q_OBJECT

public:
    static void initMain()
    {
        if (!EventLoop::installFromEnvironment()) qFatal("cannot install the event loop COMETD_EVENT_LOOP asks for");
    }

private slots:
    void installedDispatcher();
    void tcpEcho_data();
    void tcpEcho();
    void webSocketEcho_data();
    void webSocketEcho();
    void httpGet_data();
    void httpGet();
};

void tst_EventDispatcherNetwork::installedDispatcher()
{
    const QString requested = qEnvironmentVariable("COMETD_EVENT_LOOP");
    const EventLoop::Kind kind = requested.isEmpty() ? EventLoop::defaultKind()
                                                     : EventLoop::parseKind(requested).value_or(EventLoop::Kind::Qt);
    const QByteArray name = QAbstractEventDispatcher::instance()->metaObject()->className();
    QCOMPARE(name == "EpollEventDispatcher", kind == EventLoop::Kind::Epoll);
}

void tst_EventDispatcherNetwork::tcpEcho_data()
{
    QTest::addColumn<int>("clients");
    QTest::addColumn<int>("payloadSize");
    QTest::addRow("one client, a few bytes") << 1 << 5;
    // Larger than the socket buffers: the write notifiers turn on and off many times.
    QTest::addRow("one client, 4 MiB") << 1 << 4 * 1024 * 1024;
    QTest::addRow("100 clients, 16 KiB each") << 100 << 16 * 1024;
}

void tst_EventDispatcherNetwork::tcpEcho()
{
    QFETCH(int, clients);
    QFETCH(int, payloadSize);
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    connect(&server, &QTcpServer::newConnection, this, [&server] {
        while (QTcpSocket *socket = server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->write(socket->readAll()); });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    });

    struct Client
    {
        std::unique_ptr<QTcpSocket> socket = std::make_unique<QTcpSocket>();
        QByteArray sent;
        QByteArray received;
    };
    std::vector<Client> all(static_cast<std::size_t>(clients));
    int complete = 0;
    for (Client &client : all) {
        client.sent = randomPayload(payloadSize);
        QTcpSocket *socket = client.socket.get();
        connect(socket, &QTcpSocket::connected, socket, [&client] { client.socket->write(client.sent); });
        connect(socket, &QTcpSocket::readyRead, socket, [&client, &complete] {
            client.received += client.socket->readAll();
            if (client.received.size() == client.sent.size()) ++complete;
        });
        socket->connectToHost(QHostAddress::LocalHost, server.serverPort());
    }
    QTRY_COMPARE_WITH_TIMEOUT(complete, clients, 60000);
    for (const Client &client : all)
        QVERIFY(client.received == client.sent);

    // A client closing is noticed by the server side.
    QSignalSpy gone(all.front().socket.get(), &QTcpSocket::disconnected);
    all.front().socket->disconnectFromHost();
    QTRY_VERIFY(!gone.isEmpty());
}

void tst_EventDispatcherNetwork::webSocketEcho_data()
{
    QTest::addColumn<bool>("binary");
    QTest::addColumn<int>("payloadSize");
    QTest::addRow("text") << false << 64;
    QTest::addRow("binary 1 MiB") << true << 1024 * 1024;
}

void tst_EventDispatcherNetwork::webSocketEcho()
{
    QFETCH(bool, binary);
    QFETCH(int, payloadSize);
    QWebSocketServer server(u"echo"_s, QWebSocketServer::NonSecureMode);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QPointer<QWebSocket> serverSide;
    connect(&server, &QWebSocketServer::newConnection, this, [&server, &serverSide] {
        while (QWebSocket *socket = server.nextPendingConnection()) {
            serverSide = socket;
            connect(socket, &QWebSocket::textMessageReceived, socket,
                [socket](const QString &message) { socket->sendTextMessage(message); });
            connect(socket, &QWebSocket::binaryMessageReceived, socket,
                [socket](const QByteArray &message) { socket->sendBinaryMessage(message); });
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        }
    });

    const QByteArray bytes = randomPayload(payloadSize);
    const QString text = QString::fromLatin1(bytes.toHex());
    QWebSocket client;
    QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
    QSignalSpy binaries(&client, &QWebSocket::binaryMessageReceived);
    connect(&client, &QWebSocket::connected, &client, [&] {
        if (binary)
            client.sendBinaryMessage(bytes);
        else
            client.sendTextMessage(text);
    });
    client.open(QUrl(u"ws://127.0.0.1:%1/"_s.arg(server.serverPort())));
    if (binary) {
        QVERIFY(binaries.wait(30000));
        QCOMPARE(binaries.first().first().toByteArray(), bytes);
    } else {
        QVERIFY(texts.wait(30000));
        QCOMPARE(texts.first().first().toString(), text);
    }
    // The client's close handshake reaches the server, which drops its end.
    QVERIFY(serverSide);
    client.close();
    QTRY_VERIFY_WITH_TIMEOUT(serverSide.isNull(), 30000);
}

void tst_EventDispatcherNetwork::httpGet_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addRow("route") << u"/hello"_s << 200 << QByteArray("world");
    QTest::addRow("no route") << u"/missing"_s << 404 << QByteArray();
}

void tst_EventDispatcherNetwork::httpGet()
{
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QHttpServer server;
    server.route(u"/hello"_s, [] { return QHttpServerResponse(QByteArray("world")); });
    const quint16 port = server.listen(QHostAddress::LocalHost, 0);
    QVERIFY(port != 0);

    QNetworkAccessManager manager;
    std::unique_ptr<QNetworkReply> reply(
        manager.get(QNetworkRequest(QUrl(u"http://127.0.0.1:%1%2"_s.arg(port).arg(path)))));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(30000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), status);
    if (status == 200) QCOMPARE(reply->readAll(), body);
}

QTEST_GUILESS_MAIN(tst_EventDispatcherNetwork)
#include "tst_eventdispatchernetwork.moc"
