#include "redisconnector.h"

#include <QHostAddress>
#include <QHostInfo>

#include <algorithm>

namespace Redis {

Connector::Connector(Options options, Ready ready, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_ready(std::move(ready))
    , m_backoffMs(m_options.minBackoffMs)
{
    m_stepTimeout.setSingleShot(true);
    connect(&m_stepTimeout, &QTimer::timeout, this,
        [this] { stepFailed(QStringLiteral("no answer in %1 ms").arg(m_options.connectTimeoutMs)); });
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &Connector::attempt);
}

Connector::~Connector()
{
    // The attempt's callbacks point at this object: they must not run any more.
    dropContext();
}

void Connector::start()
{
    if (std::exchange(m_started, true)) return;
    m_retry.start(0);
}

void Connector::reconnect()
{
    dropContext();
    m_step = Step::Idle;
    m_retry.start(0);
}

QString Connector::label() const
{
    return m_options.name.isEmpty() ? QStringLiteral("Redis") : QStringLiteral("Redis [%1]").arg(m_options.name);
}

void Connector::attempt()
{
    ++m_attempts;
    m_sentinelErrors.clear();
    if (!m_options.sentinels.isEmpty()) {
        if (m_options.master.isEmpty()) {
            fail(QStringLiteral("Sentinel needs the name of the master"));
            return;
        }
        askSentinel(0);
    } else if (m_options.server.host.isEmpty()) {
        fail(QStringLiteral("no server host"));
    } else {
        connectServer(m_options.server);
    }
}

void Connector::askSentinel(qsizetype index)
{
    if (index >= m_options.sentinels.size()) {
        fail(QStringLiteral("no sentinel gave the address of master %1 (%2)")
                 .arg(QString::fromUtf8(m_options.master), m_sentinelErrors.join(QStringLiteral("; "))));
        return;
    }
    m_step = Step::Sentinel;
    m_sentinel = index;
    m_stepTimeout.start(m_options.connectTimeoutMs);
    const Endpoint &sentinel = m_options.sentinels.at(index);
    resolve(sentinel.host, [this, port = sentinel.port](const QHostAddress &address) {
        if (!openContext(address, port)) return;
        m_context->command({ "SENTINEL", "get-master-addr-by-name", m_options.master },
            [this](const Reply &reply) { onSentinelAnswer(reply); });
    });
}

void Connector::onSentinelAnswer(const Reply &reply)
{
    if (reply.isError()) {
        stepFailed(QString::fromUtf8(reply.text));
        return;
    }
    if (reply.isNil()) {
        stepFailed(QStringLiteral("does not know master %1").arg(QString::fromUtf8(m_options.master)));
        return;
    }
    bool ok = false;
    const uint port = reply.isArray() && reply.elements.size() == 2 ? reply.elements.at(1).text.toUInt(&ok) : 0;
    if (!ok || port == 0 || port > 65535 || reply.elements.at(0).text.isEmpty()) {
        stepFailed(QStringLiteral("unexpected answer %1").arg(QString::fromUtf8(reply.toDebugText())));
        return;
    }
    const Endpoint master { QString::fromUtf8(reply.elements.at(0).text), quint16(port) };
    qCDebug(lcRedis).noquote() << label() << "sentinel" << m_options.sentinels.at(m_sentinel).toString()
                               << "says master" << m_options.master << "is at" << master.toString();
    dropContext(); // we are inside its callback: hiredis lets it go when the callback returns
    connectServer(master);
}

void Connector::connectServer(const Endpoint &server)
{
    m_step = Step::Server;
    m_target = server;
    m_stepTimeout.start(m_options.connectTimeoutMs);
    resolve(server.host, [this](const QHostAddress &address) {
        if (openContext(address, m_target.port)) handshake();
    });
}

void Connector::handshake()
{
    QList<QList<QByteArray>> steps;
    if (!m_options.password.isEmpty()) steps.append({ "AUTH", m_options.password });
    if (m_options.db != 0) steps.append({ "SELECT", QByteArray::number(m_options.db) });
    // The server has to answer before the link counts: a frozen one times out here. Behind Sentinel
    // it also has to be the master still (a sentinel's answer may be stale during a failover).
    steps.append({ m_options.sentinels.isEmpty() ? QByteArrayLiteral("PING") : QByteArrayLiteral("ROLE") });
    // Pipelined; after a failure the context is dropped and the later callbacks do not run.
    const AsyncContext *context = m_context.get();
    for (qsizetype i = 0; i < steps.size() && m_context.get() == context; ++i) {
        const bool last = i == steps.size() - 1;
        m_context->command(steps.at(i), [this, name = steps.at(i).first(), last](const Reply &reply) {
            if (reply.isError()) {
                // A "DOWN" error is the connection's (refused, reset), not the command's.
                stepFailed(reply.text.startsWith("DOWN ")
                        ? QString::fromUtf8(reply.text.mid(5))
                        : QString::fromUtf8(QByteArray(name + " failed: " + reply.text)));
                return;
            }
            if (name == "ROLE"
                && !(reply.isArray() && !reply.elements.isEmpty() && reply.elements.first().text == "master")) {
                stepFailed(QStringLiteral("not the master (ROLE %1)").arg(QString::fromUtf8(reply.toDebugText())));
                return;
            }
            if (!last) return;
            m_stepTimeout.stop();
            m_step = Step::Idle;
            m_server = m_target;
            // None of our callbacks is left on it. Handed over from the event loop, not from inside
            // hiredis' callback.
            m_handed = std::move(m_context);
            disconnect(m_handed.get(), &AsyncContext::closed, this, nullptr);
            QMetaObject::invokeMethod(this, &Connector::handOver, Qt::QueuedConnection);
        });
    }
}

void Connector::handOver()
{
    AsyncContext::Ptr link = std::move(m_handed);
    if (!link) return;
    if (!link->isOpen()) {
        fail(m_server.toString() + QStringLiteral(": connection lost before use"));
        return;
    }
    m_backoffMs = m_options.minBackoffMs;
    m_lastFailure.clear();
    m_ready(std::move(link));
}

void Connector::stepFailed(const QString &why)
{
    const Step step = m_step;
    dropContext();
    if (step == Step::Sentinel) {
        m_sentinelErrors.append(m_options.sentinels.at(m_sentinel).toString() + QStringLiteral(": ") + why);
        askSentinel(m_sentinel + 1);
    } else if (step == Step::Server) {
        fail(m_target.toString() + QStringLiteral(": ") + why);
    }
}

void Connector::fail(const QString &reason)
{
    dropContext();
    m_step = Step::Idle;
    const int wait = m_backoffMs;
    m_backoffMs = std::min(m_backoffMs * 2, m_options.maxBackoffMs);
    m_retry.start(wait);
    // Once per reason: Redis away for an hour is one line, not one a second.
    if (reason != m_lastFailure) {
        qCWarning(lcRedis).noquote() << label() << "cannot connect:" << reason << "(retrying, every"
                                     << m_options.maxBackoffMs << "ms at most)";
    } else {
        qCDebug(lcRedis).noquote() << label() << "cannot connect:" << reason;
    }
    m_lastFailure = reason;
    emit failed(reason);
}

void Connector::resolve(const QString &host, std::function<void(const QHostAddress &)> then)
{
    const QHostAddress literal(host);
    if (!literal.isNull()) {
        then(literal);
        return;
    }
    m_lookupId = QHostInfo::lookupHost(
        host, this, [this, host, generation = m_generation, then = std::move(then)](const QHostInfo &info) {
            if (generation != m_generation) return; // the step it was for is over
            m_lookupId = -1;
            const QList<QHostAddress> addresses = info.addresses();
            if (info.error() != QHostInfo::NoError || addresses.isEmpty()) {
                stepFailed(QStringLiteral("cannot resolve %1: %2").arg(host, info.errorString()));
                return;
            }
            // IPv4 first, as hiredis itself does.
            const auto v4 = std::find_if(addresses.cbegin(), addresses.cend(),
                [](const QHostAddress &address) { return address.protocol() == QAbstractSocket::IPv4Protocol; });
            then(v4 != addresses.cend() ? *v4 : addresses.first());
        });
}

bool Connector::openContext(const QHostAddress &address, quint16 port)
{
    m_context = AsyncContext::open(address, port);
    connect(m_context.get(), &AsyncContext::closed, this, [this](const QString &reason) { stepFailed(reason); });
    return m_context->isOpen(); // when not, closed() follows
}

void Connector::dropContext()
{
    // Ends the step under way, whatever it waits for: its timeout, a host lookup, its connection.
    m_stepTimeout.stop();
    ++m_generation;
    if (m_lookupId >= 0) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
    }
    if (m_context) {
        m_context->discardPending();
        m_context.reset();
    }
}

} // namespace Redis
