// One run of the closed-loop load: K keep-alive connections each POST sendprivatemessage, the next
// request when the previous one is answered, round-robin over the users; then the measured window
// and a drain wait for the messages still on their way.
#pragma once

#include "httpconnection.h"
#include "phaseresult.h"
#include "processcpu.h"

#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <memory>
#include <vector>

namespace RoutingBench {

class LoadPhase final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoadPhase)
public:
    // Where to send and for whom: the balancer for everybody, or one node for its own users.
    struct Target
    {
        QUrl url; // .../rest/sendprivatemessage/
        QStringList users;
    };

    struct Settings
    {
        Mode mode = Mode::Routed;
        int rep = 0;
        QList<Target> targets; // connection i sends to targets[i % size]
        int connections = 32;
        int rate = 0; // requests per second in all, 0: unpaced
        QString channel;
        std::chrono::milliseconds warmup { 2000 };
        std::chrono::milliseconds measure { 10000 };
        std::chrono::milliseconds drain { 5000 };
        QList<WatchedProcess> processes; // CPU read at both ends of the window
        qint64 firstSeq = 0; // sequence numbers stay unique across runs
    };

    explicit LoadPhase(Settings settings, QObject *parent = nullptr);
    ~LoadPhase() override;

    void start();
    // A message arrived at a client (UserPool::delivered).
    void onDelivered(qint64 seq, qint64 sentNs, qint64 receivedNs);
    qint64 nextSeq() const { return m_settings.firstSeq + qint64(m_flags.size()); }

Q_SIGNALS:
    void finished(const RoutingBench::PhaseResult &result);

private:
    enum class Stage { Idle, Warmup, Measure, Drain, Done };
    enum Flag : quint8 { Answered = 1, Received = 2 };

    void sendNext(int connection);
    void onAnswer(int connection, qint64 seq, qint64 sentNs, const Cometd::HttpResponse &response);
    void beginWindow();
    void endWindow();
    void checkDrained();
    void finish(bool drained);
    QList<double> readCpu() const;

    Settings m_settings;
    Stage m_stage = Stage::Idle;
    std::vector<std::unique_ptr<Cometd::HttpConnection>> m_http;
    std::vector<qsizetype> m_cursors; // per target
    std::vector<qint64> m_due; // per connection: when it may send next (paced only)
    qint64 m_interval = 0; // ns between two requests of one connection (paced only)
    std::vector<quint8> m_flags; // per sequence number from firstSeq
    QTimer m_stageTimer;
    qint64 m_windowStart = 0;
    qint64 m_windowEnd = 0;
    QList<double> m_cpuBefore;
    QList<double> m_cpuAfter;
    qint64 m_inFlight = 0;
    qint64 m_outstanding = 0; // answered OK, not received yet
    std::vector<qint64> m_latencies;
    std::vector<qint64> m_answerTimes;
    PhaseResult m_result;
};

} // namespace RoutingBench
