// The decisions of a Bayeux client, without sockets or timers: which request comes next, the
// messages it carries, and what a reply, its advice or a failure mean. BayeuxClient runs its actions.
#pragma once

#include "bayeuxclient.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUrl>

#include <chrono>
#include <optional>

namespace Cometd {

class ClientProtocol final
{
public:
    using State = BayeuxClient::State;

    struct Action
    {
        enum class Kind {
            Locate, // GET url (cometdurl on the balancer)
            FetchToken, // GET url (gettoken on the node), with the API key when there is one
            Release, // GET url (releasecometd), then call released()
            Send, // messages to the node: a POST, or a WebSocket frame; `connect` for a /meta/connect
            Schedule, // call timerFired() after delay (replaces a pending one)
            CancelTimer,
            ResetTransport, // drop every connection to the node and whatever is in flight on them
            Deliver, // message
            Ready,
            FailedOver, // url
            Error, // text
            Stopped,
        };
        Kind kind;
        QUrl url;
        QJsonArray messages;
        bool connect = false;
        std::chrono::milliseconds delay { 0 };
        std::chrono::milliseconds timeout { 0 }; // Send: how long to wait for the answer
        QString text;
        ClientMessage message;
    };
    using Actions = QList<Action>;

    // What the server advised last (Bayeux 1.0 §5.7); the defaults apply until it says otherwise.
    struct Advice
    {
        enum class Reconnect { Retry, Handshake, None };
        Reconnect reconnect = Reconnect::Retry;
        std::chrono::milliseconds interval { 0 };
        std::chrono::milliseconds timeout { 30000 };
    };

    explicit ClientProtocol(ClientOptions options);

    Actions start();
    Actions stop(bool releaseSlot);
    Actions subscribe(const QString &channel);
    Actions publish(const QString &channel, const QJsonValue &data);

    // Answers to the actions.
    Actions located(int status, const QByteArray &body); // status 0: the balancer was unreachable
    Actions tokenReceived(int status, const QByteArray &body); // status 0: the node was unreachable
    Actions received(const QJsonArray &messages);
    Actions transportFailed(const QString &error); // a Send got no usable answer
    Actions released();
    Actions timerFired();

    State state() const { return m_state; }
    QString clientId() const { return m_clientId; }
    QUrl node() const { return m_node; }
    const ClientOptions &options() const { return m_options; }
    const Advice &advice() const { return m_advice; }
    const std::optional<ClientRefusal> &lastRefusal() const { return m_lastRefusal; }
    bool ackEnabled() const { return m_ackEnabled; }
    qint64 ackBatch() const { return m_ackBatch; }
    // Changes whenever what was sent before no longer matters (a new handshake, stop()): actions
    // of an older epoch are skipped.
    quint64 epoch() const { return m_epoch; }
    // The backoff after `failures` consecutive failures (1 = the first), before jitter.
    std::chrono::milliseconds backoff(int failures) const;

    QUrl cometdUrl() const; // {node}/cometd/cometd
    QString connectionType() const;

private:
    enum class Next { Nothing, Locate, FetchToken, Handshake, Connect };

    Actions go(Next next); // do it now
    Actions later(Next next, std::chrono::milliseconds delay, State waiting);
    Actions retryAfterFailure(Next next, const QString &error);
    Actions rehandshake(const QString &reason);
    Actions readyActions();
    Actions fail(const QString &error);
    void refusedBy(ClientRefusal::By by, ClientRefusal::Step step, int httpStatus, const QString &reason);
    Actions finishStop();

    Actions onHandshakeReply(const QJsonObject &reply);
    Actions onConnectReply(const QJsonObject &reply);
    Actions onSubscribeReply(const QJsonObject &reply);
    Actions onDisconnectReply();
    void readAdvice(const QJsonObject &reply);

    QJsonObject newMessage(QLatin1StringView channel);
    Action send(QJsonArray messages, bool connect = false) const;
    Action sendSubscriptions(const QStringList &channels);
    QUrl restUrl(const QUrl &base, QLatin1StringView path) const;

    ClientOptions m_options;
    bool m_fromBalancer = false; // the node came from cometdurl (failover and release apply)
    State m_state = State::Idle;
    quint64 m_epoch = 0;
    quint64 m_nextId = 0;
    Next m_pending = Next::Nothing; // what timerFired() does

    QUrl m_node;
    QUrl m_failedNode; // set while failing over: the node that stopped answering
    QString m_token;
    bool m_tokenFresh = false; // fetched for the handshake in flight (a refused one is not fetched again)
    QString m_clientId;
    Advice m_advice;
    bool m_ackEnabled = false;
    qint64 m_ackBatch = -1;
    bool m_connectInFlight = false;
    bool m_ready = false; // ready() emitted for this session
    QHash<QString, QString> m_subscribing; // message id → channel, until answered
    bool m_subscriptionFailed = false;
    int m_failures = 0; // consecutive, for the backoff
    std::optional<ClientRefusal> m_lastRefusal;
    bool m_releaseSlot = false;
    bool m_releasing = false; // releasecometd in flight
};

} // namespace Cometd
