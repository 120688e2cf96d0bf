// The benchmark from start to end: cluster up, users ready, the runs in alternating order, the
// report, then everything stopped. Exits the application with its status.
#pragma once

#include "benchoptions.h"
#include "clusterlauncher.h"
#include "loadphase.h"
#include "phaseresult.h"
#include "userpool.h"

#include <QList>
#include <QObject>

#include <memory>

namespace RoutingBench {

class BenchRun final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BenchRun)
public:
    explicit BenchRun(Options options, QObject *parent = nullptr);
    ~BenchRun() override;

    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void onClusterUp();
    void onUsersReady();
    void startNextPhase();
    void onPhaseFinished(const PhaseResult &result);
    void report();
    void fail(const QString &why);
    void shutDown(int exitCode);

    Options m_options;
    QList<QPair<Mode, int>> m_plan; // (mode, repetition) in run order
    qsizetype m_nextPhase = 0;
    qint64 m_nextSeq = 1;
    std::unique_ptr<ClusterLauncher> m_cluster;
    std::unique_ptr<UserPool> m_users;
    std::unique_ptr<LoadPhase, void (*)(LoadPhase *)> m_phase { nullptr, [](LoadPhase *p) { p->deleteLater(); } };
    QList<PhaseResult> m_results;
    QList<UserPool::User> m_readyUsers;
    int m_exitCode = 0;
    bool m_shuttingDown = false;
};

} // namespace RoutingBench
