#pragma once

#include "redisreply.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QObject>

#include <functional>
#include <memory>

struct redisAsyncContext;
class QHostAddress;
class QSocketNotifier;

Q_DECLARE_LOGGING_CATEGORY(lcRedis)

namespace Redis {

class AsyncContext;

struct AsyncContextDisposer
{
    void operator()(AsyncContext *context) const;
};

// One hiredis asynchronous context (one TCP connection, never reconnected) driven by this thread's
// event loop through two QSocketNotifiers: our own adapter, as hiredis' adapters/qt.h needs moc run
// on a system header.
//
// hiredis frees a context from inside its own calls (on an I/O error, or when a reply callback asked
// for it), runs the callbacks still pending with no reply while it does, and may not be called from
// its connect, disconnect or event hooks. This class is the one place that knows those rules: it
// calls hiredis only from the event loop or from inside a reply callback, and it outlives every call
// hiredis makes into it (see AsyncContextDisposer), so nothing above it can call hiredis wrongly.
class AsyncContext final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AsyncContext)
public:
    using Callback = std::function<void(const Reply &)>;
    // Disposing of a context closes it (as close() does) and deletes it; when that happens inside
    // one of its own callbacks, hiredis finishes with it first and the object goes on the next
    // event-loop turn.
    using Ptr = std::unique_ptr<AsyncContext, AsyncContextDisposer>;

    // Starts a non-blocking connect to a numeric address (hiredis 0.14 would resolve a host name
    // synchronously). Commands may be sent at once: they leave when the connection is made, or are
    // answered with an error if it is not. A failure comes as closed(), never from inside open().
    static Ptr open(const QHostAddress &address, quint16 port);

    // Whether commands can still be sent: false once the connection is lost or closing.
    bool isOpen() const;

    // Sends a command, pipelined behind those in flight. `done` is called exactly once: with the
    // reply, or with Reply::error("DOWN ...") when the connection goes first (also when the context is
    // disposed of) unless discardPending() was called. The pub/sub commands are refused: they have
    // one reply per channel (see subscribe()). When the context is not open or the command is
    // refused, `done` gets its error at once; callers check isOpen() first.
    void command(const QList<QByteArray> &args, Callback done);
    // Why `args` cannot go through command(); empty when they can.
    static QByteArray refusal(const QList<QByteArray> &args);

    // SUBSCRIBE: puts the connection in pub/sub mode for good (command() refuses everything from then
    // on). Every reply of the subscription goes to the push callback: one ["subscribe", channel,
    // count] per channel (again for a channel subscribed again), then ["message", channel, payload].
    void subscribe(const QList<QByteArray> &channels);
    // Never called with a lost connection's "no reply": closed() says it. Set before subscribe().
    void setPushCallback(Callback push);

    // Ends the connection now: commands in flight get Reply::error("DOWN " + reason), at once, or
    // when called from inside one of this context's reply callbacks, as soon as that callback
    // returns. closed() follows.
    void close(const QString &reason);
    // Commands in flight are dropped uncalled from now on: for an owner abandoning the context whose
    // callbacks point at itself.
    void discardPending();

    // Commands waiting for their reply.
    qsizetype pending() const { return m_pending; }
    // While commands wait: the milliseconds since the last reply (or since the first of them was
    // sent); 0 when none waits.
    qint64 stalledMs() const;

signals:
    // The connection is gone: refused, reset, closed by either side. Emitted once, from the event
    // loop, never after the context is disposed of.
    void closed(const QString &reason);

private:
    friend struct AsyncContextDisposer;
    AsyncContext();
    ~AsyncContext() override;
    void dispose();
    void attach(redisAsyncContext *context);
    void freeContext(const QString &reason);
    void onReadable();
    void onWritable();
    void onFreed();
    QString closingReason() const;
    void emitClosedLater(const QString &reason);

    // hiredis' hooks and callbacks.
    static void addRead(void *self);
    static void delRead(void *self);
    static void addWrite(void *self);
    static void delWrite(void *self);
    static void cleanup(void *self);
    static void onReply(redisAsyncContext *context, void *reply, void *done);
    static void onPush(redisAsyncContext *context, void *reply, void *unused);

    redisAsyncContext *m_context = nullptr; // null once hiredis has freed it
    QSocketNotifier *m_read = nullptr;
    QSocketNotifier *m_write = nullptr;
    Callback m_push;
    QString m_closeReason;
    QElapsedTimer m_progress;
    qsizetype m_pending = 0;
    int m_depth = 0; // calls into hiredis for this context on the stack
    bool m_subscribed = false;
    bool m_disposed = false;
    bool m_discard = false;
};

} // namespace Redis
