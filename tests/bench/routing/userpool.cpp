#include "userpool.h"

#include "benchclock.h"
#include "routinglogging.h"

using namespace Qt::StringLiterals;

namespace RoutingBench {

namespace {

// Clients between start() and ready() at a time: a thousand handshakes at once would overflow the
// servers' listen backlogs and turn into SYN retries a second later.
constexpr int StartingAtOnce = 64;
constexpr std::chrono::milliseconds StopTimeout { 10000 };

} // namespace

UserPool::UserPool(Settings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        Q_EMIT setupFailed(u"%1 of %2 users ready after %3 s (last client error: %4)"_s.arg(m_readyCount)
                               .arg(m_settings.users)
                               .arg(m_settings.timeout.count() / 1000.0)
                               .arg(m_lastError.isEmpty() ? u"none"_s : m_lastError));
    });
    m_stopDeadline.setSingleShot(true);
    connect(&m_stopDeadline, &QTimer::timeout, this, [this] {
        qCWarning(lcRouting) << m_settings.users - m_stoppedCount << "clients did not stop in time";
        Q_EMIT stopped();
    });
}

UserPool::~UserPool() = default;

void UserPool::start()
{
    m_entries.resize(size_t(m_settings.users));
    m_deadline.start(m_settings.timeout);
    startMore();
}

void UserPool::startMore()
{
    while (m_started < m_settings.users && m_started - m_readyCount < StartingAtOnce) {
        const int index = m_started++;
        Cometd::ClientOptions options;
        options.baseUrl = m_settings.baseUrl;
        options.user = u"u%1"_s.arg(index);
        options.transport = m_settings.transport;
        options.channels = { m_settings.channel };
        auto client = std::make_unique<Cometd::BayeuxClient>(options);
        Cometd::BayeuxClient *raw = client.get();
        connect(raw, &Cometd::BayeuxClient::ready, this, [this, index] { onReady(index); });
        connect(raw, &Cometd::BayeuxClient::messageReceived, this, &UserPool::onMessage);
        connect(raw, &Cometd::BayeuxClient::errorOccurred, this, [this](const QString &error) {
            ++m_errors;
            m_lastError = error;
        });
        connect(raw, &Cometd::BayeuxClient::stopped, this, [this, index] {
            Entry &entry = m_entries[size_t(index)];
            if (entry.stopped) return;
            entry.stopped = true;
            if (++m_stoppedCount == m_started && m_stopDeadline.isActive()) {
                m_stopDeadline.stop();
                Q_EMIT stopped();
            }
        });
        m_entries[size_t(index)].client = std::move(client);
        raw->start();
    }
}

void UserPool::onReady(int index)
{
    Entry &entry = m_entries[size_t(index)];
    if (entry.ready) {
        ++m_extraReadies;
        return;
    }
    entry.ready = true;
    ++m_readyCount;
    if (m_readyCount % 200 == 0 && m_readyCount < m_settings.users) qCInfo(lcRouting) << m_readyCount << "users ready";
    if (m_readyCount == m_settings.users && !m_setupDone) {
        m_setupDone = true;
        m_deadline.stop();
        Q_EMIT allReady();
        return;
    }
    startMore();
}

void UserPool::onMessage(const Cometd::ClientMessage &message)
{
    const qint64 receivedNs = nowNs();
    // The payload is "<seq> <send-time-ns>": cheaper to split than a JSON object to build and parse.
    const QString text = message.data.toString();
    const qsizetype space = text.indexOf(u' ');
    bool okSeq = false;
    bool okSent = false;
    const qint64 seq = space > 0 ? QStringView(text).left(space).toLongLong(&okSeq) : 0;
    const qint64 sentNs = space > 0 ? QStringView(text).mid(space + 1).toLongLong(&okSent) : 0;
    if (!okSeq || !okSent) {
        ++m_malformed;
        return;
    }
    Q_EMIT delivered(seq, sentNs, receivedNs);
}

void UserPool::stop()
{
    m_stopping = true;
    m_deadline.stop();
    m_stopDeadline.start(StopTimeout);
    if (m_started == 0) {
        m_stopDeadline.stop();
        Q_EMIT stopped();
        return;
    }
    for (Entry &entry : m_entries) {
        if (entry.client) entry.client->stop(false);
    }
}

QList<UserPool::User> UserPool::readyUsers() const
{
    QList<User> users;
    for (const Entry &entry : m_entries) {
        if (entry.ready) users.append({ entry.client->options().user, entry.client->nodeUrl() });
    }
    return users;
}

} // namespace RoutingBench
