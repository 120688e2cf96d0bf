#pragma once

#include "eventdispatcher.h"

#include <QString>
#include <QUrl>

#include <chrono>
#include <optional>

struct StressCommandOptions
{
    enum class Action { Run, ShowHelp, ShowVersion };
    Action action = Action::Run;
    QString text; // help or version text
    QString configFile;
    bool json = false;
    bool failover = false;
    bool webSocket = false;
    std::optional<EventLoop::Kind> eventLoop; // none: COMETD_EVENT_LOOP or the platform's default
    std::chrono::seconds timeout { 30 };
    // --send-url, in order: base URLs the messages are sent through instead of <base-url> (several
    // balancers, say); the next one is used when one does not answer.
    QList<QUrl> sendUrls;
    QString userPrefix = QStringLiteral("exo"); // --user-prefix: client i is user <prefix><i>
    bool strict = false; // --strict: messages this run did not send fail it
    QString logRules; // QLoggingCategory filter rules for --log-level (default: warnings and errors)
    QString error; // non-empty: a usage error, one line
};

// cometd-stress's command line (SPEC §1 conventions, §5).
namespace StressCommandLine {
StressCommandOptions parse(const QStringList &arguments);
}
