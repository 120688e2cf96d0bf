#include "httpconnection.h"

#include "clientlogging.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimerEvent>

namespace Cometd {

namespace {

constexpr qsizetype MaxHeadBytes = 64 * 1024;

QString socketErrorText(int error, const QString &fallback)
{
    switch (QAbstractSocket::SocketError(error)) {
    case QAbstractSocket::ConnectionRefusedError:
        return QStringLiteral("connection refused");
    case QAbstractSocket::RemoteHostClosedError:
        return QStringLiteral("connection closed by the server");
    case QAbstractSocket::HostNotFoundError:
        return QStringLiteral("host not found");
    default:
        return fallback;
    }
}

HttpResponse::Error socketErrorKind(int error)
{
    switch (QAbstractSocket::SocketError(error)) {
    case QAbstractSocket::ConnectionRefusedError:
        return HttpResponse::Error::Refused;
    case QAbstractSocket::RemoteHostClosedError:
        return HttpResponse::Error::Closed;
    default:
        return HttpResponse::Error::Network;
    }
}

} // namespace

QByteArray HttpResponse::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0) return value;
    }
    return {};
}

HttpConnection::HttpConnection(QObject *parent)
    : QObject(parent)
{ }

HttpConnection::~HttpConnection()
{
    // Handlers may point into the owner being destroyed: none may run from here on.
    m_queue.clear();
    m_current.reset();
    dropSocket();
}

void HttpConnection::request(HttpRequest request, std::chrono::milliseconds timeout, Handler handler)
{
    m_queue.append(Pending { std::move(request), timeout, std::move(handler) });
    startNext();
}

void HttpConnection::abort()
{
    m_queue.clear();
    m_current.reset();
    m_timer.stop();
    dropSocket();
}

void HttpConnection::closeIfIdle()
{
    if (!isBusy()) dropSocket();
}

void HttpConnection::startNext()
{
    if (m_current || m_queue.isEmpty()) return;
    m_current = m_queue.takeFirst();
    m_phase = Phase::Head;
    m_buffer.clear();
    m_response = HttpResponse();
    m_closeAfter = false;
    m_gotBytes = false;
    m_retried = false;
    m_timer.start(int(std::max<qint64>(1, m_current->timeout.count())), Qt::CoarseTimer, this);

    const QUrl &url = m_current->request.url;
    const QString host = url.host();
    const quint16 port = quint16(url.port(url.scheme() == u"https" ? 443 : 80));
    if (m_socket && (host != m_host || port != m_port || m_socket->state() != QAbstractSocket::ConnectedState))
        dropSocket();
    m_host = host;
    m_port = port;
    if (m_socket) {
        m_reused = true;
        writeCurrent();
    } else {
        m_reused = false;
        openSocket();
    }
}

void HttpConnection::openSocket()
{
    m_socket = new QTcpSocket(this);
    connect(m_socket, &QTcpSocket::connected, this, &HttpConnection::writeCurrent);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::errorOccurred, this,
        [this](QAbstractSocket::SocketError error) { onSocketLost(int(error)); });
    connect(m_socket, &QTcpSocket::disconnected, this,
        [this] { onSocketLost(int(QAbstractSocket::RemoteHostClosedError)); });
    m_socket->connectToHost(m_host, m_port);
}

void HttpConnection::dropSocket()
{
    if (!m_socket) return;
    QTcpSocket *socket = std::exchange(m_socket, nullptr);
    // This may run inside one of the socket's own signals: silence it and let the event loop delete
    // it (its destructor closes the connection).
    socket->disconnect(this);
    socket->setParent(nullptr);
    socket->deleteLater();
}

void HttpConnection::writeCurrent()
{
    if (!m_current || !m_socket) return;
    const HttpRequest &request = m_current->request;
    QByteArray path = request.url.path(QUrl::FullyEncoded).toLatin1();
    if (path.isEmpty()) path = "/";
    if (request.url.hasQuery()) path += '?' + request.url.query(QUrl::FullyEncoded).toLatin1();

    QByteArray out;
    out.reserve(256 + request.body.size());
    out += request.method + ' ' + path + " HTTP/1.1\r\nHost: " + m_host.toLatin1() + ':' + QByteArray::number(m_port)
        + "\r\n";
    for (const auto &[name, value] : request.headers)
        out += name + ": " + value + "\r\n";
    if (!request.body.isEmpty() || request.method == "POST")
        out += "Content-Length: " + QByteArray::number(request.body.size()) + "\r\n";
    out += "\r\n";
    out += request.body;
    m_socket->write(out);
}

