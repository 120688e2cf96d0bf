#pragma once

#include "bayeuxclient.h"
#include "deliveryledger.h"
#include "progressbar.h"
#include "sender.h"
#include "stressconfig.h"
#include "stressreport.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <chrono>
#include <memory>
#include <vector>

class NodeLauncher;

struct StressOptions
{
    StressConfig config;
    Cometd::ClientTransport transport = Cometd::ClientTransport::LongPolling;
    bool failover = false;
    std::chrono::seconds timeout { 30 }; // each bounded wait: connecting, delivery, retries
    QString nodeBinary; // for containerStart
    QString eventLoop; // passed on to a started node
    QByteArray apiKey; // COMETD_API_KEY
    QList<QUrl> sendUrls; // empty: the config's base URL
    QString userPrefix = QStringLiteral("exo"); // client i is user <prefix><i>
    bool strict = false; // foreign messages fail the run
};

// One run of the test, phase after phase: start the node (containerStart), connect the clients,
// send, wait for the deliveries (re-sending in failover mode), stop the clients and the node.
class StressRun final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StressRun)
public:
    StressRun(StressOptions options, ProgressBar *progress, QObject *parent = nullptr);
    ~StressRun() override;

    void start();
    // Ends the run early (SIGINT/SIGTERM): stops the clients and the node, then reports.
    void abort(const QString &reason);

Q_SIGNALS:
    void finished(const StressReport &report);

private:
    enum class Phase { Starting, Connecting, Sending, Waiting, Stopping, Done };
    struct ClientState
    {
        Cometd::BayeuxClient *client = nullptr; // child of this run
        int readyCount = 0;
        int resentAtReadyCount = 1; // re-send after each failover, not after the first ready
        bool stopped = false;
        bool absent = false; // never connected: nothing is sent to it
        // Connected, or refused for good: nothing more to wait for in the connect phase.
        bool settled = false;
        QString lastError;
    };
    struct Step
    {
        int repeat = 0;
        int message = 0;
    };

    qint64 nowUs() const;
    ProgressSnapshot snapshot() const;
    void enterPhase(Phase phase);
    void fail(const QString &error);

    QString userName(int client) const;
    void connectClients(const QUrl &baseUrl);
    void giveUpOnAbsentClients();
    void countUnsent(qint64 before, const QString &reason, const QString &client);
    void startNextClients();
    int connectedCount() const;
    void settle(int client);
    void maybeFinishConnecting();
    void onMessage(int client, const Cometd::ClientMessage &message);

    void startSending();
    void sendStep();
    void sendOneStep();
    void sendPrivate(int client, const QString &channel, const QString &id, const QString &text);
    void sendBroadcast(const QString &id, const QString &text);
    void dispatch(
        const SendRequest &request, const QList<DeliveryLedger::Key> &targets, qint64 firstAttemptUs, int attempt);
    bool isRetriable(int status) const;
    void maybeFinishSending();

    void startWaiting();
    void checkWaiting();
    void resendMissing();
    bool onlyFailedClientsMissing() const;

    void endDeliveryPhase();
    void stopEverything();
    void maybeFinish();

    StressOptions m_options;
    ProgressBar *m_progress;
    DeliveryLedger m_ledger;
    StressReport m_report;
    ReasonTally m_connectFailures;
    ReasonTally m_unsentReasons;
    QElapsedTimer m_clock;
    Phase m_phase = Phase::Starting;

    NodeLauncher *m_launcher = nullptr; // child; containerStart only
    bool m_nodeStopped = true;
    bool m_stoppingNode = false;
    Sender *m_sender = nullptr; // child
    std::vector<ClientState> m_clients;
    int m_nextClient = 0;
    int m_connectedClients = 0; // ready at least once; counted here, not per message
    int m_settledClients = 0; // ClientState::settled, counted so that each event costs O(1)
    int m_failedClients = 0;
    int m_firstFailedClient = 0;

    QList<Step> m_steps;
    int m_nextStep = 0;
    int m_outstandingSends = 0;
    QSet<QString> m_pendingTargets; // ledger keys with a send in flight or waiting for a retry

    // Phase marks (process CPU seconds, run clock µs, received count) for the report's per-phase CPU.
    double m_connectStartCpu = 0;
    double m_deliveryStartCpu = 0;
    qint64 m_deliveryStartUs = 0;
    qint64 m_deliveryStartReceived = 0;
    bool m_deliveryMeasured = false;

    QTimer m_pacer; // sleep-connection / sleep-sending
    QTimer m_phaseDeadline;
    QTimer m_tick; // progress and, in failover mode, re-sends
};
