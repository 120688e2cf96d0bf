#include "redisconnection.h"

#include <QPointer>

namespace Redis {

Connection::Connection(Options options, QObject *parent)
    : QObject(parent)
    , m_connector(std::move(options), [this](AsyncContext::Ptr link) { attach(std::move(link)); })
{
    m_watchdog.setInterval(m_connector.options().pingIntervalMs);
    connect(&m_watchdog, &QTimer::timeout, this, &Connection::checkLink);
    connect(&m_connector, &Connector::failed, this, &Connection::connectFailed);
}

Connection::~Connection()
{
    if (m_link) {
        const AsyncContext::Ptr link = std::move(m_link); // commands sent from the callbacks are refused
        link->close(QStringLiteral("connection destroyed"));
    }
    answerRefused();
}

void Connection::start()
{
    m_connector.start();
}

void Connection::command(const QList<QByteArray> &args, Callback done)
{
    const QByteArray refused = AsyncContext::refusal(args);
    if (!refused.isEmpty()) {
        refuse(std::move(done), refused);
    } else if (!m_link || !m_link->isOpen()) {
        refuse(std::move(done), QByteArrayLiteral("DOWN not connected to Redis"));
    } else {
        m_link->command(args, std::move(done));
    }
}

void Connection::refuse(Callback done, const QByteArray &why)
{
    if (m_refused.isEmpty()) QMetaObject::invokeMethod(this, &Connection::answerRefused, Qt::QueuedConnection);
    m_refused.append({ std::move(done), why });
}

void Connection::answerRefused()
{
    // A callback may destroy this Connection: the list is ours alone by then, and is finished.
    const auto refused = std::exchange(m_refused, {});
    for (const auto &[done, why] : refused)
        done(Reply::error(why));
}

void Connection::attach(AsyncContext::Ptr link)
{
    m_link = std::move(link);
    connect(m_link.get(), &AsyncContext::closed, this, &Connection::linkClosed);
    m_watchdog.start();
    qCInfo(lcRedis).noquote() << m_connector.label() << "up at" << server().toString() << "db" << options().db;
    emit up();
}

void Connection::linkClosed(const QString &reason)
{
    // hiredis has already answered the commands in flight.
    m_link.reset();
    wentDown(reason);
}

void Connection::dropLink(const QString &reason)
{
    const QPointer<Connection> self(this);
    AsyncContext::Ptr link = std::move(m_link); // commands sent from the callbacks are refused
    link->close(reason); // answers the commands in flight, whose callbacks may destroy this Connection
    link.reset();
    if (self) wentDown(reason);
}

void Connection::wentDown(const QString &reason)
{
    m_watchdog.stop();
    qCWarning(lcRedis).noquote() << m_connector.label() << "down at" << server().toString() << "-" << reason;
    m_connector.reconnect();
    emit down();
}

void Connection::checkLink()
{
    if (!m_link) return;
    const qint64 stalled = m_link->stalledMs();
    if (stalled > options().replyTimeoutMs) {
        dropLink(QStringLiteral("no reply in %1 ms").arg(stalled));
    } else if (m_link->pending() == 0) {
        // An idle link is probed, so that a frozen server or a dead host is noticed before a command
        // has to wait on it.
        m_link->command({ "PING" }, [](const Reply &) {});
    }
}

} // namespace Redis
