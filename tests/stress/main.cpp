// cometd-stress: the stress and latency test of the original design (SPEC §5). Chooses the event
// dispatcher before the application object exists, then runs one StressRun and prints its report.
#include "consoleio.h"
#include "eventdispatcher.h"
#include "nodelauncher.h"
#include "progressbar.h"
#include "signalwatcher.h"
#include "stresscommandline.h"
#include "stressconfig.h"
#include "stressrun.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTimer>

#include <cstdio>
#include <unistd.h>

#ifndef COMETD_NODE_BINARY
#define COMETD_NODE_BINARY "cometd-node"
#endif

namespace {

constexpr int ExitFailed = 1;
constexpr int ExitUsage = 2;

} // namespace

int main(int argc, char **argv)
{
    const QStringList arguments = ConsoleIo::arguments(argc, argv);

    const StressCommandOptions command = StressCommandLine::parse(arguments);
    if (!command.error.isEmpty()) {
        ConsoleIo::printLine(stderr, QStringLiteral("cometd-stress: ") + command.error);
        return ExitUsage;
    }
    if (command.action != StressCommandOptions::Action::Run) {
        ConsoleIo::printLine(stdout, command.text);
        return 0;
    }
    const StressConfigResult config = StressConfigParser::parseFile(command.configFile);
    if (!config.ok()) {
        ConsoleIo::printLine(stderr, QStringLiteral("cometd-stress: ") + config.error());
        return ExitUsage;
    }

    if (command.eventLoop) {
        EventLoop::install(*command.eventLoop);
    } else if (!EventLoop::installFromEnvironment()) {
        ConsoleIo::printLine(stderr, QStringLiteral("cometd-stress: COMETD_EVENT_LOOP must be epoll or qt"));
        return ExitUsage;
    }
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cometd-stress"));
    QLoggingCategory::setFilterRules(command.logRules);
    EventLoop::raiseFileLimit();

    StressOptions options;
    options.config = config.config();
    options.transport = command.webSocket ? Cometd::ClientTransport::WebSocket : Cometd::ClientTransport::LongPolling;
    options.failover = command.failover;
    options.userPrefix = command.userPrefix;
    options.strict = command.strict;
    options.sendUrls = command.sendUrls;
    options.timeout = command.timeout;
    options.nodeBinary = NodeLauncher::findNodeBinary(
        QCoreApplication::applicationDirPath(), QString::fromLocal8Bit(COMETD_NODE_BINARY));
    if (command.eventLoop) options.eventLoop = EventLoop::kindName(*command.eventLoop).toString();
    options.apiKey = qgetenv("COMETD_API_KEY");

    ProgressBar progress(stderr, isatty(STDERR_FILENO) == 1);
    StressRun run(std::move(options), &progress);
    int exitCode = ExitFailed;
    QObject::connect(&run, &StressRun::finished, &app, [&exitCode, json = command.json](const StressReport &report) {
        if (json)
            ConsoleIo::printLine(
                stdout, QString::fromUtf8(QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact)));
        else
            ConsoleIo::printLine(stdout, report.toText());
        exitCode = report.passed() ? 0 : ExitFailed;
        QCoreApplication::quit();
    });
    SignalWatcher interrupts;
    int interruptCount = 0;
    QObject::connect(&interrupts, &SignalWatcher::terminationRequested, &run, [&run, &interruptCount](int number) {
        // The first interrupt ends the run in order (report included); a second one does not wait.
        if (++interruptCount > 1) QCoreApplication::exit(ExitFailed);
        run.abort(QStringLiteral("interrupted by signal %1").arg(number));
    });
    // Started from the loop, so that a run finishing at once (a node that cannot start) still quits it.
    QTimer::singleShot(0, &run, &StressRun::start);
    app.exec();
    return exitCode;
}
