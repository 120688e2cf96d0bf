#pragma once

#include "httpconnection.h"

#include <QByteArray>
#include <QObject>
#include <QQueue>
#include <QString>
#include <QUrl>

#include <chrono>
#include <functional>

// One call of the delivery API (SPEC §2).
struct SendRequest
{
    bool broadcast = false;
    QString channel;
    QString exoId; // private messages only
    QString message;
    QString id;
};

// Posts delivery-API calls over `maxInFlight` keep-alive connections, one request in flight on each
// (the rest wait here, so that "issued" means "handed to the network", which is where latency
// starts). Each request leaves in one write: QNetworkAccessManager writes the head and the body
// apart with Nagle on, and the node's delayed ACK then holds every keep-alive POST ~40 ms, which
// capped a broadcast-heavy run at 6 sends per 40 ms.
class Sender final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Sender)
public:
    // HTTP status of the answer; 0 when there was none (refused, timed out, ...).
    using Done = std::function<void(int status)>;
    using Issued = std::function<void()>;

    // `baseUrls` in order of preference: the next is used once the current one fails to answer (no
    // answer, or 502/503/504), so that a balancer killed mid-run leaves the others to carry on.
    Sender(QList<QUrl> baseUrls, QByteArray apiKey, int maxInFlight, std::chrono::milliseconds requestTimeout,
        QObject *parent = nullptr);
    ~Sender() override;

    static QByteArray body(const SendRequest &request);
    QUrl urlFor(const SendRequest &request) const;
    qsizetype switches() const { return m_switches; } // times it moved to the next base URL

    void send(const SendRequest &request, Issued issued, Done done);
    int pending() const { return int(m_queue.size()) + m_inFlight; }
    qint64 requests() const { return m_requests; }

private:
    struct Queued
    {
        SendRequest request;
        Issued issued;
        Done done;
    };
    void pump();

    QList<QUrl> m_baseUrls;
    qsizetype m_current = 0;
    qsizetype m_switches = 0;
    QByteArray m_apiKey;
    std::chrono::milliseconds m_requestTimeout;
    Cometd::HttpConnectionPool m_pool; // its size bounds the requests in flight
    QQueue<Queued> m_queue;
    int m_inFlight = 0;
    qint64 m_requests = 0;
};
