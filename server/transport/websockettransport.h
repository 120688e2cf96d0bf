#pragma once

#include "bayeuxengine.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <list>
#include <memory>
#include <unordered_map>

namespace Http {
class WebSocket;
}

namespace Transport {

struct WebSocketOptions
{
    int idleTimeoutMs = 60000; // no frame and no pong for this long: the socket is closed
    int sweepIntervalMs = 5000;
    // Bytes written and not yet taken by the client past which nothing more is pushed to it: its
    // messages wait in its session queue (bounded; the oldest are dropped and counted).
    qint64 maxOutgoingBytes = 1048576;
};

// Bayeux over WebSocket (connectionType "websocket"): each text frame is a batch; the engine pushes
// messages through the socket as they come. Idle sockets are pinged, then closed.
class WebSocketTransport final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketTransport)
public:
    WebSocketTransport(Bayeux::BayeuxEngine *engine, WebSocketOptions options, QObject *parent = nullptr);
    ~WebSocketTransport() override;

    // Takes ownership of an upgraded socket.
    void adopt(Http::WebSocket *socket);
    int connectionCount() const { return int(m_links.size()); }
    void closeAll();

private:
    class Link;
    void sweep();
    void drop(Link *link);
    void heard(Link *link);

    Bayeux::BayeuxEngine *m_engine;
    WebSocketOptions m_options;
    std::unordered_map<Link *, std::unique_ptr<Link>> m_links;
    // Every link, the one heard from longest ago first: the sweep walks only the quiet ones, not
    // every link of the node each time (it was a tenth of a node's CPU at rest).
    std::list<Link *> m_byLastHeard;
    QTimer m_sweep;
    QElapsedTimer m_clock;
};

} // namespace Transport
