#pragma once

#include "rawhttpclient.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <vector>

// Helpers of the end-to-end cluster tests: real cometd-node processes on loopback ports, and one
// HTTP exchange at a time with them.
namespace ClusterTest {

inline constexpr int WaitMs = 10000;

// One cometd-node process; start() waits for the "listening on http://127.0.0.1:PORT" line.
struct Process
{
    QProcess process;
    quint16 port = 0;

    bool start(const QString &program, const QStringList &args);
    void kill(); // SIGKILL: no goodbye to the balancer
    ~Process();
};

// A port free right now (bound, read, closed): for a node whose config must name its own URL.
quint16 freePort();
QString baseUrl(quint16 port);
QByteArray json(const QJsonObject &o);

// One request on a fresh connection; an empty Reply (status 0) when nothing came in WaitMs.
RawHttpClient::Reply call(quint16 port, const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
    const QList<QByteArray> &headers = {});
RawHttpClient::Reply get(quint16 port, const QByteArray &path, const QList<QByteArray> &headers = {});

// A local cluster as an operator runs it: a balancer on port 0 with no static nodes, and nodes that
// each get a port picked just before they start (so that their own config can name their URL and
// maxConnection) and join the balancer dynamically by presenting the secret. A node that loses the
// race for its port is started again on another one.
class LocalCluster final
{
public:
    LocalCluster(QString program, QString secret, QList<int> capacities);

    // SPEC §6: every process shares the cluster through this Redis (redis://host:port) instead; the
    // nodes report there, not to the balancer. Call before starting anything.
    void useRedis(const QString &url) { m_redisUrl = url; }

    bool startBalancer();
    // Starts node `index` (id index+1) on its port, picking a free one first if it has none yet.
    bool startNode(int index);
    void killAll();
    QString nodeUrl(int index) const { return baseUrl(nodePorts.at(index)); }
    QString writeConfig(const QString &name, const QJsonObject &config) const; // its path; empty on failure

    const QString program;
    const QString secret;
    const QList<int> capacities;
    Process balancer;
    std::vector<std::unique_ptr<Process>> nodes;
    QList<quint16> nodePorts;

private:
    // Adds the redis object, if any, to a process's config.
    QJsonObject withEngine(QJsonObject config) const;

    QTemporaryDir m_dir;
    QString m_redisUrl;
};

} // namespace ClusterTest
