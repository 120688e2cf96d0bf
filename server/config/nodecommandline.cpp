#include "nodecommandline.h"

#include "configloader.h"
#include "wire.h"

#include <QCoreApplication>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace {

const QString CommandLine = u"command line"_s;

QString quoted(const QString &text)
{
    QString escaped = text;
    escaped.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s);
    return u'"' + escaped + u'"';
}

QString programName(const QStringList &arguments)
{
    return arguments.isEmpty() ? u"cometd-node"_s : QFileInfo(arguments.first()).fileName();
}

ConfigError usageError(const QString &option, const QString &problem, const QString &value)
{
    return ConfigError { CommandLine, u"--"_s + option, problem + u" (got "_s + quoted(value) + u')' };
}

} // namespace

NodeCommandLine::NodeCommandLine()
    : m_help(m_parser.addHelpOption())
    , m_version(m_parser.addVersionOption())
    , m_config(
          u"config"_s, u"Read the configuration from FILE (JSON, or the eXo XML kernel configuration)."_s, u"FILE"_s)
    , m_listen(
          u"listen"_s, u"Listen on HOST:PORT (default 127.0.0.1:8080; port 0 picks a free port)."_s, u"HOST:PORT"_s)
    , m_logLevel(u"log-level"_s, u"Log at LEVEL and above: debug, info, warning or error (default info)."_s, u"LEVEL"_s)
    , m_eventLoop(u"event-loop"_s,
          u"Event loop: epoll or qt (default %1)."_s.arg(EventLoop::kindName(EventLoop::defaultKind()).toString()),
          u"KIND"_s)
    , m_role(u"role"_s, u"Run as ROLE: all, balancer or node (default all)."_s, u"ROLE"_s)
    , m_nodeId(u"node-id"_s, u"This process is the entry ID of the configuration's nodes."_s, u"ID"_s)
    , m_balancer(u"balancer"_s, u"Report to the balancer at URL (role node)."_s, u"URL"_s)
{
    m_parser.setApplicationDescription(
        u"Bayeux (CometD) push server: balancer, node, or both in one process (the default)."_s);
    m_parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    m_parser.addOptions({ m_config, m_listen, m_logLevel, m_eventLoop, m_role, m_nodeId, m_balancer });
}

ConfigResult<NodeOptions> NodeCommandLine::parse(const QStringList &arguments)
{
    if (!m_parser.parse(arguments)) return ConfigError { CommandLine, {}, m_parser.errorText() };

    NodeOptions options;
    if (m_parser.isSet(m_help)) {
        options.action = NodeOptions::Action::ShowHelp;
        options.helpText = m_parser.helpText();
        // Without a QCoreApplication (main() parses before creating one) Qt cannot name the program.
        options.helpText.replace(u"<executable_name>"_s, programName(arguments));
        return options;
    }
    if (m_parser.isSet(m_version)) {
        options.action = NodeOptions::Action::ShowVersion;
        const QString name = QCoreApplication::applicationName();
        const QString version = QCoreApplication::applicationVersion();
        options.versionText = (name.isEmpty() ? programName(arguments) : name) + u' '
            + (version.isEmpty() ? QStringLiteral(COMETD_VERSION) : version);
        return options;
    }
    if (const QStringList extra = m_parser.positionalArguments(); !extra.isEmpty())
        return ConfigError { CommandLine, {}, u"unexpected argument "_s + quoted(extra.first()) };

    if (m_parser.isSet(m_logLevel)) {
        const QString text = m_parser.value(m_logLevel);
        const auto level = parseLogLevel(text);
        if (!level) return usageError(m_logLevel.names().first(), u"must be debug, info, warning or error"_s, text);
        options.logLevel = *level;
    }
    if (m_parser.isSet(m_eventLoop)) {
        const QString text = m_parser.value(m_eventLoop);
        const auto kind = EventLoop::parseKind(text);
        if (!kind) return usageError(m_eventLoop.names().first(), u"must be epoll or qt"_s, text);
        options.eventLoop = *kind;
    }

    if (m_parser.isSet(m_config)) {
        options.configFile = m_parser.value(m_config);
        ConfigResult<NodeConfig> loaded = ConfigLoader::loadFile(options.configFile);
        if (!loaded) return loaded.error();
        options.config = std::move(loaded).value();
    }

    NodeConfig &config = options.config;
    if (m_parser.isSet(m_role)) {
        const QString text = m_parser.value(m_role);
        const auto role = parseRole(text);
        if (!role) return usageError(m_role.names().first(), u"must be all, balancer or node"_s, text);
        config.role = *role;
        config.explicitKeys.insert(Wire::Config::Role);
    }
    if (m_parser.isSet(m_nodeId)) {
        const QString text = m_parser.value(m_nodeId);
        if (!isValidNodeId(text))
            return usageError(m_nodeId.names().first(),
                u"must be 1 to 64 characters without '/', blanks or control characters"_s, text);
        config.nodeId = text;
        config.explicitKeys.insert(Wire::Config::NodeId);
    }
    if (m_parser.isSet(m_listen)) {
        const QString text = m_parser.value(m_listen);
        const auto listen = ListenAddress::parse(text);
        if (!listen)
            return usageError(m_listen.names().first(), u"must be HOST:PORT with a port from 0 to 65535"_s, text);
        config.listen = *listen;
        config.explicitKeys.insert(Wire::Config::Listen);
    }
    if (m_parser.isSet(m_balancer)) {
        const QString text = m_parser.value(m_balancer);
        const auto url = parseBaseUrl(text);
        if (!url)
            return usageError(m_balancer.names().first(), u"must be an http:// or https:// URL with a host"_s, text);
        config.balancerUrl = *url;
        config.explicitKeys.insert(Wire::Config::BalancerUrl);
    }
    return options;
}

QString logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return u"debug"_s;
    case LogLevel::Info:
        return u"info"_s;
    case LogLevel::Warning:
        return u"warning"_s;
    case LogLevel::Error:
        return u"error"_s;
    }
    return {};
}

std::optional<LogLevel> parseLogLevel(QStringView text)
{
    for (const LogLevel level : { LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error }) {
        if (text == logLevelName(level)) return level;
    }
    return std::nullopt;
}

QString loggingFilterRules(LogLevel level)
{
    QStringList rules { u"cometd.*.debug=%1"_s.arg(level == LogLevel::Debug ? u"true"_s : u"false"_s) };
    rules << u"cometd.*.info=%1"_s.arg(level <= LogLevel::Info ? u"true"_s : u"false"_s);
    rules << u"cometd.*.warning=%1"_s.arg(level <= LogLevel::Warning ? u"true"_s : u"false"_s);
    return rules.join(u'\n');
}
