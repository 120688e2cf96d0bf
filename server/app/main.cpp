// cometd-node: the headless Bayeux node (SPEC §1). Parses the command line before the application
// object exists, so that the event dispatcher can be chosen, then wires a NodeServer.
#include "eventdispatcher.h"
#include "httpfrontend.h"
#include "nodecommandline.h"
#include "nodeserver.h"
#include "signalwatcher.h"

#include <QCoreApplication>
#include <QLoggingCategory>

#include <cstdio>

namespace {

constexpr int ExitRuntimeError = 1;
constexpr int ExitUsage = 2;

void printLine(FILE *stream, const QString &line)
{
    std::fprintf(stream, "%s\n", qPrintable(line));
    std::fflush(stream);
}

} // namespace

int main(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));

    QCoreApplication::setApplicationName(QStringLiteral("cometd-node"));
    QCoreApplication::setApplicationVersion(QStringLiteral(COMETD_VERSION));
    NodeCommandLine commandLine;
    auto options = commandLine.parse(arguments);
    if (!options) {
        printLine(stderr, options.error().toString());
        return ExitUsage;
    }
    if (options->action == NodeOptions::Action::ShowHelp) {
        printLine(stdout, options->helpText);
        return 0;
    }
    if (options->action == NodeOptions::Action::ShowVersion) {
        printLine(stdout, options->versionText);
        return 0;
    }
    if (const auto problem = validateForStart(options->config)) {
        printLine(stderr, problem->toString());
        return ExitUsage;
    }

    EventLoop::install(options->eventLoop);
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(loggingFilterRules(options->logLevel));
    EventLoop::raiseFileLimit();

    SignalWatcher watcher;
    NodeServer server(options->config);
    const quint16 port = server.start();
    if (port == 0) {
        printLine(stderr,
            QStringLiteral("cometd-node: cannot listen on %1: %2")
                .arg(options->config.listen.toString(), server.errorString()));
        return ExitRuntimeError;
    }
    printLine(stdout, QStringLiteral("listening on %1").arg(options->config.listen.toUrl(port).toString()));

    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, [&server](int) {
        server.shutdown();
        QCoreApplication::quit();
    });
    return app.exec();
}
