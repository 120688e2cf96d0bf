#include "websockettransport.h"

#include "batchparser.h"
#include "sessionstore.h"
#include "wire.h"

#include "websocket.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

#include <algorithm>

namespace Transport {

class WebSocketTransport::Link final : public Bayeux::Connection
{
public:
    Link(Http::WebSocket *socket, qint64 now, qint64 budget)
        : m_socket(socket)
        , m_lastHeard(now)
        , m_budget(budget)
    { }
    ~Link() override
    {
        if (m_socket) m_socket->deleteLater(); // null when the transport deleted it at teardown
    }

    void deliver(const QByteArray &jsonArray) override { m_socket->sendText(jsonArray); }
    void deliverMessages(const QList<Bayeux::OutgoingMessage> &messages) override
    {
        QList<QByteArray> frames;
        frames.reserve(messages.size());
        for (const Bayeux::OutgoingMessage &message : messages)
            frames.append(message.framed);
        m_socket->sendTexts(frames);
    }
    bool isPersistent() const override { return true; }
    bool canWrite() const override
    {
        if (m_socket->bytesToWrite() < m_budget) return true;
        m_waitingForDrain = true;
        return false;
    }
    // Whether the engine should be told the client caught up: it found the link full, and half
    // the budget has drained since (so a client at the edge does not flip on every write).
    bool drained()
    {
        if (!m_waitingForDrain || m_socket->bytesToWrite() > m_budget / 2) return false;
        m_waitingForDrain = false;
        return true;
    }

    Http::WebSocket *m_socket;
    QByteArray m_browserId;
    qint64 m_lastHeard;
    std::list<Link *>::iterator m_byLastHeard; // its place in the transport's list
    qint64 m_budget;
    mutable bool m_waitingForDrain = false;
    bool m_pinged = false;
};

WebSocketTransport::WebSocketTransport(Bayeux::BayeuxEngine *engine, WebSocketOptions options, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_options(options)
{
    m_clock.start();
    // Fine enough that a socket is pinged before it is closed: ping at idle/2, close at idle.
    m_sweep.setInterval(std::clamp(m_options.idleTimeoutMs / 4, 100, std::max(100, m_options.sweepIntervalMs)));
    connect(&m_sweep, &QTimer::timeout, this, &WebSocketTransport::sweep);
    m_sweep.start();
}

WebSocketTransport::~WebSocketTransport()
{
    for (auto &[raw, link] : m_links) {
        QObject::disconnect(link->m_socket, nullptr, this, nullptr);
        m_engine->connectionClosed(raw);
        delete std::exchange(link->m_socket, nullptr); // no event loop left to delete it later
    }
}

void WebSocketTransport::adopt(Http::WebSocket *socket)
{
    auto owned = std::make_unique<Link>(socket, m_clock.elapsed(), m_options.maxOutgoingBytes);
    Link *link = owned.get();
    // The browser id comes from the upgrade request's cookie, as on the HTTP transports.
    link->m_browserId = socket->request().cookie(Wire::BrowserCookie);
    if (link->m_browserId.isEmpty()) link->m_browserId = Bayeux::SessionStore::newRandomId();
    socket->releaseRequest(); // nothing else of it is needed
    m_links.emplace(link, std::move(owned));
    link->m_byLastHeard = m_byLastHeard.insert(m_byLastHeard.end(), link);

    connect(socket, &Http::WebSocket::textReceived, this, [this, link](const QByteArray &bytes) {
        heard(link);
        link->m_pinged = false;
        // Pushes stop at the budget, so only replies to the client's own messages take it past
        // twice that: a client that keeps sending without reading is a slow consumer.
        if (link->m_socket->bytesToWrite() > 2 * m_options.maxOutgoingBytes) {
            link->m_socket->close(Http::WebSocketProtocol::PolicyViolated, "slow consumer");
            return;
        }
        const ParsedBatch batch = parseBatch(bytes);
        if (!batch.messages) {
            const QJsonObject reply { { Wire::Field::Successful, false },
                { Wire::Field::Error, Wire::Error::InvalidMessage } };
            link->deliver(QJsonDocument(QJsonArray { reply }).toJson(QJsonDocument::Compact));
            return;
        }
        m_engine->handleBatch(
            *batch.messages, link, Bayeux::RequestInfo { Wire::Transport::WebSocket, link->m_browserId });
    });
    connect(socket, &Http::WebSocket::pongReceived, this, [this, link] {
        heard(link);
        link->m_pinged = false;
    });
    connect(socket, &Http::WebSocket::bytesWritten, this, [this, link] {
        // A client taking its bytes is alive, even if it has nothing to say.
        heard(link);
        if (link->drained()) m_engine->connectionWritable(link);
    });
    connect(socket, &Http::WebSocket::disconnected, this, [this, link] { drop(link); });
}

void WebSocketTransport::drop(Link *link)
{
    const auto it = m_links.find(link);
    if (it == m_links.end()) return;
    QObject::disconnect(link->m_socket, nullptr, this, nullptr);
    m_engine->connectionClosed(link);
    m_byLastHeard.erase(link->m_byLastHeard);
    m_links.erase(it); // deletes the socket later
}

void WebSocketTransport::heard(Link *link)
{
    link->m_lastHeard = m_clock.elapsed();
    m_byLastHeard.splice(m_byLastHeard.end(), m_byLastHeard, link->m_byLastHeard);
}

void WebSocketTransport::sweep()
{
    const qint64 now = m_clock.elapsed();
    // Collected first: a ping written at once counts as heard and moves its link in the list.
    std::vector<Link *> dead;
    std::vector<Link *> quiet;
    for (Link *link : m_byLastHeard) {
        const qint64 silence = now - link->m_lastHeard;
        if (silence <= m_options.idleTimeoutMs / 2) break; // every link after it was heard later
        if (silence > m_options.idleTimeoutMs)
            dead.push_back(link);
        else if (!link->m_pinged)
            quiet.push_back(link);
    }
    for (Link *link : quiet) {
        link->m_pinged = true;
        link->m_socket->ping();
    }
    for (Link *link : dead) {
        QObject::disconnect(link->m_socket, nullptr, this, nullptr);
        link->m_socket->abort();
        drop(link);
    }
}

void WebSocketTransport::closeAll()
{
    // close() may emit disconnected at once, which drops the link: walk a copy.
    std::vector<QPointer<Http::WebSocket>> sockets;
    sockets.reserve(m_links.size());
    for (auto &[raw, link] : m_links)
        sockets.emplace_back(link->m_socket);
    for (const auto &socket : sockets) {
        if (socket) socket->close(Http::WebSocketProtocol::GoingAway);
    }
}

} // namespace Transport
