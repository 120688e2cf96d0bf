// cometd-cli: a user of the cluster on the command line. `listen` prints what arrives for a user,
// `send` and `broadcast` push a message through the delivery API: enough to see a message arrive
// without writing a client, and to script a check of a running cluster.
#include "clicommandline.h"
#include "clilistener.h"
#include "clisender.h"
#include "consoleio.h"
#include "signalwatcher.h"

#include <QCoreApplication>
#include <QLoggingCategory>

namespace {

constexpr int ExitUsage = 2;

} // namespace

int main(int argc, char **argv)
{
    const QStringList arguments = ConsoleIo::arguments(argc, argv);
    const CliOptions options = CliCommandLine::parse(arguments, qgetenv("COMETD_API_KEY"));
    if (!options.error.isEmpty()) {
        ConsoleIo::printLine(stderr, QStringLiteral("cometd-cli: ") + options.error);
        return ExitUsage;
    }
    if (options.action == CliOptions::Action::ShowHelp || options.action == CliOptions::Action::ShowVersion) {
        ConsoleIo::printLine(stdout, options.text);
        return 0;
    }

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cometd-cli"));
    // The client's own categories log every retry; this tool says what matters in its own words.
    QLoggingCategory::setFilterRules(
        QStringLiteral("cometd.*.debug=false\ncometd.*.info=false\ncometd.*.warning=false"));
    SignalWatcher watcher;

    if (options.action == CliOptions::Action::Listen) {
        CliListener listener(
            options, [](const QString &line) { ConsoleIo::printLine(stdout, line); },
            [](const QString &line) { ConsoleIo::printLine(stderr, QStringLiteral("cometd-cli: ") + line); });
        QObject::connect(&listener, &CliListener::finished, &app, [](int code) { QCoreApplication::exit(code); });
        // Ctrl-C disconnects and gives the user's slot back, as a closing browser tab would.
        QObject::connect(
            &watcher, &SignalWatcher::terminationRequested, &listener, [&listener](int) { listener.stop(0); });
        listener.start();
        return app.exec();
    }

    CliSender sender(options);
    QObject::connect(&sender, &CliSender::finished, &app, [](const CliSender::Outcome &outcome) {
        ConsoleIo::printLine(outcome.exitCode == 0 ? stdout : stderr,
            outcome.exitCode == 0 ? outcome.line : QStringLiteral("cometd-cli: ") + outcome.line);
        QCoreApplication::exit(outcome.exitCode);
    });
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &app, [](int) { QCoreApplication::exit(1); });
    sender.start();
    return app.exec();
}
