// Clients that misbehave on purpose, against the real cometd-node binary: they must cost the node
// bounded memory and nothing else (../shared/SPEC.md §4).
#include "nodeprocess.h"
#include "processstats.h"
#include "rawhttpclient.h"
#include "rawwebsocket.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QtEndian>

#include <functional>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

const QString kNode = QStringLiteral(COMETD_NODE_BINARY);
const QString kChannel = u"/eXo/cometd/test"_s;

// A node started with a configuration file of the test's, and its resident memory.
struct RunningNode
{
    QTemporaryDir dir;
    NodeProcess node { kNode };
    quint16 port = 0;

    bool start(const QJsonObject &config)
    {
        const QString file = dir.filePath(u"node.json"_s);
        QFile out(file);
        if (!out.open(QIODevice::WriteOnly)) return false;
        out.write(QJsonDocument(config).toJson());
        out.close();
        node.process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        if (!node.start({ u"--config"_s, file, u"--log-level"_s, u"warning"_s })) return false;
        port = node.port;
        return true;
    }

    qint64 rssKiB() const { return residentKiB(node.process.processId()); }
};

bool waitReplies(RawHttpClient &client, qsizetype count, int ms = 15000)
{
    QDeadlineTimer deadline(ms);
    QSignalSpy spy(&client, &RawHttpClient::replied);
    while (client.replies.size() < count && !deadline.hasExpired())
        spy.wait(int(std::max<qint64>(1, deadline.remainingTime())));
    return client.replies.size() >= count;
}

QByteArray compact(const QJsonValue &v)
{
    return v.isArray() ? QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact)
                       : QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact);
}

QByteArray metric(RawHttpClient &http, const QByteArray &name)
{
    const qsizetype before = http.replies.size();
    http.request("GET", "/metrics");
    if (!waitReplies(http, before + 1)) return {};
    for (const QByteArray &line : http.replies.at(before).body.split('\n')) {
        if (line.startsWith(QByteArray(name + ' '))) return line.mid(name.size() + 1);
    }
    return {};
}

// Opens `count` Bayeux sessions over WebSocket, subscribed to kChannel, all at once.
std::vector<std::unique_ptr<RawWebSocket>> openSessions(quint16 port, int count, const QString &prefix)
{
    RawHttpClient http(port);
    for (int i = 0; i < count; ++i)
        http.request("GET", "/rest/gettoken/" + (prefix + QString::number(i)).toUtf8() + '/');
    if (!waitReplies(http, count, 30000)) return {};
    std::vector<std::unique_ptr<RawWebSocket>> sockets;
    for (int i = 0; i < count; ++i) {
        sockets.push_back(std::make_unique<RawWebSocket>());
        sockets.back()->open(port);
    }
    if (!QTest::qWaitFor(
            [&] { return std::all_of(sockets.begin(), sockets.end(), [](auto &s) { return s->isOpen(); }); }, 30000))
        return {};
    for (int i = 0; i < count; ++i) {
        const QJsonObject handshake { { u"channel"_s, u"/meta/handshake"_s }, { u"version"_s, u"1.0"_s },
            { u"supportedConnectionTypes"_s, QJsonArray { u"websocket"_s } },
            { u"exoId"_s, QString(prefix + QString::number(i)) },
            { u"exoToken"_s, QString::fromUtf8(http.replies.at(i).body) } };
        sockets[i]->sendText(compact(QJsonArray { handshake }));
    }
    if (!QTest::qWaitFor(
            [&] { return std::all_of(sockets.begin(), sockets.end(), [](auto &s) { return !s->frames.isEmpty(); }); },
            30000))
        return {};
    QStringList clientIds;
    for (auto &socket : sockets) {
        const QString clientId = socket->lastBatch().at(0).toObject().value(u"clientId"_s).toString();
        if (clientId.isEmpty()) return {};
        clientIds.append(clientId);
        const QJsonArray batch {
            QJsonObject {
                { u"channel"_s, u"/meta/subscribe"_s }, { u"clientId"_s, clientId }, { u"subscription"_s, kChannel } },
            QJsonObject { { u"channel"_s, u"/meta/connect"_s }, { u"clientId"_s, clientId },
                { u"connectionType"_s, u"websocket"_s } },
        };
        socket->sendText(compact(batch));
    }
    if (!QTest::qWaitFor(
            [&] { return std::all_of(sockets.begin(), sockets.end(), [](auto &s) { return s->frames.size() >= 2; }); },
            30000))
        return {};
    // The first connect was answered at once; the next one is held, as a real client's would be.
    for (int i = 0; i < count; ++i) {
        sockets[i]->sendText(compact(QJsonArray { QJsonObject { { u"channel"_s, u"/meta/connect"_s },
            { u"clientId"_s, clientIds.at(i) }, { u"connectionType"_s, u"websocket"_s } } }));
    }
    return sockets;
}

