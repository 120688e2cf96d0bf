#pragma once

#include "httptypes.h"
#include "websocketframe.h"

#include <QByteArray>
#include <QList>
#include <QObject>

class QSocketNotifier;
class QTimer;

namespace Http {

// One server-side WebSocket connection on a socket descriptor of its own (RFC 6455 after the
// handshake). It reads and writes the descriptor directly: frames are parsed from bytes, messages
// are written as a frame header plus the caller's payload bytes (shared, not copied), so an idle
// connection costs a few hundred bytes and a slow reader holds references to messages rather than
// copies of them. Pings are answered with at most one pong waiting to be written.
class WebSocket final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocket)
public:
    // Takes `descriptor` (connected, non-blocking; closed by this object) and the bytes already read
    // from it after the handshake; nothing is read before start().
    WebSocket(qintptr descriptor, Request request, qint64 maxMessageBytes, QObject *parent = nullptr);
    ~WebSocket() override;

    // The server's handshake answer, written before anything else.
    void writeHandshake(const QByteArray &response);
    // Processes `alreadyRead` and starts reading: connect the signals first.
    void start(const QByteArray &alreadyRead);

    // The upgrade request, for whoever adopts the socket; empty after releaseRequest().
    const Request &request() const { return m_request; }
    // Lets the request's headers, path and query go once the adopter has read what it needs: a
    // socket can stay open for hours, and the node holds tens of thousands.
    void releaseRequest() { m_request = Request(); }
    bool isOpen() const { return m_state == State::Open; }
    // Bytes handed to sendText() and the like that the peer has not taken yet (in this process; the
    // kernel's buffer is not counted).
    qint64 bytesToWrite() const { return m_queuedTotal - m_writtenTotal; }

    void sendText(const QByteArray &payload);
    // One text frame per payload, written together.
    void sendTexts(const QList<QByteArray> &payloads);
    void ping();
    // Starts the closing handshake; the connection ends when the close frame is out (or a grace
    // period later, should the peer not read).
    void close(quint16 code = WebSocketProtocol::Normal, QByteArrayView reason = {});
    void abort(); // ends the connection at once

Q_SIGNALS:
    void textReceived(const QByteArray &payload); // a whole text or binary message
    void pongReceived();
    void bytesWritten(); // some of bytesToWrite() went out
    void disconnected(); // once; the object may be deleted (later) from here on

private:
    enum class State { Open, Closing, Closed };
    void onReadable();
    void onWritable();
    void handle(const WebSocketProtocol::Event &event);
    void enqueue(QByteArray header, QByteArray payload);
    void flush();
    void finish(); // closes the descriptor, emits disconnected() once
    void finishLater(); // from inside a write: the caller may be iterating over connections

    qintptr m_fd;
    Request m_request;
    QHostAddress m_peer; // kept for logs after the request is released
    WebSocketProtocol::FrameReader m_reader;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr; // only while bytes wait for the peer
    QTimer *m_closeGrace = nullptr;
    QList<QByteArray> m_out; // waiting to be written, in order
    qsizetype m_outOffset = 0; // bytes of m_out.first() already written
    qint64 m_queuedTotal = 0;
    qint64 m_writtenTotal = 0;
    qint64 m_pongEnd = -1; // m_queuedTotal just after the last pong queued
    State m_state = State::Open;
    bool m_finishQueued = false;
};

} // namespace Http
