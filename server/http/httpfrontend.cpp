#include "httpfrontend.h"

#include <QHttpServerRequest>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

Q_LOGGING_CATEGORY(lcHttp, "cometd.http", QtInfoMsg)

namespace Http {

namespace {

Method toMethod(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return Method::Get;
    case QHttpServerRequest::Method::Head:
        return Method::Head;
    case QHttpServerRequest::Method::Post:
        return Method::Post;
    case QHttpServerRequest::Method::Put:
        return Method::Put;
    case QHttpServerRequest::Method::Delete:
        return Method::Delete;
    case QHttpServerRequest::Method::Options:
        return Method::Options;
    case QHttpServerRequest::Method::Patch:
        return Method::Patch;
    default:
        return Method::Other;
    }
}

// QHttpServer builds the URL with QUrl::fromEncoded, so the encoded path still tells "/" from "%2F".
void splitPath(const QUrl &url, Request *out)
{
    const QByteArray encoded = url.path(QUrl::FullyEncoded).toUtf8();
    const QList<QByteArray> parts = encoded.split('/');
    // parts[0] is the empty text before the leading '/'
    for (qsizetype i = 1; i < parts.size(); ++i) {
        if (i == parts.size() - 1 && parts.at(i).isEmpty()) {
            out->trailingSlash = true;
            break;
        }
        out->pathSegments.append(QUrl::fromPercentEncoding(parts.at(i)));
    }
}

qsizetype declaredContentLength(QByteArrayView head)
{
    qsizetype from = 0;
    while (from < head.size()) {
        qsizetype eol = head.indexOf("\r\n", from);
        if (eol < 0) eol = head.size();
        const QByteArrayView line = head.sliced(from, eol - from);
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.first(colon).trimmed().compare("content-length", Qt::CaseInsensitive) == 0) {
            bool ok = false;
            const qlonglong n = line.sliced(colon + 1).trimmed().toLongLong(&ok);
            return ok && n >= 0 ? qsizetype(n) : -1;
        }
        from = eol + 2;
    }
    return 0;
}

} // namespace

// Accepts connections under the frontend's cap and hands them to QAbstractHttpServer already
// guarded: the guard's readyRead runs before the parser's, so it can stop a request in time.
class GuardedTcpServer final : public QTcpServer
{
public:
    explicit GuardedTcpServer(Frontend *frontend)
        : QTcpServer(frontend)
        , m_frontend(frontend)
    { }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        // No parent: with tens of thousands of children, every removal from a parent's child list
        // is a linear scan. The frontend tracks and deletes its sockets itself.
        auto *socket = new QTcpSocket;
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        if (m_frontend->connectionCount() >= m_frontend->limits().maxConnections) {
            qCWarning(lcHttp) << "connection cap reached; refusing" << socket->peerAddress();
            Response busy = Response::text(QByteArrayLiteral("too many connections\n"), 503);
            busy.headers.append({ QByteArrayLiteral("Retry-After"), QByteArrayLiteral("5") });
            busy.closeConnection = true;
            socket->write(serialize(busy, false));
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            socket->disconnectFromHost();
            return;
        }
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_frontend->adopt(socket);
        addPendingConnection(socket);
    }

private:
    Frontend *m_frontend;
};

ConnectionState::ConnectionState(QTcpSocket *socket, Frontend *frontend)
    : QObject(socket)
    , m_socket(socket)
    , m_frontend(frontend)
    , m_lastActivity(frontend->now())
{
    // Never buffer more than the limit: one byte over it is enough to answer 413.
    socket->setReadBufferSize(frontend->limits().maxRequestBytes + 1);
    connect(socket, &QIODevice::readyRead, this, &ConnectionState::onReadyRead);
    connect(socket, &QIODevice::bytesWritten, this, [this] { m_lastActivity = m_frontend->now(); });
    connect(socket, &QAbstractSocket::disconnected, this, &ConnectionState::emitGoneOnce);
    frontend->m_connections.insert(socket, this);
    frontend->m_timed.insert(this);
}

ConnectionState::~ConnectionState()
{
    if (m_frontend) {
        m_frontend->m_connections.remove(m_socket);
        m_frontend->m_timed.remove(this);
    }
    emitGoneOnce();
}

void ConnectionState::emitGoneOnce()
{
    if (m_goneEmitted) return;
    m_goneEmitted = true;
    Q_EMIT gone();
}

void ConnectionState::write(const QByteArray &bytes, bool close)
{
    if (m_socket->state() != QAbstractSocket::ConnectedState) return;
    m_lastActivity = m_frontend->now();
    m_socket->write(bytes);
    // Write now rather than on the next write notification: the answer leaves one loop iteration
    // sooner, and the notifier is enabled and disabled within the iteration, which the epoll
    // dispatcher coalesces into no system call at all.
    m_socket->flush();
    if (close) m_socket->disconnectFromHost();
}

void ConnectionState::abort()
{
    m_socket->abort();
}

