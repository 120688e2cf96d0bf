// bench-routing: private messages per second through the balancer to users spread over two nodes,
// against the same load sent straight to each user's node. See ../README.md.
#include "benchoptions.h"
#include "benchrun.h"
#include "eventdispatcher.h"
#include "routinglogging.h"

#include <QCoreApplication>
#include <QTimer>

#include <cstdio>

Q_LOGGING_CATEGORY(lcRouting, "cometd.bench.routing", QtInfoMsg)

int main(int argc, char **argv)
{
    // The same dispatcher as cometd-node (COMETD_EVENT_LOOP=qt|epoll, epoll by default on Linux):
    // with a thousand client sockets Qt's poll() based one would cost the driver more than the load.
    if (!EventLoop::installFromEnvironment()) {
        std::fprintf(stderr, "bench-routing: COMETD_EVENT_LOOP must be qt or epoll\n");
        return 2;
    }
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bench-routing"));
    EventLoop::raiseFileLimit();

    auto parsed = RoutingBench::parseOptions(QCoreApplication::arguments(), QStringLiteral(COMETD_NODE_BINARY));
    if (const auto *error = std::get_if<RoutingBench::OptionsError>(&parsed)) {
        if (error->message.isEmpty()) {
            std::fprintf(stdout, "%s", qPrintable(error->helpText));
            return 0;
        }
        std::fprintf(stderr, "bench-routing: %s\n\n%s", qPrintable(error->message), qPrintable(error->helpText));
        return 2;
    }

    RoutingBench::BenchRun run(std::get<RoutingBench::Options>(std::move(parsed)));
    QObject::connect(
        &run, &RoutingBench::BenchRun::finished, &app, [](int exitCode) { QCoreApplication::exit(exitCode); });
    // From inside the event loop, so that a failure at once can still end it.
    QTimer::singleShot(0, &run, &RoutingBench::BenchRun::start);
    return app.exec();
}
