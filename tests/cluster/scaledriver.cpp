// cometd-scale-driver: holds N Bayeux sessions for tst_scale, each through the full flow
// (cometdurl on the balancer → gettoken on the node → handshake with exoId/exoToken → subscribe), over
// WebSocket. One process holds what its descriptor limit allows; the test runs several.
//
// Prints, one line each: "ready N" when all N sessions are subscribed, "message USER ID" per message
// received, "progress K" every 1,000 sessions ready.
#include "bayeuxclient.h"
#include "eventdispatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>

#include <cstdio>
#include <deque>

namespace {

void printLine(const QByteArray &line)
{
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

// Starts the clients `concurrency` at a time, so that the cluster sees a steady ramp rather than
// every handshake at once timing out.
class Driver final : public QObject
{
    Q_DISABLE_COPY_MOVE(Driver)

public:
    Driver(Cometd::ClientOptions base, QString prefix, int from, int count, int concurrency)
        : m_base(std::move(base))
        , m_prefix(std::move(prefix))
        , m_from(from)
        , m_count(count)
        , m_concurrency(concurrency)
    { }

    void start()
    {
        while (m_started < m_count && m_started - m_ready < m_concurrency)
            startNext();
    }

private:
    void startNext()
    {
        Cometd::ClientOptions options = m_base;
        options.user = m_prefix + QString::number(m_from + m_started++);
        auto *client = new Cometd::BayeuxClient(options, this);
        const QByteArray user = options.user.toUtf8();
        bool *counted = &m_counted.emplace_back(false);
        connect(client, &Cometd::BayeuxClient::ready, this, [this, counted] {
            if (*counted) return; // again after a re-handshake
            *counted = true;
            if (++m_ready % 1000 == 0) printLine("progress " + QByteArray::number(m_ready));
            if (m_ready == m_count) printLine("ready " + QByteArray::number(m_ready));
            start();
        });
        connect(client, &Cometd::BayeuxClient::messageReceived, this,
            [user](const Cometd::ClientMessage &m) { printLine("message " + user + ' ' + m.id.toUtf8()); });
        client->start();
    }

    Cometd::ClientOptions m_base;
    QString m_prefix;
    int m_from;
    int m_count;
    int m_concurrency;
    int m_started = 0;
    int m_ready = 0;
    std::deque<bool> m_counted; // stable addresses
};

} // namespace

int main(int argc, char **argv)
{
    EventLoop::installFromEnvironment();
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("cometd.*.info=false\ncometd.*.warning=false"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Holds N Bayeux sessions through a cometd cluster."));
    parser.addHelpOption();
    const QCommandLineOption base(
        QStringLiteral("base"), QStringLiteral("REST base of the balancer."), QStringLiteral("url"));
    const QCommandLineOption prefix(
        QStringLiteral("prefix"), QStringLiteral("User name prefix."), QStringLiteral("p"), QStringLiteral("u"));
    const QCommandLineOption from(
        QStringLiteral("from"), QStringLiteral("First user number."), QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption count(QStringLiteral("count"), QStringLiteral("Sessions to hold."), QStringLiteral("n"));
    const QCommandLineOption channel(QStringLiteral("channel"), QStringLiteral("Channel to subscribe."),
        QStringLiteral("c"), QStringLiteral("/eXo/cometd/test"));
    const QCommandLineOption concurrency(QStringLiteral("concurrency"), QStringLiteral("Sessions opening at once."),
        QStringLiteral("n"), QStringLiteral("100"));
    parser.addOptions({ base, prefix, from, count, channel, concurrency });
    parser.process(app);
    const int n = parser.value(count).toInt();
    const QUrl baseUrl(parser.value(base));
    if (n <= 0 || !baseUrl.isValid() || baseUrl.isEmpty()) {
        std::fprintf(stderr, "cometd-scale-driver: --base URL and --count N are required\n");
        return 2;
    }
    const qint64 limit = EventLoop::raiseFileLimit();
    if (limit >= 0 && limit < n + 64) {
        std::fprintf(stderr, "cometd-scale-driver: %d sessions need more descriptors than %lld\n", n, limit);
        return 1;
    }

    Cometd::ClientOptions options;
    options.baseUrl = baseUrl;
    options.transport = Cometd::ClientTransport::WebSocket;
    options.channels = { parser.value(channel) };
    options.requestTimeout = std::chrono::seconds(30);
    Driver driver(options, parser.value(prefix), parser.value(from).toInt(), n, parser.value(concurrency).toInt());
    driver.start();
    return app.exec();
}
