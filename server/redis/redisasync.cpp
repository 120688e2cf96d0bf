#include "redisasync.h"

#include <QHostAddress>
#include <QSocketNotifier>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <vector>

Q_LOGGING_CATEGORY(lcRedis, "cometd.redis", QtInfoMsg)

namespace Redis {

namespace {

Reply toReply(const redisReply *from)
{
    Reply reply;
    switch (from->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
        reply.type = from->type == REDIS_REPLY_STRING ? Reply::Type::String
            : from->type == REDIS_REPLY_STATUS        ? Reply::Type::Status
                                                      : Reply::Type::Error;
        reply.text = QByteArray(from->str, qsizetype(from->len));
        break;
    case REDIS_REPLY_INTEGER:
        reply.type = Reply::Type::Integer;
        reply.integer = from->integer;
        break;
    case REDIS_REPLY_ARRAY:
        reply.type = Reply::Type::Array;
        reply.elements.reserve(qsizetype(from->elements));
        for (size_t i = 0; i < from->elements; ++i)
            reply.elements.append(toReply(from->element[i]));
        break;
    default:
        break; // REDIS_REPLY_NIL
    }
    return reply;
}

bool isClosing(const redisAsyncContext *context)
{
    return context->c.flags & (REDIS_DISCONNECTING | REDIS_FREEING);
}

} // namespace

void AsyncContextDisposer::operator()(AsyncContext *context) const
{
    context->dispose();
}

AsyncContext::AsyncContext()
{
    m_progress.start();
}

AsyncContext::~AsyncContext()
{
    // Reached from the event loop only (dispose() defers the deletion otherwise), so hiredis frees
    // the context at once, answering what is still pending.
    if (m_context) freeContext(QStringLiteral("connection closed"));
}

void AsyncContext::dispose()
{
    m_disposed = true;
    if (m_depth == 0) {
        delete this;
        return;
    }
    // Inside one of this context's reply callbacks: redisAsyncFree() only marks the context there,
    // and hiredis frees it when the callback returns, calling our hooks and the callbacks still
    // pending; this object must still be there for them.
    if (m_context && !(m_context->c.flags & REDIS_FREEING)) freeContext(QStringLiteral("connection closed"));
    deleteLater();
}

AsyncContext::Ptr AsyncContext::open(const QHostAddress &address, quint16 port)
{
    Ptr self(new AsyncContext);
    const QByteArray ip = address.toString().toLatin1();
    redisAsyncContext *context = redisAsyncConnect(ip.constData(), port);
    if (!context) {
        self->emitClosedLater(QStringLiteral("out of memory"));
    } else if (context->err) {
        // Refused at once (connect(2) on loopback can fail synchronously); hiredis closed the socket.
        self->emitClosedLater(QString::fromUtf8(context->errstr));
        redisAsyncFree(context);
    } else {
        self->attach(context);
    }
    return self;
}

void AsyncContext::attach(redisAsyncContext *context)
{
    m_context = context;
    context->data = this;
    context->ev.data = this;
    context->ev.addRead = &AsyncContext::addRead;
    context->ev.delRead = &AsyncContext::delRead;
    context->ev.addWrite = &AsyncContext::addWrite;
    context->ev.delWrite = &AsyncContext::delWrite;
    context->ev.cleanup = &AsyncContext::cleanup;
    // A dead host (no reset, no FIN) is found out in about half a minute instead of never.
    redisEnableKeepAlive(&context->c);

    m_read = new QSocketNotifier(QSocketNotifier::Read, this);
    m_read->setSocket(context->c.fd);
    m_write = new QSocketNotifier(QSocketNotifier::Write, this);
    m_write->setSocket(context->c.fd);
    connect(m_read, &QSocketNotifier::activated, this, &AsyncContext::onReadable);
    connect(m_write, &QSocketNotifier::activated, this, &AsyncContext::onWritable);
    // hiredis learns that the connect finished (or failed) from the first write event.
    m_write->setEnabled(true);
}

bool AsyncContext::isOpen() const
{
    return m_context && !isClosing(m_context) && m_closeReason.isEmpty();
}

QByteArray AsyncContext::refusal(const QList<QByteArray> &args)
{
    if (args.isEmpty()) return QByteArrayLiteral("DOWN empty command");
    // hiredis keeps one callback per channel for these, called once per reply: not a command's.
    static const QByteArrayList pubSub { "subscribe", "psubscribe", "unsubscribe", "punsubscribe", "monitor" };
    if (pubSub.contains(args.first().toLower())) return "DOWN " + args.first() + " needs a Redis::Subscriber";
    return {};
}

void AsyncContext::command(const QList<QByteArray> &args, Callback done)
{
    QByteArray refused = refusal(args);
    if (refused.isEmpty() && !isOpen()) refused = "DOWN " + closingReason().toUtf8();
    if (refused.isEmpty() && m_subscribed) refused = QByteArrayLiteral("DOWN the connection is subscribed");
    if (!refused.isEmpty()) {
        done(Reply::error(refused));
        return;
    }
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    argv.reserve(size_t(args.size()));
    lengths.reserve(size_t(args.size()));
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        lengths.push_back(size_t(arg.size()));
    }
    auto *pending = new Callback(std::move(done));
    if (redisAsyncCommandArgv(m_context, &AsyncContext::onReply, pending, int(argv.size()), argv.data(), lengths.data())
        != REDIS_OK) {
        const std::unique_ptr<Callback> unsent(pending);
        (*unsent)(Reply::error(QByteArrayLiteral("DOWN the command could not be queued")));
        return;
    }
    if (m_pending++ == 0) m_progress.restart();
}

