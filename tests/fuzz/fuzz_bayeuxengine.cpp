// A node's Bayeux engine fed arbitrary batches after a real handshake: it must never crash, answer
// every batch with a JSON array, and answer a long-poll exchange once.
//
// Input: steps separated by a line "--" (see fuzzinput.h). A step is
//   "+N"        advance the engine's clock by N ms and run its deadlines;
//   "close"     every connection goes away;
//   "release"   answer every held /meta/connect (shutdown);
//   "full"      the WebSocket's client stops reading (canWrite() false);
//   "drain"     it caught up (connectionWritable());
//   "ws\n..."   a batch on the session's WebSocket;
//   anything else: a batch on a new long-poll exchange.
// "$CID" in a batch becomes the clientId of the handshake the harness made first, "$NEW" the one of
// the latest successful handshake in the input. A first step "ack" makes the harness's handshake
// ask for the ack extension.
#include "batchparser.h"
#include "bayeuxengine.h"
#include "fuzzinput.h"
#include "wire.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

class FakeConnection final : public Bayeux::Connection
{
public:
    explicit FakeConnection(bool persistent)
        : m_persistent(persistent)
    { }

    void deliver(const QByteArray &jsonArray) override
    {
        Fuzz::check(!closed, "no deliver() after connectionClosed()");
        Fuzz::check(m_persistent || answers == 0, "a long-poll exchange is answered once");
        const QJsonDocument doc = QJsonDocument::fromJson(jsonArray);
        Fuzz::check(doc.isArray(), "every answer is a JSON array");
        for (const QJsonValue &v : doc.array()) {
            const QJsonObject reply = v.toObject();
            if (reply.value(Wire::Field::Channel).toString() == Wire::Channel::Handshake
                && reply.value(Wire::Field::Successful).toBool())
                latestClientId = reply.value(Wire::Field::ClientId).toString().toLatin1();
        }
        ++answers;
        last = jsonArray;
    }
    bool isPersistent() const override { return m_persistent; }
    bool canWrite() const override { return writable; }

    bool writable = true;
    int answers = 0;
    bool closed = false;
    QByteArray last;

    static inline QByteArray latestClientId;

private:
    bool m_persistent;
};

const QByteArray kBrowser = QByteArrayLiteral("browser-1");

Bayeux::RequestInfo infoFor(const FakeConnection &c)
{
    if (c.isPersistent()) return { Wire::Transport::WebSocket, {} };
    return { Wire::Transport::LongPolling, kBrowser };
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    Fuzz::initApplication();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // Small limits, so that inputs reach the queue (count and bytes), session and subscription caps.
    const Bayeux::EngineOptions options { .timeoutMs = 5000,
        .maxIntervalMs = 3000,
        .maxQueue = 8,
        .maxSessions = 16,
        .maxUsers = 4,
        .maxSubscriptions = 8,
        .maxDeliveryBytes = 2048 };

    qint64 now = 1'000'000;
    std::vector<std::unique_ptr<FakeConnection>> connections; // outlive the engine
    auto engine = std::make_unique<Bayeux::BayeuxEngine>(
        options, [](const QString &, const QString &token) { return token != u"bad"_s; });
    engine->setClock([&now] { return now; });

    const auto newConnection = [&connections](bool persistent) {
        connections.push_back(std::make_unique<FakeConnection>(persistent));
        return connections.back().get();
    };
    const auto closeAll = [&] {
        for (const auto &c : connections) {
            if (c->closed) continue;
            engine->connectionClosed(c.get());
            c->closed = true;
        }
    };

    const QList<QByteArray> steps = Fuzz::steps(Fuzz::bytes(data, size));
    FakeConnection::latestClientId.clear(); // every input starts from nothing
    FakeConnection *first = newConnection(false);
    QJsonObject handshake { { Wire::Field::Channel, Wire::Channel::Handshake }, { Wire::Field::Version, u"1.0"_s },
        { Wire::Field::SupportedConnectionTypes, QJsonArray { u"long-polling"_s, u"websocket"_s } },
        { Wire::Field::ExoId, u"u"_s }, { Wire::Field::ExoToken, u"t"_s } };
    if (steps.first() == "ack") handshake.insert(Wire::Field::Ext, QJsonObject { { Wire::Field::Ack, true } });
    engine->handleBatch(QJsonArray { handshake }, first, infoFor(*first));
    const QByteArray clientId = QJsonDocument::fromJson(first->last)
                                    .array()
                                    .at(0)
                                    .toObject()
                                    .value(Wire::Field::ClientId)
                                    .toString()
                                    .toLatin1();
    Fuzz::check(!clientId.isEmpty(), "the harness's handshake succeeds");

    FakeConnection *socket = nullptr;
    int step = 0;
    for (QByteArray text : steps) {
        ++step;
        if (text.startsWith('+')) {
            bool ok = false;
            const qint64 ms = text.mid(1).trimmed().toLongLong(&ok);
            if (ok && ms >= 0 && ms <= 10'000'000) now += ms;
            engine->processDeadlines();
        } else if (text == "close") {
            closeAll();
            socket = nullptr;
        } else if (text == "release") {
            engine->releaseAllHeld();
        } else if (text == "full" || text == "drain") {
            if (socket) {
                socket->writable = text == "drain";
                if (socket->writable) engine->connectionWritable(socket);
            }
        } else {
            FakeConnection *connection = nullptr;
            if (text.startsWith("ws\n")) {
                text.remove(0, 3);
                if (!socket) socket = newConnection(true);
                connection = socket;
            } else {
                connection = newConnection(false);
            }
            text.replace("$CID", clientId);
            text.replace("$NEW", FakeConnection::latestClientId);
            const Transport::ParsedBatch batch = Transport::parseBatch(text);
            if (batch.messages) engine->handleBatch(*batch.messages, connection, infoFor(*connection));
        }
        // Server-side traffic between the client's batches fills queues and wakes held connects.
        engine->publish(u"/a"_s, step, u"p"_s);
        engine->deliverToUser(u"u"_s, u"/a/b"_s, QJsonObject { { u"n"_s, step } }, {});
        QCoreApplication::processEvents();
    }

    engine->releaseAllHeld();
    closeAll();
    (void)engine->channelStats();
    (void)engine->takeChannelChanges();
    engine.reset();
    QCoreApplication::processEvents();
    return 0;
}
