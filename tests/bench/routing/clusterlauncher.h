// Starts a balancer and two nodes as real cometd-node processes on 127.0.0.1 and stops them with SIGTERM.
#pragma once

#include "httpconnection.h"
#include "processcpu.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <QUrl>

#include <array>
#include <chrono>
#include <memory>

namespace RoutingBench {

// One cometd-node process: reports the port of its `listening on http://HOST:PORT` line, and an
// exit that nobody asked for.
class NodeProcess final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeProcess)
public:
    NodeProcess(QString name, QString binary, QString logFile, QObject *parent = nullptr);
    ~NodeProcess() override;

    void start(const QStringList &arguments);
    void terminate(); // SIGTERM; finished() follows
    void kill();

    const QString &name() const { return m_name; }
    const QString &logFile() const { return m_logFile; }
    quint16 port() const { return m_port; }
    qint64 pid() const { return m_process.processId(); }
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

Q_SIGNALS:
    void listening(quint16 port);
    void failed(const QString &why); // before listening, or a crash after
    void finished();

private:
    void onOutput();
    void onFinished(int exitCode, QProcess::ExitStatus status);

    QString m_name;
    QString m_binary;
    QString m_logFile;
    QProcess m_process;
    QByteArray m_output;
    quint16 m_port = 0;
    bool m_stopping = false;
};

// The cluster under test; it owns its processes, their configs and logs (in a temporary directory).
class ClusterLauncher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterLauncher)
public:
    struct Settings
    {
        QString binary;
        int maxConnection = 1000;
        std::chrono::milliseconds timeout { 30000 }; // from start() to up()
        QString redisUrl; // empty: the memory engine, the nodes reporting to the balancer
        qint64 redisPid = 0;
    };

    explicit ClusterLauncher(Settings settings, QObject *parent = nullptr);
    ~ClusterLauncher() override;

    void start();
    // SIGTERM to every process; stopped() once all have exited (SIGKILL after a grace period).
    void stop();

    QUrl balancerUrl() const; // http://127.0.0.1:PORT
    QList<QUrl> nodeUrls() const;
    QList<WatchedProcess> processes() const; // balancer, node1, node2
    QString workDir() const { return m_dir.path(); }
    void keepWorkDir() { m_dir.setAutoRemove(false); } // for a look at the logs after a failure
    // One line per process whose log (its stderr) is not empty: its length and its first and last lines.
    QStringList logSummary() const;

Q_SIGNALS:
    void up(); // every process listens and the balancer places users on both nodes
    void failed(const QString &why); // during start, or any process exiting before stop()
    void stopped();

private:
    static constexpr int NodeCount = 2;

    QJsonObject withEngine(QJsonObject config) const; // adds the redis object, if any
    bool writeConfig(const QString &file, const QJsonObject &config);
    void startNode(int index);
    void probe();
    void onProbed(const QByteArray &first, const QByteArray &second);
    void fail(const QString &why);
    void checkStopped();

    Settings m_settings;
    QTemporaryDir m_dir;
    std::unique_ptr<NodeProcess> m_balancer;
    std::array<std::unique_ptr<NodeProcess>, NodeCount> m_nodes;
    std::array<quint16, NodeCount> m_nodePorts {};
    std::array<int, NodeCount> m_attempts {};
    Cometd::HttpConnection m_probe;
    QTimer m_deadline;
    QTimer m_grace; // SIGKILL what SIGTERM did not stop
    bool m_up = false;
    bool m_failed = false;
    bool m_stopping = false;
    bool m_stopped = false;
};

} // namespace RoutingBench