// Runs the event loop until `done` holds or `ms` pass. QTest::qWaitFor sleeps 10 ms between rounds
// of events, which would make the test, not the node, the bottleneck of a throughput run.
bool runUntil(const std::function<bool()> &done, int ms)
{
    QEventLoop loop;
    QTimer check;
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done()) loop.quit();
    });
    check.start(5);
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    if (!done()) loop.exec();
    return done();
}

// Answers every /meta/connect reply with the next /meta/connect, as a real client does.
void keepConnecting(RawWebSocket &socket)
{
    QObject::connect(&socket, &RawWebSocket::frameReceived, &socket, [&socket] {
        for (const QJsonValue &v : socket.lastBatch()) {
            const QJsonObject reply = v.toObject();
            if (reply.value(u"channel"_s).toString() != u"/meta/connect" || !reply.contains(u"successful"_s)) continue;
            socket.sendText(compact(QJsonArray { QJsonObject { { u"channel"_s, u"/meta/connect"_s },
                { u"clientId"_s, reply.value(u"clientId"_s) }, { u"connectionType"_s, u"websocket"_s } } }));
        }
    });
}

} // namespace

class tst_HostileClients : public QObject
{
    Q_OBJECT

private slots:
    // RFC 6455 §5.1: a server closes the connection on an unmasked client frame.
    void unmaskedFrameIsAProtocolError()
    {
        RunningNode node;
        QVERIFY(node.start({}));
        RawWebSocket ws;
        ws.open(node.port);
        QTRY_VERIFY(ws.isOpen());
        ws.sendFrame(0x1, R"([{"channel":"/meta/handshake"}])", false);
        QTRY_VERIFY(ws.isClosed());
        QCOMPARE(ws.frames.size(), 1);
        QCOMPARE(ws.frames.first().opcode, quint8(0x8));
        QCOMPARE(qFromBigEndian<quint16>(ws.frames.first().payload.constData()), quint16(1002));
    }

    // A client that pings without reading gets one pong at a time, not a pile of them.
    void pingFloodFromANonReader()
    {
        RunningNode node;
        QVERIFY(node.start({}));
        RawWebSocket ws;
        ws.open(node.port);
        QTRY_VERIFY(ws.isOpen());
        ws.stopReading();
        const qint64 before = node.rssKiB();
        const QByteArray payload(125, 'p');
        for (int i = 0; i < 100000; ++i)
            ws.sendFrame(0x9, payload);
        // Every ping is out of the client (the node read them all) ...
        QTRY_VERIFY_WITH_TIMEOUT(ws.bytesToWrite() == 0, 60000);
        RawHttpClient http(node.port);
        QVERIFY(!metric(http, "cometd_sessions").isEmpty()); // ... and the node still answers
        const qint64 grown = node.rssKiB() - before;
        qInfo("node RSS grew by %lld KiB for 100,000 pings of 125 bytes (12.7 MB of pongs if all answered)", grown);
        if (memoryBoundsApply()) QVERIFY2(grown < 16 * 1024, qPrintable(u"RSS grew by %1 KiB"_s.arg(grown)));
        QVERIFY(!ws.isClosed());
    }

    // A client that keeps sending without reading the replies is closed as a slow consumer once
    // twice its budget of replies waits, instead of the replies piling up.
    void publishFloodFromANonReader()
    {
        RunningNode node;
        // Only the slow-consumer rule may close it within the test, not the idle timeout.
        QVERIFY(node.start(QJsonObject { { u"limits"_s, QJsonObject { { u"idleTimeout"_s, 600000 } } } }));
        auto sessions = openSessions(node.port, 1, u"flooder"_s);
        QCOMPARE(sessions.size(), size_t(1));
        RawWebSocket &ws = *sessions.front();
        const QString clientId = ws.frames.first().payload.isEmpty()
            ? QString()
            : QJsonDocument::fromJson(ws.frames.first().payload)
                  .array()
                  .at(0)
                  .toObject()
                  .value(u"clientId"_s)
                  .toString();
        QVERIFY(!clientId.isEmpty());
        ws.stopReading();
        const qint64 before = node.rssKiB();
        // Each publish is answered with a reply that repeats its 1,000-byte channel name: 20,000 of
        // them are 20 MB, more than the kernel's buffers and twice the budget.
        const QString channel = u"/flood/"_s + QString(993, u'x');
        const QByteArray publish = compact(
            QJsonArray { QJsonObject { { u"channel"_s, channel }, { u"clientId"_s, clientId }, { u"data"_s, 1 } } });
        for (int i = 0; i < 20000; ++i)
            ws.sendText(publish);
        RawHttpClient http(node.port);
        QTRY_COMPARE_WITH_TIMEOUT(metric(http, "cometd_websocket_connections").toInt(), 0, 120000);
        const qint64 grown = node.rssKiB() - before;
        qInfo("node RSS grew by %lld KiB for 20,000 publishes from a client that does not read", grown);
        if (memoryBoundsApply()) QVERIFY2(grown < 16 * 1024, qPrintable(u"RSS grew by %1 KiB"_s.arg(grown)));
    }

