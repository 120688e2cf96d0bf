#pragma once

#include "redisasync.h"
#include "redisconnector.h"
#include "redisoptions.h"
#include "redisreply.h"

#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>
#include <utility>

namespace Redis {

// A connection to Redis for commands, on this thread's event loop and never blocking it. It stays
// connected for ever: reconnects with backoff when Redis goes away, follows a Sentinel failover,
// and says so with up() and down(). Commands are pipelined; each callback is called exactly once.
class Connection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Connection)
public:
    using Callback = std::function<void(const Reply &)>;

    explicit Connection(Options options, QObject *parent = nullptr);
    // Commands still waiting are answered with Reply::error("DOWN ...") from inside the destructor:
    // declare the Connection after whatever its callbacks use, so that it goes first.
    ~Connection() override;

    // Connects, and from then on reconnects whenever the link is lost.
    void start();
    bool isUp() const { return m_link != nullptr; }
    const Options &options() const { return m_connector.options(); }
    // The server it is connected to (or was last).
    const Endpoint &server() const { return m_connector.server(); }
    // Connection attempts so far, successful or not.
    int attempts() const { return m_connector.attempts(); }

    // Sends `args` (a command and its arguments). `done` gets Redis' reply, or Reply::error("DOWN
    // ...") when the connection is down (then on the next event-loop turn, never from inside
    // command()) or goes down before the reply comes. Replies come in the order of the commands.
    // SUBSCRIBE and its kind are refused: see Subscriber.
    void command(const QList<QByteArray> &args, Callback done);

signals:
    // Connected, authenticated, database selected (and, behind Sentinel, on the master).
    void up();
    // The link was lost; commands in flight have had their error. Reconnecting already.
    void down();
    // An attempt to connect failed; another follows after the backoff.
    void connectFailed(const QString &reason);

private:
    void attach(AsyncContext::Ptr link);
    void linkClosed(const QString &reason);
    void dropLink(const QString &reason);
    void wentDown(const QString &reason);
    void checkLink();
    void refuse(Callback done, const QByteArray &why);
    void answerRefused();

    Connector m_connector;
    AsyncContext::Ptr m_link; // set while up
    QTimer m_watchdog;
    QList<std::pair<Callback, QByteArray>> m_refused; // answered on the next event-loop turn
};

} // namespace Redis
