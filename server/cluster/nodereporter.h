#pragma once

#include "channelactivity.h"
#include "clustertypes.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QLoggingCategory>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcCluster)

namespace Bayeux {
class BayeuxEngine;
}

class QNetworkAccessManager;

namespace Cluster {

struct ReporterOptions
{
    QString nodeId;
    QString url; // the base URL this node advertises
    int maxConnection = 0;
    int heartbeatMs = 1000; // SPEC §2: at least once a second
    int fullListEveryMs = 30000; // a full list now and then repairs any drift
};

// Delivers one report and calls `done` exactly once (at once or later): accepted, and whether the
// balancer asks for the full user list next.
using ReportDone = std::function<void(bool accepted, bool wantFullList)>;
using ReportSink = std::function<void(const Balancer::NodeReport &report, ReportDone done)>;

// Keeps the balancer told about this node: follows the engine's sessions per user and its channels,
// and sends a report on a heartbeat and promptly after sessions open or close (changes of one
// event-loop turn go in one report). Only users and channels that changed since the last accepted
// report are sent, plus, when the balancer asks for it and periodically, the full list in pages.
// Every report stays within MaxReportBytes: changes that do not fit stay pending and go in the next
// report at once, and so does the next page. One report in flight at a time; each report is also a
// heartbeat, so liveness never waits on the size of the state.
class NodeReporter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeReporter)
public:
    NodeReporter(Bayeux::BayeuxEngine *engine, ReporterOptions options, ReportSink sink, QObject *parent = nullptr);
    ~NodeReporter() override;

    void start(); // first report (page 0 of a full list) now, then the heartbeat
    // Reports at the end of this event-loop turn instead of at the next heartbeat: the store came
    // back, and the sooner it hears from this node the sooner the node is up again everywhere.
    void reportSoon() { scheduleSoon(); }

private:
    struct SessionEntry
    {
        QByteArray clientId;
        QDateTime opened;
        QLatin1StringView transport; // one of the Wire::Transport constants
    };
    // A user has a few sessions (the engine's maxSessionsPerUser): a list costs tens of bytes
    // where the smallest QHash costs a few KiB, and this is held for every user of the node.
    using UserSessions = QList<SessionEntry>;

    // A full list under way: what the node held when it started, sent page by page with current
    // figures. Users gone since are skipped (their change says so); channels changed since are
    // skipped too (the snapshot's figures are stale, and their change is sent anyway).
    struct FullList
    {
        quint64 epoch = 0;
        int nextPage = 0;
        QStringList users;
        qsizetype nextUser = 0;
        QList<Bayeux::ChannelStat> channels;
        qsizetype nextChannel = 0;
        QSet<QString> changedChannels;
    };

    void sessionOpened(const QString &user, const QByteArray &clientId, QLatin1StringView transport);
    void sessionClosed(const QString &user, const QByteArray &clientId);
    void scheduleSoon();
    void sendNow();
    void startFullList();
    // Adds pending changes, then the next page, while they fit in `budget` bytes.
    void fill(Balancer::NodeReport &report, qsizetype budget);
    void finished(bool accepted, bool wantFullList);
    bool hasPendingWork() const;
    Balancer::UserPresence presenceOf(const QString &user) const;

    Bayeux::BayeuxEngine *m_engine;
    ReporterOptions m_options;
    ReportSink m_sink;
    QHash<QString, UserSessions> m_users;
    QSet<QString> m_dirty; // changed since the last accepted report
    QSet<QString> m_opened; // a session opened since the last accepted report
    QHash<QString, Balancer::ChannelPresence> m_dirtyChannels; // latest figures not yet sent
    QSet<QString> m_sentDirty; // what the report in flight carries
    QSet<QString> m_sentOpened;
    QList<Balancer::ChannelPresence> m_sentChannels;
    std::optional<Balancer::FullListPage> m_sentPage;
    std::optional<FullList> m_fullList;
    quint64 m_nextEpoch;
    bool m_inFlight = false;
    bool m_again = false; // something changed while a report was in flight
    bool m_soon = false; // a send is queued for the end of this event-loop turn
    bool m_wantFullList = true;
    QElapsedTimer m_sinceFullList;
    QTimer m_heartbeat;
};

// POSTs reports to the balancer's Wire::Report::Path, signed with the cluster secret when there is
// one (without one the balancer takes unsigned reports from loopback only).
class HttpReportSender final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpReportSender)
public:
    HttpReportSender(QUrl balancerUrl, QByteArray secret, int timeoutMs = 2000, QObject *parent = nullptr);
    ~HttpReportSender() override;

    void send(const Balancer::NodeReport &report, ReportDone done);

private:
    QUrl m_target;
    QByteArray m_secret;
    int m_timeoutMs;
    QNetworkAccessManager *m_network;
    bool m_failing = false; // log the first failure of a run only
};

} // namespace Cluster
