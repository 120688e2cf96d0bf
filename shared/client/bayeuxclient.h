#pragma once

#include <QJsonValue>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <chrono>
#include <memory>
#include <optional>

namespace Cometd {

enum class ClientTransport { LongPolling, WebSocket };

// What a client needs to find its node and authenticate (SPEC §2, §3).
struct ClientOptions
{
    // REST base of the balancer (or of any all-in-one process), ending in '/', e.g.
    // http://127.0.0.1:8080/rest/ : cometdurl, releasecometd and gettoken are asked relative to it
    // and to the node it names.
    QUrl baseUrl;
    // When set (scheme://host:port), cometdurl is skipped and this node is used directly.
    QUrl nodeUrl;
    QString user; // exoId
    ClientTransport transport = ClientTransport::LongPolling;
    QStringList channels; // subscribed after every handshake, again after a re-handshake or failover
    bool ack = true; // use the ack extension when the server offers it
    bool failover = true; // when the node fails, ask cometdurl again and re-handshake there
    QByteArray apiKey; // sent as "Authorization: Bearer" on gettoken when the cluster requires it
    std::chrono::milliseconds requestTimeout { 10000 }; // any request but a held /meta/connect
    std::chrono::milliseconds maxBackoff { 5000 }; // cap of the reconnect backoff
};

// An answer that refused the client's attempt to connect, as opposed to no answer at all: a program
// that reports on many clients (cometd-stress) groups them by it, and need not wait for a client
// that was told no.
struct ClientRefusal
{
    enum class By { Balancer, Node };
    enum class Step { Locate, Token, Handshake, Subscribe };
    By by = By::Balancer;
    Step step = Step::Locate;
    int httpStatus = 0; // Locate and Token: the HTTP answer's status
    QString reason; // the refuser's words: the answer's first line, or the Bayeux error ("503::node full")

    friend bool operator==(const ClientRefusal &, const ClientRefusal &) = default;
};

// One application message as the server delivered it.
struct ClientMessage
{
    QString channel;
    QJsonValue data;
    QString id;
};

// A Bayeux 1.0 client for one user, fully asynchronous: cometdurl → gettoken → handshake with
// exoId/exoToken → subscribe → /meta/connect loop, following the server's advice.
class BayeuxClient final : public QObject
{
    Q_OBJECT
public:
    enum class State {
        Idle, // not started, or stopped
        Locating, // asking the balancer for a node
        Authorizing, // asking the node for a token
        Handshaking,
        Connected, // handshaken; the /meta/connect loop runs
        Reconnecting, // waiting out the advice interval or a backoff before trying again
        Disconnecting, // stop() was called
        Failed // the server said reconnect "none", or the token was refused
    };
    Q_ENUM(State)

    explicit BayeuxClient(ClientOptions options, QObject *parent = nullptr);
    ~BayeuxClient() override;

    void start();
    // Adds a channel to the options' list; subscribed at once when connected.
    void subscribe(const QString &channel);
    void publish(const QString &channel, const QJsonValue &data);
    // Sends /meta/disconnect, then releasecometd when releaseSlot; emits stopped() when both are
    // answered or timed out.
    void stop(bool releaseSlot = true);

    State state() const;
    QString clientId() const;
    QUrl nodeUrl() const; // the node in use, scheme://host:port
    const ClientOptions &options() const;
    // The refusal that answered the latest attempt to connect; none once ready, or when the latest
    // attempt got no answer (unreachable, timed out).
    std::optional<ClientRefusal> lastRefusal() const;

Q_SIGNALS:
    void stateChanged(Cometd::BayeuxClient::State state);
    // Handshaken and every channel of the options subscribed; emitted again after each
    // re-handshake or failover.
    void ready();
    void messageReceived(const Cometd::ClientMessage &message);
    // Something went wrong; the client retries unless it is now Failed. Human-readable.
    void errorOccurred(const QString &error);
    void failedOver(const QUrl &newNode);
    void stopped();

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace Cometd
