#include "stresscommandline.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace {
constexpr int MaxTimeoutSeconds = 86400;

QString invalid(const QString &option, const QString &problem, const QString &value)
{
    return u"--%1: %2 (got \"%3\")"_s.arg(option, problem, value);
}
} // namespace

namespace StressCommandLine {

StressCommandOptions parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Stress and latency test of a cometd-cluster (the original eXo test)."_s);
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption config(u"config"_s, u"The test configuration (the original XML). Required."_s, u"FILE"_s);
    const QCommandLineOption json(u"json"_s, u"Print the report as one JSON object."_s);
    const QCommandLineOption transport(
        u"transport"_s, u"Client transport: long-polling (default) or websocket."_s, u"NAME"_s);
    const QCommandLineOption eventLoop(u"event-loop"_s,
        u"Event loop: epoll or qt (default %1, or COMETD_EVENT_LOOP)."_s.arg(
            EventLoop::kindName(EventLoop::defaultKind()).toString()),
        u"KIND"_s);
    const QCommandLineOption timeout(
        u"timeout"_s, u"Seconds each wait may take: connecting, deliveries, retries (default 30)."_s, u"SECONDS"_s);
    const QCommandLineOption failover(
        u"failover"_s, u"Clients use ack and failover; refused sends are retried and lost messages re-sent."_s);
    const QCommandLineOption logLevel(
        u"log-level"_s, u"Log at LEVEL and above: debug, info, warning (default) or error."_s, u"LEVEL"_s);
    const QCommandLineOption sendUrl(u"send-url"_s,
        u"Send the messages through BASE (a balancer's or node's http://host:port/rest/) instead of <base-url>; "
        "repeat it for several, each used in turn while the one before does not answer."_s,
        u"BASE"_s);
    const QCommandLineOption userPrefix(u"user-prefix"_s,
        u"Name the clients PREFIX0, PREFIX1, ... (default exo, as the original test): pick one no real user of "
        "the cluster has, or their messages mix with the run's."_s,
        u"PREFIX"_s);
    const QCommandLineOption strict(u"strict"_s,
        u"Fail the run when messages it did not send arrive on its channels (by default they are reported as "
        "foreign)."_s);
    parser.addOptions({ config, json, transport, eventLoop, timeout, failover, logLevel, sendUrl, userPrefix, strict });

    StressCommandOptions options;
    if (!parser.parse(arguments)) {
        options.error = parser.errorText();
        return options;
    }
    if (parser.isSet(help)) {
        options.action = StressCommandOptions::Action::ShowHelp;
        options.text = parser.helpText();
        options.text.replace(u"<executable_name>"_s, u"cometd-stress"_s);
        return options;
    }
    if (parser.isSet(version)) {
        options.action = StressCommandOptions::Action::ShowVersion;
        options.text = u"cometd-stress "_s + QStringLiteral(COMETD_VERSION);
        return options;
    }
    if (!parser.positionalArguments().isEmpty()) {
        options.error = u"unexpected argument \"%1\""_s.arg(parser.positionalArguments().first());
        return options;
    }
    if (!parser.isSet(config) || parser.value(config).isEmpty()) {
        options.error = u"--config FILE is required"_s;
        return options;
    }
    options.configFile = parser.value(config);
    options.json = parser.isSet(json);
    options.failover = parser.isSet(failover);
    options.strict = parser.isSet(strict);
    if (parser.isSet(userPrefix)) {
        const QString value = parser.value(userPrefix);
        // A user name holds no control character, blank or '/' (it is a path segment of cometdurl).
        static const QRegularExpression allowed(u"^[A-Za-z0-9._@-]{1,200}$"_s);
        if (!allowed.match(value).hasMatch()) {
            options.error = invalid(u"user-prefix"_s, u"must be 1 to 200 letters, digits or . _ @ -"_s, value);
            return options;
        }
        options.userPrefix = value;
    }
    for (const QString &value : parser.values(sendUrl)) {
        QUrl url(value, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"http"_s && url.scheme() != u"https"_s) || url.host().isEmpty()) {
            options.error = invalid(u"send-url"_s, u"must be an http:// or https:// URL"_s, value);
            return options;
        }
        if (!url.path().endsWith(u'/')) url.setPath(url.path() + u'/');
        options.sendUrls.append(url);
    }
    if (parser.isSet(transport)) {
        const QString value = parser.value(transport);
        if (value == u"websocket"_s) {
            options.webSocket = true;
        } else if (value != u"long-polling"_s) {
            options.error = invalid(u"transport"_s, u"must be long-polling or websocket"_s, value);
            return options;
        }
    }
    if (parser.isSet(eventLoop)) {
        const QString value = parser.value(eventLoop);
        options.eventLoop = EventLoop::parseKind(value);
        if (!options.eventLoop) {
            options.error = invalid(u"event-loop"_s, u"must be epoll or qt"_s, value);
            return options;
        }
    }
    if (parser.isSet(timeout)) {
        const QString value = parser.value(timeout);
        bool ok = false;
        const int seconds = value.toInt(&ok);
        if (!ok || seconds < 1 || seconds > MaxTimeoutSeconds) {
            options.error = invalid(
                u"timeout"_s, u"must be a whole number of seconds from 1 to %1"_s.arg(MaxTimeoutSeconds), value);
            return options;
        }
        options.timeout = std::chrono::seconds(seconds);
    }
    const QString level = parser.isSet(logLevel) ? parser.value(logLevel) : u"warning"_s;
    const QStringList levels { u"debug"_s, u"info"_s, u"warning"_s, u"error"_s };
    const qsizetype index = levels.indexOf(level);
    if (index < 0) {
        options.error = invalid(u"log-level"_s, u"must be debug, info, warning or error"_s, level);
        return options;
    }
    // The report is the output; the project's categories stay quiet below the chosen level.
    QStringList rules;
    for (qsizetype below = 0; below < index; ++below)
        rules << u"cometd.*.%1=false"_s.arg(levels.at(below));
    options.logRules = rules.join(u'\n');
    return options;
}

} // namespace StressCommandLine
