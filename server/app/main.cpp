// cometd-node: the headless Bayeux node (SPEC §1). Parses the command line before the application
// object exists, so that the event dispatcher can be chosen, then wires a NodeServer.
#include "consoleio.h"
#include "eventdispatcher.h"
#include "httpfrontend.h"
#include "nodecommandline.h"
#include "nodeserver.h"
#include "signalwatcher.h"

#include <QCoreApplication>
#include <QLoggingCategory>

#include <cstring>

namespace {

constexpr int ExitRuntimeError = 1;
constexpr int ExitUsage = 2;

} // namespace

int main(int argc, char **argv)
{
    const QStringList arguments = ConsoleIo::arguments(argc, argv);

    QCoreApplication::setApplicationName(QStringLiteral("cometd-node"));
    QCoreApplication::setApplicationVersion(QStringLiteral(COMETD_VERSION));
    NodeCommandLine commandLine;
    auto options = commandLine.parse(arguments);
    if (!options) {
        ConsoleIo::printLine(stderr, options.error().toString());
        return ExitUsage;
    }
    if (options->action == NodeOptions::Action::ShowHelp) {
        ConsoleIo::printLine(stdout, options->helpText);
        return 0;
    }
    if (options->action == NodeOptions::Action::ShowVersion) {
        ConsoleIo::printLine(stdout, options->versionText);
        return 0;
    }
    if (const auto problem = validateForStart(options->config)) {
        ConsoleIo::printLine(stderr, problem->toString());
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
        ConsoleIo::printLine(stderr,
            QStringLiteral("cometd-node: cannot listen on %1: %2")
                .arg(options->config.listen.toString(), server.errorString()));
        return ExitRuntimeError;
    }
    ConsoleIo::printLine(stdout, QStringLiteral("listening on %1").arg(options->config.listen.toUrl(port).toString()));

    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, [&server](int signalNumber) {
        server.shutdown();
        // One line per stop, so that a supervisor's log says the process went on purpose.
        ConsoleIo::printLine(
            stdout, QStringLiteral("stopped on SIG%1").arg(QString::fromLatin1(sigabbrev_np(signalNumber))));
        QCoreApplication::quit();
    });
    return app.exec();
}
