#include "httpfrontend.h"

#include "requesthead.h"
#include "websocket.h"
#include "wire.h"

#include <QHttpServerRequest>
#include <QMetaMethod>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>

Q_LOGGING_CATEGORY(lcHttp, "cometd.http", QtInfoMsg)

namespace Http {

namespace {

// Writes what the socket takes without blocking; the count written (0 on any error, which the
// caller's QTcpSocket then meets and reports as it does for its own writes).
qsizetype sendNow(qintptr descriptor, const QByteArray &bytes)
{
    if (descriptor < 0) return 0;
    for (;;) {
        const ssize_t n = ::send(int(descriptor), bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0) return qsizetype(n);
        if (errno != EINTR) return 0;
    }
}

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

// Where the cluster's signed internal paths start: their size limit is their own.
bool isClusterTarget(QByteArrayView target)
{
    return target.startsWith(QByteArrayView(Wire::Path::ClusterPrefix.data(), Wire::Path::ClusterPrefix.size()));
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
            if (m_frontend->admitRefusalLog())
                qCWarning(lcHttp).noquote() << "connection cap reached; refusing" << socket->peerAddress().toString();
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
    // The request clock starts at accept: a connection that never sends a byte holds its slot for
    // headerTimeout, not idleTimeout.
    , m_requestStarted(m_lastActivity)
{
    // Never buffer more than the limit: one byte over it is enough to answer 413.
    socket->setReadBufferSize(
        std::max(frontend->limits().maxRequestBytes, frontend->limits().maxClusterRequestBytes) + 1);
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
    // Straight to the kernel while Qt holds nothing for this socket: QAbstractSocket's write buffer
    // keeps a 32 KiB chunk for the rest of the connection once it has been used (heaptrack: 32 KiB
    // per held long-poll), and an answer nearly always fits the kernel's send buffer whole. Only a
    // remainder, or a write behind one, goes through Qt, which also meets any error there.
    const qsizetype sent = m_socket->bytesToWrite() == 0 ? sendNow(m_socket->socketDescriptor(), bytes) : 0;
    if (sent < bytes.size()) {
        m_socket->write(bytes.constData() + sent, bytes.size() - sent);
        // Write now rather than on the next write notification: the answer leaves one loop
        // iteration sooner, and the notifier is enabled and disabled within the iteration, which
        // the epoll dispatcher coalesces into no system call at all.
        m_socket->flush();
    }
    if (close) m_socket->disconnectFromHost();
}

void ConnectionState::abort()
{
    m_socket->abort();
}

void ConnectionState::resetRequest()
{
    m_requestStarted = 0;
    m_head.clear();
    m_requestBytes = 0;
    m_requestLimit = 0;
    m_headDone = false;
    m_chunked = false;
}

void ConnectionState::stopParser()
{
    m_rejected = true;
    // Nothing more of this connection goes to QtHttpServer's parser.
    QObject::disconnect(m_socket, &QIODevice::readyRead, m_frontend, nullptr);
}

void ConnectionState::onReadyRead()
{
    if (m_upgraded || m_rejected) return;
    m_lastActivity = m_frontend->now();
    if (m_outstanding > 0) {
        // A second request behind a held one would be answered out of order by QtHttpServer 6.4.
        if (m_frontend->admitRefusalLog())
            qCInfo(lcHttp).noquote() << "request pipelined behind a held request; closing"
                                     << m_socket->peerAddress().toString();
        stopParser();
        m_socket->abort();
        return;
    }
    if (m_socket->bytesToWrite() > m_frontend->limits().maxOutgoingBytes) {
        // A new request while earlier answers are still not taken: a slow consumer, as CometD
        // calls it. Its answers would pile up here without bound.
        if (m_frontend->admitRefusalLog())
            qCInfo(lcHttp).noquote() << "client sends requests without reading the answers; closing"
                                     << m_socket->peerAddress().toString();
        stopParser();
        m_socket->abort();
        return;
    }
    if (m_requestStarted == 0) m_requestStarted = m_lastActivity;
    const qint64 available = m_socket->bytesAvailable();
    if (!m_headDone) {
        checkHead(available);
        return;
    }
    // The parser takes every byte it is given, so what is available now is new. A chunked body's
    // size is known only by counting it (a declared length was checked with the head).
    if (m_chunked) {
        m_requestBytes += available;
        if (m_requestBytes > m_requestLimit) rejectTooLarge();
    }
}

bool ConnectionState::checkHead(qint64 available)
{
    const Limits &limits = m_frontend->limits();
    const qint64 headLimit = std::max(limits.maxRequestBytes, limits.maxClusterRequestBytes);
    m_head += m_socket->peek(std::min(available, headLimit + 1 - m_head.size()));
    const qsizetype end = findHeadEnd(m_head);
    if (end < 0) {
        if (m_head.size() > limits.maxRequestBytes) rejectTooLarge();
        return false;
    }
    m_headDone = true;
    auto parsed = parseRequestHead(QByteArrayView(m_head).first(end));
    if (const auto *error = std::get_if<RequestHead::HeadError>(&parsed)) {
        reject(error->status, error->message);
        return false;
    }
    const RequestHead &head = std::get<RequestHead>(parsed);
    m_requestLimit = isClusterTarget(head.target) ? limits.maxClusterRequestBytes : limits.maxRequestBytes;
    if (end > m_requestLimit) {
        rejectTooLarge();
        return false;
    }
    if (head.isWebSocketUpgrade()) {
        takeWebSocket(head, end);
        return false;
    }
    const auto body = head.body();
    if (const auto *error = std::get_if<RequestHead::HeadError>(&body)) {
        reject(error->status, error->message);
        return false;
    }
    const RequestHead::Body &framing = std::get<RequestHead::Body>(body);
    if (framing.kind == RequestHead::Body::Kind::Length && framing.length > m_requestLimit - end) {
        rejectTooLarge();
        return false;
    }
    m_chunked = framing.kind == RequestHead::Body::Kind::Chunked;
    m_requestBytes = m_head.size();
    m_head.clear();
    if (m_chunked && m_requestBytes > m_requestLimit) {
        rejectTooLarge();
        return false;
    }
    return true;
}

void ConnectionState::takeWebSocket(const RequestHead &head, qsizetype headEnd)
{
    stopParser();
    m_upgraded = true;
    m_frontend->m_timed.remove(this);
    // The parser may hold part of the head in its read transaction: give it all back, then skip it.
    if (m_socket->isTransactionStarted()) m_socket->rollbackTransaction();
    m_socket->skip(headEnd);

    auto refuse = [this](int status, const QString &message, HeaderList extra = {}) {
        Response r = Response::error(status, message);
        r.headers += extra;
        r.closeConnection = true;
        write(serialize(r, false), true);
    };
    auto converted = head.toRequest(m_socket->peerAddress());
    if (const auto *error = std::get_if<RequestHead::HeadError>(&converted)) {
        refuse(error->status, error->message);
        return;
    }
    Request request = std::get<Request>(std::move(converted));
    request.method = head.method == "GET" ? Method::Get : Method::Other;
    if (request.method != Method::Get) {
        refuse(400, QStringLiteral("a WebSocket handshake is a GET request"));
        return;
    }
    const QByteArray key = head.header("Sec-WebSocket-Key").trimmed();
    if (head.header("Sec-WebSocket-Version").trimmed() != "13") {
        refuse(426, QStringLiteral("WebSocket version 13 required"),
            { { QByteArrayLiteral("Sec-WebSocket-Version"), QByteArrayLiteral("13") } });
        return;
    }
    if (!WebSocketProtocol::isValidClientKey(key)) {
        refuse(400, QStringLiteral("missing or malformed Sec-WebSocket-Key"));
        return;
    }
    static const QMetaMethod connected = QMetaMethod::fromSignal(&Frontend::webSocketConnected);
    int refused = m_frontend->m_upgradeCheck ? m_frontend->m_upgradeCheck(request) : 0;
    if (refused == 0 && !m_frontend->isSignalConnected(connected)) refused = 404; // nobody would take it
    if (refused != 0) {
        refuse(refused, refused == 401 ? QStringLiteral("missing or wrong credentials") : QStringLiteral("not found"));
        return;
    }

    // The connection leaves Qt's socket: a descriptor of our own, the bytes read after the head,
    // and the QTcpSocket closed (its descriptor only; the connection lives on in ours).
    const int fd = ::fcntl(int(m_socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
        refuse(503, QStringLiteral("out of file descriptors"));
        return;
    }
    const QByteArray handshake = QByteArrayLiteral("HTTP/1.1 101 Switching Protocols\r\n"
                                                   "Upgrade: websocket\r\n"
                                                   "Connection: Upgrade\r\n"
                                                   "Sec-WebSocket-Accept: ")
        + WebSocketProtocol::acceptKey(key) + QByteArrayLiteral("\r\n\r\n");
    const QByteArray early = m_socket->readAll();
    auto *ws = new WebSocket(fd, std::move(request), m_frontend->limits().maxWebSocketMessageBytes);
    Frontend *frontend = m_frontend;
    m_socket->abort(); // deletes this state later, with its socket
    frontend->countWebSocket(ws);
    ws->writeHandshake(handshake);
    const QPointer<WebSocket> alive(ws);
    Q_EMIT frontend->webSocketConnected(ws); // the receiver owns it from here
    if (alive) ws->start(early);
}

void ConnectionState::reject(int status, const QString &message)
{
    if (m_frontend->admitRefusalLog())
        qCInfo(lcHttp).noquote() << "bad request from" << m_socket->peerAddress().toString() << ":" << message;
    stopParser();
    Response r = Response::error(status, message);
    r.closeConnection = true;
    write(serialize(r, false), true);
}

void ConnectionState::rejectTooLarge()
{
    if (m_frontend->admitRefusalLog())
        qCInfo(lcHttp).noquote() << "request over"
                                 << (m_requestLimit ? m_requestLimit : m_frontend->limits().maxRequestBytes)
                                 << "bytes from" << m_socket->peerAddress().toString();
    // Stop the parser first: nothing more of this request is read or buffered.
    stopParser();
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
        qCWarning(lcHttp).noquote() << "a request was dropped unanswered; answering 500";
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
}

Frontend::~Frontend()
{
    // Sockets go first, while this object's members still exist for their guards. (WebSockets
    // belong to whoever took them.)
    const auto states = m_connections.values();
    for (ConnectionState *state : states)
        delete state->socket();
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
    state->resetRequest();

    Request r;
    r.method = toMethod(request.method());
    // QHttpServer builds the URL with QUrl::fromEncoded, so the encoded path still tells "/" from "%2F".
    if (!splitEncodedPath(request.url().path(QUrl::FullyEncoded).toUtf8(), &r)) {
        state->reject(400, QStringLiteral("path is not valid UTF-8"));
        return true;
    }
    r.query = request.query();
    r.headers = request.headers();
    r.peer = socket->peerAddress();
    r.body = request.body();
    // Honour Connection: close (6.4 ignores it).
    const bool close = r.header("Connection").compare("close", Qt::CaseInsensitive) == 0;
    Responder responder(state, r.method == Method::Head, close);
    if (m_handler) m_handler(std::move(r), std::move(responder));
    return true;
}

// WebSocket upgrades never reach QtHttpServer (ConnectionState takes them first), and every other
// request is answered in handleRequest(): nothing to do here but close.
void Frontend::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    Response refused = Response::error(404, QStringLiteral("not found"));
    refused.closeConnection = true;
    socket->write(serialize(refused, false));
}

bool Frontend::admitRefusalLog()
{
    const LogThrottle::Admission admitted = m_refusalLog.admit();
    if (admitted && admitted.suppressed > 0)
        qCInfo(lcHttp).noquote() << admitted.suppressed << "more refused or dropped connections were not logged";
    return bool(admitted);
}

void Frontend::countWebSocket(WebSocket *socket)
{
    ++m_webSockets;
    connect(socket, &QObject::destroyed, this, [this] { --m_webSockets; });
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
        if (state->m_requestStarted != 0 && !state->m_headDone && state->m_head.isEmpty()) {
            // Not a byte of a request: nobody to answer (a browser's speculative connection, or
            // a client holding slots).
            qCDebug(lcHttp) << "closing a connection that sent nothing from"
                            << state->socket()->peerAddress().toString();
            state->abort();
        } else if (state->m_requestStarted != 0) {
            if (admitRefusalLog())
                qCInfo(lcHttp).noquote() << "request not received in time from"
                                         << state->socket()->peerAddress().toString();
            state->stopParser();
            Response timeout = Response::error(408, QStringLiteral("request timeout"));
            timeout.closeConnection = true;
            state->write(serialize(timeout, false), true);
            state->m_requestStarted = 0;
        } else {
            qCDebug(lcHttp) << "closing idle connection from" << state->socket()->peerAddress().toString();
            state->abort();
        }
    }
}

} // namespace Http