void HttpConnection::onReadyRead()
{
    if (!m_socket) return;
    if (!m_current) {
        // Nothing was asked: a server that talks out of turn is not kept.
        dropSocket();
        return;
    }
    m_buffer += m_socket->readAll();
    m_gotBytes = true;
    // The body's own limit is checked as it is framed; this bounds what waits to be framed.
    if (m_buffer.size() > m_maxResponseBytes + MaxHeadBytes) {
        fail(HttpResponse::Error::TooLarge, QStringLiteral("response over %1 bytes").arg(m_maxResponseBytes));
        return;
    }
    if (parse()) complete();
}

void HttpConnection::onSocketLost(int socketError)
{
    if (!m_socket) return;
    const QString fallback = m_socket->errorString();
    if (!m_current) {
        dropSocket(); // the server closed an idle keep-alive connection
        return;
    }
    // What arrived with the close (a close-delimited body's end, say) counts.
    if (m_socket->bytesAvailable() > 0) {
        m_buffer += m_socket->readAll();
        m_gotBytes = true;
        if (m_phase != Phase::UntilClose && parse()) {
            complete();
            return;
        }
        if (!m_current) return; // parse() failed it
    }
    // A keep-alive connection the server closed just as the request went out: once more on a new one.
    if (m_reused && !m_gotBytes && !m_retried) {
        qCDebug(lcClient) << "keep-alive connection to" << m_host << m_port << "closed; sending again";
        m_retried = true;
        m_reused = false;
        dropSocket();
        openSocket();
        return;
    }
    if (m_phase == Phase::UntilClose && socketError == int(QAbstractSocket::RemoteHostClosedError)) {
        m_response.body += std::exchange(m_buffer, {});
        dropSocket();
        complete();
        return;
    }
    fail(socketErrorKind(socketError), socketErrorText(socketError, fallback));
}

bool HttpConnection::parse()
{
    for (;;) {
        switch (m_phase) {
        case Phase::Head:
            if (!parseHead()) return false;
            break;
        case Phase::Length: {
            const qint64 take = std::min<qint64>(m_remaining, m_buffer.size());
            m_response.body += m_buffer.left(take);
            m_buffer.remove(0, take);
            m_remaining -= take;
            return m_remaining == 0;
        }
        case Phase::Chunked:
            return parseChunks();
        case Phase::UntilClose:
            m_response.body += std::exchange(m_buffer, {});
            if (m_response.body.size() > m_maxResponseBytes)
                fail(HttpResponse::Error::TooLarge, QStringLiteral("response over %1 bytes").arg(m_maxResponseBytes));
            return false;
        }
    }
}

// Reads the status line and headers; false while incomplete (or after a failure).
bool HttpConnection::parseHead()
{
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_buffer.size() > MaxHeadBytes)
            fail(HttpResponse::Error::TooLarge, QStringLiteral("response head too large"));
        return false;
    }
    const QList<QByteArray> lines = m_buffer.left(end).split('\n');
    m_buffer.remove(0, end + 4);
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    bool numeric = false;
    const int status = statusLine.value(1).toInt(&numeric);
    if (!statusLine.value(0).startsWith("HTTP/1.") || !numeric || status < 100 || status > 999) {
        fail(HttpResponse::Error::Malformed, QStringLiteral("malformed status line"));
        return false;
    }
    if (status < 200) return true; // 100 Continue and friends: the real answer follows

    m_response.status = status;
    m_response.headers.clear();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) continue;
        m_response.headers.append({ line.left(colon).trimmed(), line.mid(colon + 1).trimmed() });
    }
    const QByteArray connection = m_response.header("Connection").toLower();
    m_closeAfter
        = connection.contains("close") || (statusLine.value(0) == "HTTP/1.0" && !connection.contains("keep-alive"));

    if (status == 204 || status == 304 || m_current->request.method == "HEAD") {
        m_phase = Phase::Length;
        m_remaining = 0;
    } else if (m_response.header("Transfer-Encoding").toLower().contains("chunked")) {
        m_phase = Phase::Chunked;
    } else if (const QByteArray length = m_response.header("Content-Length"); !length.isEmpty()) {
        bool ok = false;
        m_remaining = length.toLongLong(&ok);
        if (!ok || m_remaining < 0) {
            fail(HttpResponse::Error::Malformed, QStringLiteral("bad Content-Length"));
            return false;
        }
        if (m_remaining > m_maxResponseBytes) {
            fail(HttpResponse::Error::TooLarge, QStringLiteral("response over %1 bytes").arg(m_maxResponseBytes));
            return false;
        }
        m_phase = Phase::Length;
    } else {
        m_phase = Phase::UntilClose;
        m_closeAfter = true;
    }
    return true;
}

