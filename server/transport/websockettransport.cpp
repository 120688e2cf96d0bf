#include "websockettransport.h"

#include "batchparser.h"
#include "sessionstore.h"
#include "wire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QPointer>
#include <algorithm>

namespace Transport {

class WebSocketTransport::Link final : public Bayeux::Connection
{
public:
    Link(QWebSocket *socket, qint64 now)
        : m_socket(socket)
        , m_lastHeard(now)
    { }
    ~Link() override
    {
        if (m_socket) m_socket->deleteLater(); // null when the transport deleted it at teardown
    }

    void deliver(const QByteArray &jsonArray) override
    {
        if (m_socket->state() != QAbstractSocket::ConnectedState) return;
        m_socket->sendTextMessage(QString::fromUtf8(jsonArray));
        m_socket->flush(); // as HTTP answers do: out now, no write-notifier round trip
    }
    bool isPersistent() const override { return true; }

    QWebSocket *m_socket;
    QByteArray m_browserId;
    qint64 m_lastHeard;
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

void WebSocketTransport::adopt(QWebSocket *socket)
{
    auto owned = std::make_unique<Link>(socket, m_clock.elapsed());
    Link *link = owned.get();
    // The browser id comes from the upgrade request's cookie, as on the HTTP transports.
    const QByteArray cookies = socket->request().rawHeader("Cookie");
    const QByteArray prefix = Wire::BrowserCookie.toByteArray() + '=';
    for (const QByteArray &raw : cookies.split(';')) {
        const QByteArray part = raw.trimmed();
        if (part.startsWith(prefix)) link->m_browserId = part.mid(prefix.size());
    }
    if (link->m_browserId.isEmpty()) link->m_browserId = Bayeux::SessionStore::newRandomId();
    m_links.emplace(link, std::move(owned));

    auto onFrame = [this, link](const QByteArray &bytes) {
        link->m_lastHeard = m_clock.elapsed();
        link->m_pinged = false;
        const ParsedBatch batch = parseBatch(bytes);
        if (!batch.messages) {
            const QJsonObject reply { { Wire::Field::Successful, false },
                { Wire::Field::Error, Wire::Error::InvalidMessage } };
            link->deliver(QJsonDocument(QJsonArray { reply }).toJson(QJsonDocument::Compact));
            return;
        }
        m_engine->handleBatch(
            *batch.messages, link, Bayeux::RequestInfo { Wire::Transport::WebSocket, link->m_browserId });
    };
    connect(socket, &QWebSocket::textMessageReceived, this, [onFrame](const QString &text) { onFrame(text.toUtf8()); });
    connect(socket, &QWebSocket::binaryMessageReceived, this, onFrame);
    connect(socket, &QWebSocket::pong, this, [this, link] {
        link->m_lastHeard = m_clock.elapsed();
        link->m_pinged = false;
    });
    connect(socket, &QWebSocket::disconnected, this, [this, link] { drop(link); });
}

void WebSocketTransport::drop(Link *link)
{
    const auto it = m_links.find(link);
    if (it == m_links.end()) return;
    QObject::disconnect(link->m_socket, nullptr, this, nullptr);
    m_engine->connectionClosed(link);
    m_links.erase(it); // deletes the socket later
}

void WebSocketTransport::sweep()
{
    const qint64 now = m_clock.elapsed();
    std::vector<Link *> dead;
    for (auto &[raw, link] : m_links) {
        const qint64 quiet = now - link->m_lastHeard;
        if (quiet > m_options.idleTimeoutMs) {
            dead.push_back(raw);
        } else if (quiet > m_options.idleTimeoutMs / 2 && !link->m_pinged) {
            link->m_pinged = true;
            link->m_socket->ping();
        }
    }
    for (Link *link : dead) {
        link->m_socket->abort();
        drop(link);
    }
}

void WebSocketTransport::closeAll()
{
    // close() may emit disconnected at once, which drops the link: walk a copy.
    std::vector<QPointer<QWebSocket>> sockets;
    sockets.reserve(m_links.size());
    for (auto &[raw, link] : m_links)
        sockets.emplace_back(link->m_socket);
    for (const auto &socket : sockets) {
        if (socket) socket->close(QWebSocketProtocol::CloseCodeGoingAway);
    }
}

} // namespace Transport