    // 200 WebSocket clients stop reading while 20,000 broadcasts of 1 KiB go out: the node holds at
    // most an outgoing budget plus a bounded queue for each, a client that reads still gets every
    // message, and what the stalled ones miss is dropped oldest first and counted.
    void slowReadersCostBoundedMemory()
    {
        RunningNode node;
        // Connects are held longer than the run, so that the stalled clients stay for all of it.
        QVERIFY(node.start(
            QJsonObject { { u"bayeux"_s, QJsonObject { { u"timeout"_s, 100000 }, { u"maxInterval"_s, 3000 } } },
                { u"limits"_s, QJsonObject { { u"idleTimeout"_s, 150000 } } } }));
        auto slow = openSessions(node.port, 200, u"slow"_s);
        QCOMPARE(slow.size(), size_t(200));
        auto readers = openSessions(node.port, 1, u"reader"_s);
        QCOMPARE(readers.size(), size_t(1));
        RawWebSocket &reader = *readers.front();
        keepConnecting(reader);
        for (auto &s : slow)
            s->stopReading();
        const qint64 baseline = node.rssKiB();

        constexpr int Messages = 20000;
        QElapsedTimer clock;
        clock.start();
        const QString text(1024, u'm');
        std::vector<std::unique_ptr<RawHttpClient>> senders;
        for (int i = 0; i < 4; ++i)
            senders.push_back(std::make_unique<RawHttpClient>(node.port));
        int sent = 0;
        int answered = 0;
        qint64 peak = baseline;
        // Flow control of the test (not of the node): a sender waits while the one reader is more
        // than 1,000 messages behind, so that the reader is never the slow one.
        QList<RawHttpClient *> idle;
        std::function<void(RawHttpClient *)> sendNext = [&](RawHttpClient *client) {
            if (sent >= Messages) return;
            if (sent - reader.textMessages > 1000) {
                idle.append(client);
                return;
            }
            const QJsonObject body { { u"channel"_s, kChannel }, { u"message"_s, text },
                { u"id"_s, QString::number(sent++) } };
            client->postJson("/rest/sendbroadcastmessage/", compact(body));
        };
        connect(&reader, &RawWebSocket::frameReceived, this, [&] {
            for (RawHttpClient *client : std::exchange(idle, {}))
                sendNext(client);
        });
        for (auto &client : senders) {
            RawHttpClient *c = client.get();
            connect(c, &RawHttpClient::replied, c, [&, c] {
                ++answered;
                if (answered % 1000 == 0) peak = std::max(peak, node.rssKiB());
                sendNext(c);
            });
            sendNext(c);
        }
        const bool allAnswered = runUntil([&] { return answered == Messages; }, 120000);
        QVERIFY2(allAnswered,
            qPrintable(u"sent %1, answered %2, reader has %3"_s.arg(sent).arg(answered).arg(reader.textMessages)));
        const bool allRead = runUntil([&] { return reader.textMessages == Messages; }, 60000);
        if (!allRead) {
            QList<int> ids;
            for (const auto &f : reader.frames) {
                for (const QJsonValue &v : QJsonDocument::fromJson(f.payload).array()) {
                    const QString id = v.toObject().value(u"id"_s).toString();
                    if (!id.isEmpty()) ids.append(id.toInt());
                }
            }
            std::sort(ids.begin(), ids.end());
            QString gaps;
            int expect = 0;
            for (int id : ids) {
                if (id > expect) gaps += u"%1-%2 "_s.arg(expect).arg(id - 1);
                expect = id + 1;
            }
            qInfo("missing: %s; elapsed %lld ms", qPrintable(gaps), clock.elapsed());
        }
        QVERIFY(allRead);
        peak = std::max(peak, node.rssKiB());
        for (auto &client : senders) {
            for (const auto &reply : client->replies)
                QCOMPARE(reply.status, 200);
        }
        const qint64 grown = peak - baseline;
        qInfo("node RSS: baseline %lld KiB, peak %lld KiB, grown %lld KiB with 200 stalled readers", baseline, peak,
            grown);
        if (memoryBoundsApply()) QVERIFY2(grown < 64 * 1024, qPrintable(u"RSS grew by %1 KiB"_s.arg(grown)));

        RawHttpClient http(node.port);
        QVERIFY(metric(http, "cometd_dropped_messages_total").toLongLong() > 0);
        // The stalled clients go; their sessions expire and their queues with them.
        slow.clear();
        QTRY_COMPARE_WITH_TIMEOUT(metric(http, "cometd_sessions").toInt(), 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(metric(http, "cometd_queued_messages").toInt(), 0, 10000);
    }
};

QTEST_GUILESS_MAIN(tst_HostileClients)
#include "tst_hostileclients.moc"