bool HttpConnection::parseChunks()
{
    for (;;) {
        const qsizetype lineEnd = m_buffer.indexOf("\r\n");
        if (lineEnd < 0) return false;
        QByteArray sizeText = m_buffer.left(lineEnd);
        if (const qsizetype semicolon = sizeText.indexOf(';'); semicolon >= 0) sizeText.truncate(semicolon);
        bool ok = false;
        const qint64 size = sizeText.trimmed().toLongLong(&ok, 16);
        if (!ok || size < 0) {
            fail(HttpResponse::Error::Malformed, QStringLiteral("bad chunk size"));
            return false;
        }
        if (size == 0) {
            // The last chunk, then optional trailers, then an empty line.
            const qsizetype trailerEnd = m_buffer.indexOf("\r\n\r\n", lineEnd);
            if (trailerEnd == lineEnd) {
                m_buffer.remove(0, lineEnd + 4);
                return true;
            }
            if (trailerEnd < 0) return false;
            m_buffer.remove(0, trailerEnd + 4);
            return true;
        }
        if (m_response.body.size() + size > m_maxResponseBytes) {
            fail(HttpResponse::Error::TooLarge, QStringLiteral("response over %1 bytes").arg(m_maxResponseBytes));
            return false;
        }
        if (m_buffer.size() < lineEnd + 2 + size + 2) return false;
        m_response.body += m_buffer.mid(lineEnd + 2, size);
        m_buffer.remove(0, lineEnd + 2 + size + 2);
    }
}

void HttpConnection::complete()
{
    m_timer.stop();
    if (m_closeAfter || !m_buffer.isEmpty()) dropSocket();
    m_buffer.clear();
    const Handler handler = std::move(m_current->handler);
    const HttpResponse response = std::exchange(m_response, {});
    m_current.reset();
    QPointer<HttpConnection> alive(this);
    if (handler) handler(response);
    if (alive) startNext();
}

void HttpConnection::fail(HttpResponse::Error error, const QString &text)
{
    m_timer.stop();
    dropSocket();
    m_buffer.clear();
    if (!m_current) return;
    qCDebug(lcClient) << "request to" << m_host << m_port << "failed:" << text;
    const Handler handler = std::move(m_current->handler);
    m_current.reset();
    m_phase = Phase::Head;
    HttpResponse response;
    response.error = error;
    response.errorString = text;
    QPointer<HttpConnection> alive(this);
    if (handler) handler(response);
    if (alive) startNext();
}

void HttpConnection::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    m_timer.stop();
    if (!m_current) return;
    fail(HttpResponse::Error::Timeout,
        QStringLiteral("no answer from %1:%2 within %3 ms").arg(m_host).arg(m_port).arg(m_current->timeout.count()));
}

HttpConnectionPool::HttpConnectionPool(int maxConnections)
    : m_max(std::max(1, maxConnections))
{ }

HttpConnectionPool::~HttpConnectionPool() = default;

HttpConnection *HttpConnectionPool::idle()
{
    for (const auto &connection : m_connections) {
        if (!connection->isBusy()) return connection.get();
    }
    if (int(m_connections.size()) >= m_max) return nullptr;
    m_connections.push_back(std::make_unique<HttpConnection>());
    return m_connections.back().get();
}

HttpConnection *HttpConnectionPool::any()
{
    if (HttpConnection *connection = idle()) return connection;
    return m_connections.at(m_next++ % m_connections.size()).get();
}

} // namespace Cometd
