#include "redissubscriber.h"

namespace Redis {

namespace {

QList<QByteArray> withoutDuplicates(QList<QByteArray> channels)
{
    // Redis confirms a channel named twice twice; up() counts one confirmation per channel.
    QList<QByteArray> unique;
    for (QByteArray &channel : channels) {
        if (!unique.contains(channel)) unique.append(std::move(channel));
    }
    return unique;
}

} // namespace

Subscriber::Subscriber(Options options, QList<QByteArray> channels, QObject *parent)
    : QObject(parent)
    , m_channels(withoutDuplicates(std::move(channels)))
    , m_connector(std::move(options), [this](AsyncContext::Ptr link) { attach(std::move(link)); })
{
    m_probe.setInterval(m_connector.options().pingIntervalMs);
    connect(&m_probe, &QTimer::timeout, this, &Subscriber::probe);
    connect(&m_connector, &Connector::failed, this, &Subscriber::connectFailed);
}

Subscriber::~Subscriber() = default;

void Subscriber::start()
{
    m_connector.start();
}

void Subscriber::attach(AsyncContext::Ptr link)
{
    m_link = std::move(link);
    connect(m_link.get(), &AsyncContext::closed, this, &Subscriber::linkClosed);
    m_link->setPushCallback([this](const Reply &reply) { onPush(reply); });
    m_unconfirmed = m_channels.size();
    m_waiting.start();
    m_probe.start();
    if (m_channels.isEmpty()) {
        confirmed();
    } else {
        m_link->subscribe(m_channels);
    }
}

void Subscriber::onPush(const Reply &reply)
{
    const QByteArray kind = reply.elements.value(0).text;
    if (kind == "message" && reply.elements.size() == 3) {
        emit message(reply.elements.at(1).text, reply.elements.at(2).text);
    } else if (kind == "subscribe") {
        if (m_unconfirmed > 0 && --m_unconfirmed == 0) confirmed();
    } else {
        qCWarning(lcRedis).noquote() << m_connector.label() << "unexpected pub/sub reply" << reply.toDebugText();
    }
}

void Subscriber::confirmed()
{
    m_waiting.invalidate();
    if (m_up) return; // a probe's answer
    m_up = true;
    qCInfo(lcRedis).noquote() << m_connector.label() << "subscribed at" << server().toString() << "to"
                              << m_channels.size() << "channels";
    emit up();
}

void Subscriber::probe()
{
    if (!m_link) return;
    if (m_waiting.isValid()) {
        if (m_waiting.elapsed() > options().replyTimeoutMs) {
            dropLink(QStringLiteral("no subscribe confirmation in %1 ms").arg(m_waiting.elapsed()));
        }
        return;
    }
    if (m_channels.isEmpty()) return;
    m_unconfirmed = 1;
    m_waiting.start();
    m_link->subscribe({ m_channels.first() });
}

void Subscriber::linkClosed(const QString &reason)
{
    m_link.reset();
    wentDown(reason);
}

void Subscriber::dropLink(const QString &reason)
{
    m_link.reset(); // from a timer: hiredis frees it at once, and our push callback is not called
    wentDown(reason);
}

void Subscriber::wentDown(const QString &reason)
{
    m_probe.stop();
    m_waiting.invalidate();
    const bool wasUp = std::exchange(m_up, false);
    qCWarning(lcRedis).noquote() << m_connector.label() << "subscription lost at" << server().toString() << "-"
                                 << reason;
    m_connector.reconnect();
    if (wasUp) emit down();
}

} // namespace Redis