void ConnectionState::onReadyRead()
{
    if (m_upgraded || m_rejected) return;
    m_lastActivity = m_frontend->now();
    if (m_outstanding > 0) {
        // A second request behind a held one would be answered out of order by QtHttpServer 6.4.
        qCInfo(lcHttp) << "request pipelined behind a held request; closing" << m_socket->peerAddress();
        m_rejected = true;
        QObject::disconnect(m_socket, &QIODevice::readyRead, m_frontend, nullptr);
        m_socket->abort();
        return;
    }
    if (m_requestStarted == 0) m_requestStarted = m_lastActivity;
    const qint64 limit = m_frontend->limits().maxRequestBytes;
    const qint64 available = m_socket->bytesAvailable();
    if (available > limit) {
        rejectTooLarge();
        return;
    }
    if (!m_headChecked) {
        const QByteArray head = m_socket->peek(available);
        const qsizetype end = head.indexOf("\r\n\r\n");
        if (end >= 0) {
            m_headChecked = true;
            const qsizetype length = declaredContentLength(QByteArrayView(head).first(end));
            if (length < 0 || end + 4 + length > limit) rejectTooLarge();
        }
    }
}

void ConnectionState::rejectTooLarge()
{
    qCInfo(lcHttp) << "request over" << m_frontend->limits().maxRequestBytes << "bytes from" << m_socket->peerAddress();
    m_rejected = true;
    // Stop the parser first: nothing more of this request is read or buffered.
    QObject::disconnect(m_socket, &QIODevice::readyRead, m_frontend, nullptr);
    Response tooLarge = Response::error(413, QStringLiteral("request too large"));
    tooLarge.closeConnection = true;
    write(serialize(tooLarge, false), true);
}

Responder::Responder(ConnectionState *connection, bool headRequest, bool closeAfter)
    : m_connection(connection)
    , m_head(headRequest)
    , m_closeAfter(closeAfter)
{
    ++connection->m_outstanding;
}

Responder::Responder(Responder &&other) noexcept
    : m_connection(std::move(other.m_connection))
    , m_extraHeaders(std::move(other.m_extraHeaders))
    , m_head(other.m_head)
    , m_closeAfter(other.m_closeAfter)
    , m_answered(std::exchange(other.m_answered, true))
{
    other.m_connection.clear();
}

Responder &Responder::operator=(Responder &&other) noexcept
{
    if (this != &other) {
        if (!m_answered) respond(Response::error(500, QStringLiteral("internal error")));
        m_connection = std::move(other.m_connection);
        other.m_connection.clear();
        m_head = other.m_head;
        m_closeAfter = other.m_closeAfter;
        m_extraHeaders = std::move(other.m_extraHeaders);
        m_answered = std::exchange(other.m_answered, true);
    }
    return *this;
}

Responder::~Responder()
{
    if (!m_answered && isConnected()) {
        qCWarning(lcHttp) << "a request was dropped unanswered; answering 500";
        respond(Response::error(500, QStringLiteral("internal error")));
    }
}

bool Responder::isConnected() const
{
    return m_connection && m_connection->socket()->state() == QAbstractSocket::ConnectedState;
}

void Responder::release()
{
    if (m_connection) --m_connection->m_outstanding;
}

void Responder::respond(const Response &response)
{
    if (m_answered) return;
    m_answered = true;
    release();
    if (!m_connection) return;
    if ((m_closeAfter && !response.closeConnection) || !m_extraHeaders.isEmpty()) {
        Response amended = response;
        amended.closeConnection = amended.closeConnection || m_closeAfter;
        amended.headers += m_extraHeaders;
        m_connection->write(serialize(amended, m_head), amended.closeConnection);
    } else {
        m_connection->write(serialize(response, m_head), response.closeConnection);
    }
    m_connection.clear();
}

void Responder::addHeader(QByteArray name, QByteArray value)
{
    m_extraHeaders.append({ std::move(name), std::move(value) });
}

void Responder::whenGone(QObject *context, std::function<void()> onGone) const
{
    if (!m_connection) {
        onGone();
        return;
    }
    QObject::connect(m_connection.data(), &ConnectionState::gone, context, std::move(onGone), Qt::SingleShotConnection);
}

