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
#include <QRandomGenerator>

Q_LOGGING_CATEGORY(lcCluster, "cometd.cluster", QtInfoMsg)

namespace Cluster {

NodeReporter::NodeReporter(Bayeux::BayeuxEngine *engine, ReporterOptions options, ReportSink sink, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_options(std::move(options))
    , m_sink(std::move(sink))
    // Random start: the balancer's log tells a restarted node's full lists from the old ones.
    , m_nextEpoch(QRandomGenerator::global()->bounded(1U << 30))
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
    m_users[user].append({ clientId, QDateTime::currentDateTimeUtc(), transport });
    m_dirty.insert(user);
    m_opened.insert(user);
    scheduleSoon();
}

void NodeReporter::sessionClosed(const QString &user, const QByteArray &clientId)
{
    const auto it = m_users.find(user);
    if (it == m_users.end()) return;
    it->removeIf([&](const SessionEntry &s) { return s.clientId == clientId; });
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
    QStringList transports; // every one in use: a tab on websocket and one long-polling show both
    for (const SessionEntry &s : *it) {
        if (!oldest || s.opened < oldest->opened) oldest = &s;
        if (!transports.contains(s.transport)) transports.append(QString(s.transport));
    }
    transports.sort();
    p.connectedSince = oldest->opened;
    p.transport = transports.join(QStringLiteral(", "));
    return p;
}

void NodeReporter::startFullList()
{
    FullList list;
    list.epoch = m_nextEpoch++;
    list.users = m_users.keys();
    list.channels = m_engine->channelStats();
    m_fullList = std::move(list);
    m_wantFullList = false;
    qCDebug(lcCluster) << "full list" << m_fullList->epoch << "starts:" << m_fullList->users.size() << "users,"
                       << m_fullList->channels.size() << "channels";
}

void NodeReporter::sendNow()
{
    if (m_inFlight) {
        m_again = true;
        return;
    }
    for (const Bayeux::ChannelStat &c : m_engine->takeChannelChanges()) {
        m_dirtyChannels.insert(c.channel, { c.channel, c.subscribers, c.messages });
        if (m_fullList) m_fullList->changedChannels.insert(c.channel);
    }
    if (!m_fullList && (m_wantFullList || m_sinceFullList.elapsed() >= m_options.fullListEveryMs)) startFullList();

    Balancer::NodeReport report;
    report.nodeId = m_options.nodeId;
    report.url = m_options.url;
    report.maxConnection = m_options.maxConnection;
    report.sessions = m_engine->sessionCount();
    report.messagesIn = m_engine->messagesIn();
    report.messagesOut = m_engine->deliveries();
    fill(report, MaxReportBytes - encodedSizeBound(report));
    m_sentPage = report.fullList;
    m_inFlight = true;
    // The sink may answer after this reporter is gone (a reply finishing during teardown).
    m_sink(report, [self = QPointer<NodeReporter>(this)](bool accepted, bool wantFullList) {
        if (self) self->finished(accepted, wantFullList);
    });
}

void NodeReporter::fill(Balancer::NodeReport &report, qsizetype budget)
{
    qsizetype used = 0;
    // At least one entry per report, whatever its size: a report must always make progress.
    const auto fits = [&](qsizetype size, qsizetype limit) {
        if (used + size > limit && !(report.users.isEmpty() && report.channels.isEmpty())) return false;
        used += size;
        return true;
    };
    // While a full list is under way, changes take at most half of a report: a steady stream of them
    // must not hold its pages back for ever.
    const qsizetype forChanges = m_fullList ? budget / 2 : budget;

    bool room = true;
    for (auto it = m_dirty.begin(); it != m_dirty.end();) {
        Balancer::UserPresence p = presenceOf(*it);
        room = fits(encodedSizeBound(p), forChanges);
        if (!room) break;
        if (m_opened.remove(*it)) m_sentOpened.insert(*it);
        m_sentDirty.insert(*it);
        report.users.append(std::move(p));
        it = m_dirty.erase(it);
    }
    for (auto it = m_dirtyChannels.begin(); room && it != m_dirtyChannels.end();) {
        room = fits(encodedSizeBound(*it), forChanges);
        if (!room) break;
        m_sentChannels.append(*it);
        report.channels.append(*it);
        it = m_dirtyChannels.erase(it);
    }
    if (!m_fullList) return;

    FullList &list = *m_fullList;
    bool any = false;
    for (; list.nextUser < list.users.size(); ++list.nextUser) {
        const QString &user = list.users.at(list.nextUser);
        if (!m_users.contains(user)) continue; // gone: its change tells the balancer
        Balancer::UserPresence p = presenceOf(user);
        p.opened = false; // a page reports presence; opening is the change's news
        if (!fits(encodedSizeBound(p), budget)) break;
        report.users.append(std::move(p));
        any = true;
    }
    if (list.nextUser == list.users.size()) {
        for (; list.nextChannel < list.channels.size(); ++list.nextChannel) {
            const Bayeux::ChannelStat &c = list.channels.at(list.nextChannel);
            if (list.changedChannels.contains(c.channel)) continue; // its change carries newer figures
            const Balancer::ChannelPresence presence { c.channel, c.subscribers, c.messages };
            if (!fits(encodedSizeBound(presence), budget)) break;
            report.channels.append(presence);
            any = true;
        }
    }
    const bool last = list.nextUser == list.users.size() && list.nextChannel == list.channels.size();
    if (any || last) report.fullList = Balancer::FullListPage { list.epoch, list.nextPage++, last };
}

bool NodeReporter::hasPendingWork() const
{
    return !m_dirty.isEmpty() || !m_dirtyChannels.isEmpty() || m_fullList || m_wantFullList;
}

void NodeReporter::finished(bool accepted, bool wantFullList)
{
    m_inFlight = false;
    const std::optional<Balancer::FullListPage> page = std::exchange(m_sentPage, std::nullopt);
    if (accepted) {
        if (page && page->last) {
            m_fullList.reset();
            m_sinceFullList.restart();
        }
        if (wantFullList) {
            // The balancer does not know this node's users and has no full list of it under way (it
            // restarted, or took this node for down): start one, abandoning any in progress.
            if (m_fullList)
                qCInfo(lcCluster).noquote() << "the balancer lost full list" << m_fullList->epoch << "; starting again";
            m_fullList.reset();
            m_wantFullList = true;
        }
    } else {
        // Send these again: the report did not arrive, or the balancer refused it. Newer figures of
        // a channel, changed meanwhile, win.
        m_dirty.unite(m_sentDirty);
        m_opened.unite(m_sentOpened);
        for (const Balancer::ChannelPresence &c : std::as_const(m_sentChannels)) {
            if (!m_dirtyChannels.contains(c.channel)) m_dirtyChannels.insert(c.channel, c);
        }
        // A lost page breaks the sequence: the balancer would refuse the next one. Start over.
        if (page) {
            m_fullList.reset();
            m_wantFullList = true;
        }
    }
    m_sentDirty.clear();
    m_sentOpened.clear();
    m_sentChannels.clear();
    if (std::exchange(m_again, false) || (accepted && hasPendingWork())) scheduleSoon();
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
                qCWarning(lcCluster).noquote()
                    << "report to" << m_target.toString() << describeFailedAnswer(status, reply->errorString());
            done(false, false);
            return;
        }
        if (std::exchange(m_failing, false))
            qCInfo(lcCluster).noquote() << "reports to" << m_target.toString() << "accepted again";
        done(true, *want);
    });
}

} // namespace Cluster
