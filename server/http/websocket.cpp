#include "websocket.h"

#include "logthrottle.h"

#include <QHash>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace Http {

namespace {

using namespace WebSocketProtocol;

constexpr qsizetype ReadChunk = 64 * 1024;
// Bytes read per wake-up at most, so that one busy client cannot starve the others (the
// notifier fires again while more is waiting).
constexpr qsizetype MaxReadPerWake = 4 * ReadChunk;
constexpr int MaxIovecs = 64;
constexpr int CloseGraceMs = 2000;
constexpr qsizetype MaxSharedHeaders = 4096;

// The header of a text frame of `length` bytes, shared: a message fanned out to many clients has
// the same length for all of them, so its header is allocated once, not once per client (a slow
// reader's backlog is then references only).
QByteArray textHeader(qint64 length)
{
    static QHash<qint64, QByteArray> cache;
    const auto it = cache.constFind(length);
    if (it != cache.cend()) return *it;
    if (cache.size() >= MaxSharedHeaders) cache.clear();
    return *cache.insert(length, frameHeader(Opcode::Text, length));
}

} // namespace

WebSocket::WebSocket(qintptr descriptor, Request request, qint64 maxMessageBytes, QObject *parent)
    : QObject(parent)
    , m_fd(descriptor)
    , m_request(std::move(request))
    , m_peer(m_request.peer)
    , m_reader(maxMessageBytes)
{ }

WebSocket::~WebSocket()
{
    // Notifiers go before the descriptor they watch.
    delete m_readNotifier;
    delete m_writeNotifier;
    ::close(int(m_fd));
}

void WebSocket::writeHandshake(const QByteArray &response)
{
    enqueue(response, {});
    flush();
}

void WebSocket::start(const QByteArray &alreadyRead)
{
    if (m_state == State::Closed) return;
    m_readNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &WebSocket::onReadable);
    if (!alreadyRead.isEmpty()) {
        QList<Event> events;
        m_reader.feed(alreadyRead, &events);
        for (const Event &event : std::as_const(events)) {
            if (m_state == State::Closed) return;
            handle(event);
        }
    }
}