Frontend::Frontend(Limits limits, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_limits(limits)
{
    m_clock.start();
    m_sweep.setInterval(1000);
    connect(&m_sweep, &QTimer::timeout, this, &Frontend::sweep);
    connect(this, &QAbstractHttpServer::newWebSocketConnection, this, &Frontend::takeWebSockets);
}

Frontend::~Frontend()
{
    // Sockets go first, while this object's members still exist for their guards. An upgraded
    // socket belongs to its QWebSocket now.
    const auto states = m_connections.values();
    for (ConnectionState *state : states) {
        QTcpSocket *socket = state->socket();
        if (state->m_upgraded) {
            m_connections.remove(socket);
            m_timed.remove(state);
            state->m_frontend = nullptr;
        } else {
            delete socket;
        }
    }
}

void Frontend::setRequestHandler(RequestHandler handler)
{
    m_handler = std::move(handler);
}

void Frontend::setUpgradeCheck(UpgradeCheck check)
{
    m_upgradeCheck = std::move(check);
}

quint16 Frontend::start(const QHostAddress &address, quint16 port)
{
    auto *server = new GuardedTcpServer(this);
    server->setListenBacklogSize(4096);
    server->setMaxPendingConnections(4096);
    if (!server->listen(address, port)) {
        m_error = server->errorString();
        delete server;
        return 0;
    }
    bind(server);
    m_sweep.start();
    return server->serverPort();
}

void Frontend::stopListening()
{
    for (QTcpServer *server : servers())
        server->close();
}

void Frontend::flushAll()
{
    for (QTcpSocket *socket : m_connections.keys())
        socket->flush();
}

void Frontend::adopt(QTcpSocket *socket)
{
    new ConnectionState(socket, this);
}

bool Frontend::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ConnectionState *state = m_connections.value(socket);
    if (!state || state->m_rejected) return true; // being closed: answer nothing
    state->m_requestStarted = 0;
    state->m_headChecked = false;

    Request r;
    r.method = toMethod(request.method());
    splitPath(request.url(), &r);
    r.query = request.query();
    r.headers = request.headers();
    r.peer = socket->peerAddress();

    const bool upgrade = request.value(QByteArrayLiteral("upgrade")).compare("websocket", Qt::CaseInsensitive) == 0
        && request.value(QByteArrayLiteral("connection")).toLower().contains("upgrade");
    if (upgrade) {
        m_refusedUpgradeStatus = m_upgradeCheck ? m_upgradeCheck(r) : 404;
        if (m_refusedUpgradeStatus != 0) return false; // missingHandler answers with that status
        state->m_upgraded = true;
        m_upgrading.append(state);
        m_timed.remove(state); // the WebSocket transport times it out from here

        return true; // the WebSocket handshake is QtHttpServer's from here: write nothing
    }

    r.body = request.body();
    // Honour Connection: close (6.4 ignores it).
    const bool close = r.header("Connection").compare("close", Qt::CaseInsensitive) == 0;
    Responder responder(state, r.method == Method::Head, close);
    if (m_handler) m_handler(std::move(r), std::move(responder));
    return true;
}

// Reached only for a refused WebSocket upgrade: every other request is ours in handleRequest().
void Frontend::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    const int status = std::exchange(m_refusedUpgradeStatus, 404);
    Response refused = Response::error(
        status, status == 401 ? QStringLiteral("missing or wrong credentials") : QStringLiteral("not found"));
    refused.closeConnection = true;
    socket->write(serialize(refused, false));
}

void Frontend::sweep()
{
    const qint64 t = now();
    QList<ConnectionState *> expired;
    for (ConnectionState *state : std::as_const(m_timed)) {
        if (state->m_outstanding > 0) continue;
        if (state->m_requestStarted != 0 && t - state->m_requestStarted > m_limits.headerTimeoutMs)
            expired.append(state);
        else if (t - state->m_lastActivity > m_limits.idleTimeoutMs)
            expired.append(state);
    }
    for (ConnectionState *state : std::as_const(expired)) {
        if (state->m_requestStarted != 0) {
            qCInfo(lcHttp) << "request not received in time from" << state->socket()->peerAddress();
            state->m_rejected = true;
            QObject::disconnect(state->socket(), &QIODevice::readyRead, this, nullptr);
            Response timeout = Response::error(408, QStringLiteral("request timeout"));
            timeout.closeConnection = true;
            state->write(serialize(timeout, false), true);
            state->m_requestStarted = 0;
        } else {
            qCDebug(lcHttp) << "closing idle connection from" << state->socket()->peerAddress();
            state->abort();
        }
    }
}

void Frontend::takeWebSockets()
{
    while (hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> ws = nextPendingWebSocketConnection();
        if (!ws) continue;
        detachFromWebSocketServer(*ws);
        ws->setMaxAllowedIncomingMessageSize(quint64(m_limits.maxWebSocketMessageBytes));
        ws->setMaxAllowedIncomingFrameSize(quint64(m_limits.maxWebSocketMessageBytes));
        Q_EMIT webSocketConnected(ws.release());
    }
}

void Frontend::detachFromWebSocketServer(const QWebSocket &ws)
{
    // QWebSocketServer 6.4 keeps every upgraded socket's disconnected() connected to a slot that
    // finds its socket with sender(), a walk over all its senders: with n WebSockets open, each
    // disconnection costs O(n), and n clients leaving cost O(n^2). That slot only deletes the socket
    // later, so the socket does it itself instead. QWebSocket watches stateChanged(), not this signal.
    for (qsizetype i = 0; i < m_upgrading.size();) {
        ConnectionState *state = m_upgrading.at(i);
        if (!state) {
            m_upgrading.removeAt(i);
            continue;
        }
        QTcpSocket *socket = state->socket();
        if (socket->peerPort() != ws.peerPort() || socket->peerAddress() != ws.peerAddress()) {
            ++i;
            continue;
        }
        m_upgrading.removeAt(i);
        QObject::disconnect(socket, &QAbstractSocket::disconnected, nullptr, nullptr);
        connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QAbstractSocket::disconnected, state, &ConnectionState::emitGoneOnce);
        return;
    }
}

} // namespace Http
