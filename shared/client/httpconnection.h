// A light asynchronous HTTP/1.1 client over one keep-alive QTcpSocket: one request in flight, the
// rest queued; Content-Length, chunked and close-delimited bodies; a timeout per request.
#pragma once

#include <QBasicTimer>
#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QUrl>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QTcpSocket;

namespace Cometd {

struct HttpRequest
{
    QByteArray method = QByteArrayLiteral("GET");
    QUrl url; // http://host:port/path?query
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
};

struct HttpResponse
{
    enum class Error { None, Refused, Closed, Timeout, TooLarge, Malformed, Network };
    Error error = Error::None;
    QString errorString;
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    bool ok() const { return error == Error::None; }
    QByteArray header(QByteArrayView name) const;
};

class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)
public:
    using Handler = std::function<void(const HttpResponse &)>;
    static constexpr qsizetype DefaultMaxResponseBytes = 16 * 1024 * 1024;

    explicit HttpConnection(QObject *parent = nullptr);
    ~HttpConnection() override;

    // Queues the request; the handler runs once with the answer or the error, unless abort() comes
    // first. The timeout runs from the moment the request leaves the queue.
    void request(HttpRequest request, std::chrono::milliseconds timeout, Handler handler);
    // Drops the request in flight and the queued ones without calling their handlers; closes the socket.
    void abort();
    // Closes the socket when no request is in flight or queued (the next request opens a new one).
    void closeIfIdle();

    bool isBusy() const { return m_current.has_value() || !m_queue.isEmpty(); }
    bool isOpen() const { return m_socket != nullptr; }
    void setMaxResponseBytes(qsizetype bytes) { m_maxResponseBytes = bytes; }

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    struct Pending
    {
        HttpRequest request;
        std::chrono::milliseconds timeout;
        Handler handler;
    };
    enum class Phase { Head, Length, Chunked, UntilClose };

    void startNext();
    void openSocket();
    void dropSocket();
    void writeCurrent();
    void onReadyRead();
    void onSocketLost(int socketError);
    bool parse(); // true when the answer is complete
    bool parseHead();
    bool parseChunks();
    void complete();
    void fail(HttpResponse::Error error, const QString &text);

    QTcpSocket *m_socket = nullptr; // child; replaced by a new one after every close
    QString m_host;
    quint16 m_port = 0;
    std::optional<Pending> m_current;
    QList<Pending> m_queue;
    QBasicTimer m_timer;
    qsizetype m_maxResponseBytes = DefaultMaxResponseBytes;

    // The answer being read.
    Phase m_phase = Phase::Head;
    QByteArray m_buffer;
    HttpResponse m_response;
    qint64 m_remaining = 0;
    bool m_closeAfter = false;
    bool m_reused = false; // sent on a connection that had served a request before
    bool m_gotBytes = false;
    bool m_retried = false;
};

// A few keep-alive connections to one server, opened as they are needed, so that a sender can have
// several requests in flight without opening a connection per request.
class HttpConnectionPool final
{
    Q_DISABLE_COPY_MOVE(HttpConnectionPool)
public:
    explicit HttpConnectionPool(int maxConnections);
    ~HttpConnectionPool();

    // An idle connection, opening one while under the cap; nullptr when all are busy.
    HttpConnection *idle();
    // idle(), or else the busy connections in turn (the request waits in that one's queue).
    HttpConnection *any();

private:
    int m_max;
    std::vector<std::unique_ptr<HttpConnection>> m_connections;
    size_t m_next = 0;
};

} // namespace Cometd