void WebSocket::onReadable()
{
    char buffer[ReadChunk];
    qsizetype total = 0;
    QList<Event> events;
    while (m_state != State::Closed && total < MaxReadPerWake) {
        const ssize_t n = ::read(int(m_fd), buffer, sizeof buffer);
        if (n > 0) {
            total += n;
            if (m_reader.isFinished()) continue; // after a close or an error: discard
            events.clear();
            m_reader.feed(QByteArrayView(buffer, n), &events);
            for (const Event &event : std::as_const(events)) {
                if (m_state == State::Closed) return;
                handle(event);
            }
            if (n < qsizetype(sizeof buffer)) return;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        finish(); // end of stream, or an error
        return;
    }
}

void WebSocket::handle(const Event &event)
{
    switch (event.kind) {
    case Event::Kind::Text:
    case Event::Kind::Binary:
        if (m_state == State::Open) Q_EMIT textReceived(event.payload);
        return;
    case Event::Kind::Ping:
        // A client that pings without reading gets no pile of pongs: one waits at a time.
        if (m_state != State::Open || m_writtenTotal < m_pongEnd) return;
        enqueue(frameHeader(Opcode::Pong, event.payload.size()), event.payload);
        m_pongEnd = m_queuedTotal;
        flush();
        return;
    case Event::Kind::Pong:
        Q_EMIT pongReceived();
        return;
    case Event::Kind::Close:
        if (m_state == State::Open) close(event.code == NoStatus ? quint16(Normal) : event.code);
        return;
    case Event::Kind::Error: {
        // One process, one thread: a throttle for every WebSocket's protocol errors.
        static LogThrottle errors;
        if (const LogThrottle::Admission admitted = errors.admit()) {
            if (admitted.suppressed > 0)
                qCInfo(lcHttp).noquote() << admitted.suppressed << "more WebSocket protocol errors were not logged";
            qCInfo(lcHttp).noquote() << "WebSocket from" << m_peer.toString() << "closed:" << event.payload.constData();
        }
        close(event.code);
        return;
    }
    }
}

void WebSocket::sendText(const QByteArray &payload)
{
    if (m_state != State::Open) return;
    enqueue(textHeader(payload.size()), payload);
    flush();
}

void WebSocket::sendTexts(const QList<QByteArray> &payloads)
{
    if (m_state != State::Open) return;
    for (const QByteArray &payload : payloads)
        enqueue(textHeader(payload.size()), payload);
    flush();
}

void WebSocket::ping()
{
    if (m_state != State::Open) return;
    enqueue(frame(Opcode::Ping, {}), {});
    flush();
}

void WebSocket::close(quint16 code, QByteArrayView reason)
{
    if (m_state != State::Open) return;
    m_state = State::Closing;
    m_readNotifier->setEnabled(false);
    enqueue(closeFrame(code, reason), {});
    m_closeGrace = new QTimer(this);
    m_closeGrace->setSingleShot(true);
    connect(m_closeGrace, &QTimer::timeout, this, &WebSocket::finish);
    m_closeGrace->start(CloseGraceMs);
    flush();
}

void WebSocket::abort()
{
    finish();
}

void WebSocket::enqueue(QByteArray header, QByteArray payload)
{
    m_queuedTotal += header.size() + payload.size();
    m_out.append(std::move(header));
    if (!payload.isEmpty()) m_out.append(std::move(payload));
}

void WebSocket::flush()
{
    if (m_state == State::Closed) return;
    while (!m_out.isEmpty()) {
        iovec iov[MaxIovecs];
        int count = 0;
        for (qsizetype i = 0; i < m_out.size() && count < MaxIovecs; ++i, ++count) {
            const QByteArray &chunk = m_out.at(i);
            const qsizetype skip = i == 0 ? m_outOffset : 0;
            iov[count].iov_base = const_cast<char *>(chunk.constData()) + skip;
            iov[count].iov_len = size_t(chunk.size() - skip);
        }
        msghdr message {};
        message.msg_iov = iov;
        message.msg_iovlen = size_t(count);
        const ssize_t n = ::sendmsg(int(m_fd), &message, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            finishLater(); // the peer is gone
            return;
        }
        m_writtenTotal += n;
        qsizetype left = n;
        while (left > 0) {
            const qsizetype rest = m_out.first().size() - m_outOffset;
            if (left < rest) {
                m_outOffset += left;
                left = 0;
            } else {
                left -= rest;
                m_out.removeFirst();
                m_outOffset = 0;
            }
        }
        if (n > 0) Q_EMIT bytesWritten();
        if (m_state == State::Closed) return;
    }
    if (m_out.isEmpty()) {
        if (m_writeNotifier) m_writeNotifier->setEnabled(false);
        // Our close frame is out: the server ends the TCP connection (RFC 6455 §7.1.1).
        if (m_state == State::Closing) finishLater();
        return;
    }
    if (!m_writeNotifier) {
        m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
        connect(m_writeNotifier, &QSocketNotifier::activated, this, &WebSocket::onWritable);
    }
    m_writeNotifier->setEnabled(true);
}

void WebSocket::onWritable()
{
    flush();
}

void WebSocket::finishLater()
{
    if (m_finishQueued || m_state == State::Closed) return;
    m_finishQueued = true;
    QMetaObject::invokeMethod(this, &WebSocket::finish, Qt::QueuedConnection);
}

void WebSocket::finish()
{
    if (m_state == State::Closed) return;
    m_state = State::Closed;
    // This may run inside a notifier's own activation: the notifiers and the descriptor go in the
    // destructor; the connection itself ends now.
    if (m_readNotifier) m_readNotifier->setEnabled(false);
    if (m_writeNotifier) m_writeNotifier->setEnabled(false);
    if (m_closeGrace) m_closeGrace->stop();
    ::shutdown(int(m_fd), SHUT_RDWR);
    m_out.clear();
    m_outOffset = 0;
    m_writtenTotal = m_queuedTotal;
    Q_EMIT disconnected();
}

} // namespace Http