void AsyncContext::subscribe(const QList<QByteArray> &channels)
{
    if (!isOpen() || channels.isEmpty()) return;
    m_subscribed = true;
    std::vector<const char *> argv { "SUBSCRIBE" };
    std::vector<size_t> lengths { 9 };
    for (const QByteArray &channel : channels) {
        argv.push_back(channel.constData());
        lengths.push_back(size_t(channel.size()));
    }
    redisAsyncCommandArgv(m_context, &AsyncContext::onPush, nullptr, int(argv.size()), argv.data(), lengths.data());
}

void AsyncContext::setPushCallback(Callback push)
{
    m_push = std::move(push);
}

void AsyncContext::close(const QString &reason)
{
    // Once FREEING is set, hiredis is already freeing the context further up the stack.
    if (m_context && !(m_context->c.flags & REDIS_FREEING)) freeContext(reason);
}

void AsyncContext::discardPending()
{
    m_discard = true;
}

qint64 AsyncContext::stalledMs() const
{
    return m_pending > 0 ? m_progress.elapsed() : 0;
}

void AsyncContext::freeContext(const QString &reason)
{
    if (m_closeReason.isEmpty()) m_closeReason = reason;
    ++m_depth;
    redisAsyncFree(m_context);
    --m_depth;
}

void AsyncContext::onReadable()
{
    if (!m_context) return;
    ++m_depth;
    redisAsyncHandleRead(m_context);
    --m_depth;
}

void AsyncContext::onWritable()
{
    if (!m_context) return;
    ++m_depth;
    redisAsyncHandleWrite(m_context);
    --m_depth;
}

void AsyncContext::onFreed()
{
    // hiredis closes the socket right after this hook: stop watching it first, so that no dispatcher
    // keeps a closed (and soon reused) descriptor.
    m_read->setEnabled(false);
    m_write->setEnabled(false);
    const QString reason = closingReason();
    m_context = nullptr;
    if (!m_disposed) emitClosedLater(reason);
}

QString AsyncContext::closingReason() const
{
    if (!m_closeReason.isEmpty()) return m_closeReason;
    if (m_context && m_context->err) return QString::fromUtf8(m_context->errstr);
    return QStringLiteral("connection closed");
}

void AsyncContext::emitClosedLater(const QString &reason)
{
    QMetaObject::invokeMethod(
        this,
        [this, reason] {
            if (!m_disposed) emit closed(reason);
        },
        Qt::QueuedConnection);
}

void AsyncContext::addRead(void *self)
{
    static_cast<AsyncContext *>(self)->m_read->setEnabled(true);
}

void AsyncContext::delRead(void *self)
{
    static_cast<AsyncContext *>(self)->m_read->setEnabled(false);
}

void AsyncContext::addWrite(void *self)
{
    static_cast<AsyncContext *>(self)->m_write->setEnabled(true);
}

void AsyncContext::delWrite(void *self)
{
    static_cast<AsyncContext *>(self)->m_write->setEnabled(false);
}

void AsyncContext::cleanup(void *self)
{
    static_cast<AsyncContext *>(self)->onFreed();
}

void AsyncContext::onReply(redisAsyncContext *context, void *reply, void *done)
{
    // Every command's callback comes here exactly once: with its reply, or with none when hiredis
    // frees the context first.
    const std::unique_ptr<Callback> callback(static_cast<Callback *>(done));
    auto *self = static_cast<AsyncContext *>(context->data);
    --self->m_pending;
    if (reply) self->m_progress.restart();
    if (self->m_discard) return;
    (*callback)(reply ? toReply(static_cast<const redisReply *>(reply))
                      : Reply::error("DOWN " + self->closingReason().toUtf8()));
}

void AsyncContext::onPush(redisAsyncContext *context, void *reply, void * /*unused*/)
{
    auto *self = static_cast<AsyncContext *>(context->data);
    if (!reply || self->m_discard || self->m_disposed || !self->m_push) return;
    self->m_push(toReply(static_cast<const redisReply *>(reply)));
}

} // namespace Redis
