#include "clusterprocess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

namespace ClusterTest {

bool Process::start(const QString &program, const QStringList &args)
{
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start(program, args);
    if (!process.waitForStarted(WaitMs)) return false;
    QByteArray out;
    const bool printed = QTest::qWaitFor(
        [&] {
            out += process.readAllStandardOutput();
            return out.contains('\n') || process.state() == QProcess::NotRunning;
        },
        WaitMs);
    const auto m = QRegularExpression(QStringLiteral("^listening on http://127\\.0\\.0\\.1:(\\d+)"))
                       .match(QString::fromUtf8(out));
    port = m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
    return printed && port != 0;
}

void Process::kill()
{
    if (process.state() == QProcess::NotRunning) return;
    process.kill();
    process.waitForFinished(WaitMs);
}

Process::~Process()
{
    kill();
}

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

QString baseUrl(quint16 port)
{
    return QStringLiteral("http://127.0.0.1:%1").arg(port);
}

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

RawHttpClient::Reply call(quint16 port, const QByteArray &method, const QByteArray &path, const QByteArray &body,
    const QList<QByteArray> &headers)
{
    RawHttpClient client(port);
    client.request(method, path, body, headers);
    if (!QTest::qWaitFor([&] { return !client.replies.isEmpty() || client.isClosed(); }, WaitMs)) return {};
    return client.replies.value(0);
}

RawHttpClient::Reply get(quint16 port, const QByteArray &path, const QList<QByteArray> &headers)
{
    return call(port, "GET", path, {}, headers);
}

LocalCluster::LocalCluster(QString program, QString secret, QList<int> capacities)
    : program(std::move(program))
    , secret(std::move(secret))
    , capacities(std::move(capacities))
    , nodes(size_t(this->capacities.size()))
    , nodePorts(this->capacities.size(), 0)
{ }

QString LocalCluster::writeConfig(const QString &name, const QJsonObject &config) const
{
    const QString path = m_dir.filePath(name);
    QFile out(path);
    if (!m_dir.isValid() || !out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(json(config)) <= 0)
        return {};
    return path;
}

QJsonObject LocalCluster::withEngine(QJsonObject config) const
{
    if (m_redisUrl.isEmpty()) return config;
    config.insert(QStringLiteral("redis"),
        QJsonObject { { QStringLiteral("url"), m_redisUrl }, { QStringLiteral("prefix"), QStringLiteral("test") } });
    config.remove(QStringLiteral("balancerUrl"));
    return config;
}

bool LocalCluster::startBalancer()
{
    const QString file = writeConfig(QStringLiteral("balancer.json"),
        withEngine({ { QStringLiteral("role"), QStringLiteral("balancer") },
            { QStringLiteral("listen"), QStringLiteral("127.0.0.1:0") }, { QStringLiteral("secret"), secret } }));
    return !file.isEmpty() && balancer.start(program, { QStringLiteral("--config"), file });
}

bool LocalCluster::startNode(int index)
{
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (nodePorts[index] == 0) nodePorts[index] = freePort();
        const QString id = QString::number(index + 1);
        const QJsonObject config { { QStringLiteral("role"), QStringLiteral("node") }, { QStringLiteral("nodeId"), id },
            { QStringLiteral("listen"), QStringLiteral("127.0.0.1:%1").arg(nodePorts[index]) },
            { QStringLiteral("secret"), secret }, { QStringLiteral("balancerUrl"), baseUrl(balancer.port) },
            { QStringLiteral("nodes"),
                QJsonArray { QJsonObject { { QStringLiteral("id"), id }, { QStringLiteral("url"), nodeUrl(index) },
                    { QStringLiteral("maxConnection"), capacities.at(index) } } } } };
        const QString file = writeConfig(QStringLiteral("node%1.json").arg(id), withEngine(config));
        if (file.isEmpty()) return false;
        nodes[size_t(index)] = std::make_unique<Process>();
        if (nodes[size_t(index)]->start(program, { QStringLiteral("--config"), file })) return true;
        nodes[size_t(index)].reset();
        nodePorts[index] = 0; // somebody took it meanwhile
    }
    return false;
}

void LocalCluster::killAll()
{
    for (auto &node : nodes) {
        if (node) node->kill();
    }
    balancer.kill();
}

} // namespace ClusterTest
