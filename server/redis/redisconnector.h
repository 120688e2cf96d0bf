#pragma once

#include "redisasync.h"
#include "redisoptions.h"

#include <QObject>
#include <QStringList>
#include <QTimer>

#include <functional>

class QHostAddress;

namespace Redis {

// Keeps trying, for ever, to open a link to the Redis server the options name, directly or through
// Sentinel, until one is ready: connected, authenticated, its database selected and, behind
// Sentinel, checked to be the master. The pause between failed attempts doubles from the options'
// minimum to their maximum. Connection and Subscriber each own one.
class Connector final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Connector)
public:
    using Ready = std::function<void(AsyncContext::Ptr link)>;

    // `ready` gets each link, from the event loop (never from inside start() or reconnect()).
    Connector(Options options, Ready ready, QObject *parent = nullptr);
    ~Connector() override;

    void start();
    // The link handed over is lost: try again at once, then with the pauses.
    void reconnect();

    const Options &options() const { return m_options; }
    // The server of the last link handed over.
    const Endpoint &server() const { return m_server; }
    // Attempts made so far, successful or not.
    int attempts() const { return m_attempts; }
    // "Redis" or "Redis [name]", for log lines.
    QString label() const;

signals:
    // One attempt failed (the next is scheduled); `reason` names the server or sentinels tried.
    void failed(const QString &reason);

private:
    enum class Step { Idle, Sentinel, Server };

    void attempt();
    void askSentinel(qsizetype index);
    void onSentinelAnswer(const Reply &reply);
    void connectServer(const Endpoint &server);
    void handshake();
    void stepFailed(const QString &why);
    void fail(const QString &reason);
    void handOver();
    // Resolves `host` without blocking (hiredis would call getaddrinfo on the event loop).
    void resolve(const QString &host, std::function<void(const QHostAddress &)> then);
    // False when the connection failed at once (closed() follows).
    bool openContext(const QHostAddress &address, quint16 port);
    void dropContext();

    Options m_options;
    Ready m_ready;
    Step m_step = Step::Idle;
    qsizetype m_sentinel = 0;
    QStringList m_sentinelErrors;
    Endpoint m_target; // the server being connected to
    Endpoint m_server;
    AsyncContext::Ptr m_context; // the attempt's connection: to a sentinel, or to the server
    AsyncContext::Ptr m_handed; // ready, on its way to m_ready
    QTimer m_stepTimeout;
    QTimer m_retry;
    int m_backoffMs;
    int m_lookupId = -1;
    quint64 m_generation = 0; // tells a late host lookup from the current one
    int m_attempts = 0;
    bool m_started = false;
    QString m_lastFailure;
};

} // namespace Redis
