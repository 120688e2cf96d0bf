#include "nodereporter.h"

#include "bayeuxengine.h"
#include "clusterauth.h"
#include "reportcodec.h"
#include "wire.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

Q_LOGGING_CATEGORY(lcCluster, "cometd.cluster", QtInfoMsg)

namespace Cluster {

NodeReporter::NodeReporter(Bayeux::BayeuxEngine *engine, ReporterOptions options, ReportSink sink, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_options(std::move(options))
    , m_sink(std::move(sink))
{
    connect(engine, &Bayeux::BayeuxEngine::sessionOpened, this, &NodeReporter::sessionOpened);
    connect(engine, &Bayeux::BayeuxEngine::sessionClosed, this, &NodeReporter::sessionClosed);
    m_heartbeat.setInterval(m_options.heartbeatMs);
    connect(&m_heartbeat, &QTimer::timeout, this, &NodeReporter::sendNow);
}

NodeReporter::~NodeReporter() = default;

void NodeReporter::start()
{
    m_sinceFullList.start();
    m_heartbeat.start();
    sendNow();
}

void NodeReporter::sessionOpened(const QString &user, const QByteArray &clientId, QLatin1StringView transport)
{
    m_users[user].insert(clientId, { QDateTime::currentDateTimeUtc(), QString(transport) });
    m_dirty.insert(user);
    m_opened.insert(user);
    scheduleSoon();
}

void NodeReporter::sessionClosed(const QString &user, const QByteArray &clientId)
{
    const auto it = m_users.find(user);
    if (it == m_users.end()) return;
    it->remove(clientId);
    if (it->isEmpty()) m_users.erase(it);
    m_dirty.insert(user);
    scheduleSoon();
}

void NodeReporter::scheduleSoon()
{
    if (m_soon) return;
    m_soon = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_soon = false;
            sendNow();
        },
        Qt::QueuedConnection);
}

Balancer::UserPresence NodeReporter::presenceOf(const QString &user) const
{
    Balancer::UserPresence p;
    p.user = user;
    p.opened = m_opened.contains(user) || m_sentOpened.contains(user);
    const auto it = m_users.constFind(user);
    if (it == m_users.cend()) return p;
    p.sessions = int(it->size());
    const SessionEntry *oldest = nullptr;
    const SessionEntry *newest = nullptr;
    for (const SessionEntry &s : *it) {
        if (!oldest || s.opened < oldest->opened) oldest = &s;
        if (!newest || s.opened >= newest->opened) newest = &s;
    }
    p.connectedSince = oldest->opened;
    p.transport = newest->transport;
    return p;
}

void NodeReporter::sendNow()
{
    if (m_inFlight) {
        m_again = true;
        return;
    }
    const bool full = m_wantFullList || m_sinceFullList.elapsed() >= m_options.fullListEveryMs;

    Balancer::NodeReport report;
    report.nodeId = m_options.nodeId;
    report.url = m_options.url;
    report.maxConnection = m_options.maxConnection;
    report.sessions = m_engine->sessionCount();
    report.messagesIn = m_engine->messagesIn();
    report.messagesOut = m_engine->deliveries();
    report.fullList = full;
    const QList<Bayeux::ChannelStat> changed = m_engine->takeChannelChanges();
    for (const Bayeux::ChannelStat &c : full ? m_engine->channelStats() : changed)
        report.channels.append({ c.channel, c.subscribers, c.messages });
    m_sentDirty = std::exchange(m_dirty, {});
    m_sentOpened = std::exchange(m_opened, {});
    if (full) {
        report.users.reserve(m_users.size());
        for (auto it = m_users.cbegin(); it != m_users.cend(); ++it)
            report.users.append(presenceOf(it.key()));
    } else {
        report.users.reserve(m_sentDirty.size());
        for (const QString &user : std::as_const(m_sentDirty))
            report.users.append(presenceOf(user));
    }
    m_inFlight = true;
    // The sink may answer after this reporter is gone (a reply finishing during teardown).
    m_sink(report, [self = QPointer<NodeReporter>(this), full](bool accepted, bool wantFullList) {
        if (self) self->finished(accepted, wantFullList, full);
    });
}

void NodeReporter::finished(bool accepted, bool wantFullList, bool wasFull)
{
    m_inFlight = false;
    if (accepted) {
        if (wasFull) m_sinceFullList.restart();
        m_wantFullList = wantFullList;
    } else {
        // Send these users again: the report did not arrive, or the balancer refused it.
        m_dirty.unite(m_sentDirty);
        m_opened.unite(m_sentOpened);
        // The channel changes it carried are gone from the engine: only a full list restores them.
        m_wantFullList = true;
    }
    m_sentDirty.clear();
    m_sentOpened.clear();
    if (std::exchange(m_again, false) || (accepted && wantFullList)) scheduleSoon();
}

HttpReportSender::HttpReportSender(QUrl balancerUrl, QByteArray secret, int timeoutMs, QObject *parent)
    : QObject(parent)
    , m_target(balancerUrl.resolved(QUrl(QString(Wire::Report::Path))))
    , m_secret(std::move(secret))
    , m_timeoutMs(timeoutMs)
    , m_network(new QNetworkAccessManager(this))
{
    // Nodes reach their balancer directly; an environment proxy must not sit between them.
    m_network->setProxy(QNetworkProxy::NoProxy);
}

HttpReportSender::~HttpReportSender() = default;

void HttpReportSender::send(const Balancer::NodeReport &report, ReportDone done)
{
    const QByteArray body = encodeReport(report);
    QNetworkRequest request(m_target);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(m_timeoutMs);
    for (const auto &[name, value] : signatureHeaders(m_secret, body))
        request.setRawHeader(name, value);
    QNetworkReply *reply = m_network->post(request, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const std::optional<bool> want = status == 200 ? decodeReportAnswer(reply->readAll()) : std::nullopt;
        if (!want) {
            if (!std::exchange(m_failing, true))
                qCWarning(lcCluster) << "report to" << m_target.toString()
                                     << "failed:" << (status ? QString::number(status) : reply->errorString());
            done(false, false);
            return;
        }
        if (std::exchange(m_failing, false))
            qCInfo(lcCluster) << "reports to" << m_target.toString() << "accepted again";
        done(true, *want);
    });
}

} // namespace Cluster
