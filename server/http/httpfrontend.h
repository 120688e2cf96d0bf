#pragma once

#include "httpresponder.h"
#include "httptypes.h"
#include "logthrottle.h"

#include <QAbstractHttpServer>
#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QLoggingCategory>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <functional>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

class QTcpSocket;

namespace Http {

struct Limits
{
    int maxConnections = 50000;
    qint64 maxRequestBytes = 65536; // request line + headers + body; over it: 413
    int headerTimeoutMs = 10000; // to receive a whole request
    int idleTimeoutMs = 60000; // no traffic on a connection that holds no request
    qint64 maxWebSocketMessageBytes = 65536;
    // Bytes written to one client and not yet taken: a client that sends a new request while more
    // than this waits is a slow consumer and is disconnected. WebSocket users check it themselves.
    qint64 maxOutgoingBytes = 1048576;
    // Requests to the cluster's own signed paths (Wire::Path::ClusterPrefix) have a limit of their
    // own: the senders bound them, and they must never be refused for their size.
    qint64 maxClusterRequestBytes = 8 * 1024 * 1024;
};

class WebSocket;
struct RequestHead;

class Frontend;

// Per-connection guard state, a child of its socket so that it dies with it.
class ConnectionState final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionState)
public:
    ConnectionState(QTcpSocket *socket, Frontend *frontend);
    ~ConnectionState() override;

    QTcpSocket *socket() const { return m_socket; }
    void write(const QByteArray &bytes, bool close);
    void abort();

Q_SIGNALS:
    void gone();

private:
    friend class Frontend;
    friend class Responder;
    void onReadyRead();
    // Reads the head as it arrives (QtHttpServer takes each byte of it, so what is available at each
    // readyRead is new): false when the connection was answered or taken over.
    bool checkHead(qint64 available);
    void takeWebSocket(const RequestHead &head, qsizetype headEnd);
    void rejectTooLarge();
    void reject(int status, const QString &message);
    void stopParser();
    void resetRequest();
    void emitGoneOnce();

    QTcpSocket *m_socket;
    Frontend *m_frontend;
    qint64 m_lastActivity = 0;
    qint64 m_requestStarted = 0; // 0: between requests; a new connection starts one
    int m_outstanding = 0; // responders not yet answered
    QByteArray m_head; // the head so far, until it is complete
    qint64 m_requestBytes = 0; // of the current request, once its head is complete
    qint64 m_requestLimit = 0; // for the current request, once its head is complete
    bool m_headDone = false;
    bool m_chunked = false; // the body's size is known only as it arrives
    bool m_upgraded = false; // taken over as a WebSocket: no longer ours
    bool m_goneEmitted = false;
    bool m_rejected = false;
};

// The one place that knows QtHttpServer 6.4 (a technology preview whose API changes in 6.5 and
// 6.8). It parses requests with it and writes responses itself, and closes its gaps: connection cap,
// request-size limit (413), header and idle timeouts, held responders that survive a client leaving,
// out-of-order pipelining behind a held request, HEAD, Connection: close.
class Frontend final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Frontend)
public:
    using RequestHandler = std::function<void(Request &&, Responder &&)>;
    // 0 accepts the upgrade; any other value is the HTTP status that refuses it (404, 401, ...).
    using UpgradeCheck = std::function<int(const Request &)>;

    explicit Frontend(Limits limits, QObject *parent = nullptr);
    ~Frontend() override;

    void setRequestHandler(RequestHandler handler);
    // Which upgrade requests become WebSockets; the others are refused before the handshake.
    void setUpgradeCheck(UpgradeCheck check);

    // Listens on address:port (0 = ephemeral) and returns the port, or 0 on failure.
    quint16 start(const QHostAddress &address, quint16 port);
    void stopListening();
    // Writes out what every connection has buffered (before the process exits).
    void flushAll();
    QString errorString() const { return m_error; }

    // HTTP connections and WebSockets: what the connection cap counts.
    int connectionCount() const { return int(m_connections.size()) + m_webSockets; }
    const Limits &limits() const { return m_limits; }
    qint64 now() const { return m_clock.elapsed() + 1; } // never 0, which means "not started"
    // Whether to log one more refused or dropped connection: a flood of them writes a few lines
    // and a count, not a line each.
    bool admitRefusalLog();

Q_SIGNALS:
    // A WebSocket is ready; the receiver takes ownership (it has no parent) and calls start() on it.
    void webSocketConnected(Http::WebSocket *socket);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    friend class ConnectionState;
    friend class GuardedTcpServer;
    void adopt(QTcpSocket *socket);
    void sweep();
    void countWebSocket(WebSocket *socket);

    Limits m_limits;
    RequestHandler m_handler;
    UpgradeCheck m_upgradeCheck;
    QHash<QTcpSocket *, ConnectionState *> m_connections;
    QSet<ConnectionState *> m_timed; // plain HTTP connections: the ones sweep() times out
    int m_webSockets = 0;
    QTimer m_sweep;
    QElapsedTimer m_clock;
    QString m_error;
    LogThrottle m_refusalLog;
};

} // namespace Http
