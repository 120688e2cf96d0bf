#pragma once

#include "configerror.h"
#include "eventdispatcher.h"
#include "nodeconfig.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QString>
#include <QStringList>

enum class LogLevel { Debug, Info, Warning, Error };

// What cometd-node's command line decided: the merged configuration and the process options.
struct NodeOptions
{
    enum class Action { Run, ShowHelp, ShowVersion };

    Action action = Action::Run;
    NodeConfig config; // the file's, then the command-line overrides
    QString configFile; // empty: built-in defaults
    LogLevel logLevel = LogLevel::Info;
    EventLoop::Kind eventLoop = EventLoop::defaultKind();
    QString helpText; // for ShowHelp
    QString versionText; // for ShowVersion: "<applicationName> <applicationVersion>"
};

// cometd-node's command line (SPEC §1): --config, --listen, --log-level, --event-loop, --role,
// --node-id, --balancer, --help, --version. Parsing needs no QCoreApplication, so main() can pick
// the event dispatcher before creating one; usage errors come back as ConfigError (exit 2).
class NodeCommandLine final
{
    Q_DISABLE_COPY_MOVE(NodeCommandLine)
public:
    NodeCommandLine();

    // arguments[0] is the program, as in QCoreApplication::arguments().
    ConfigResult<NodeOptions> parse(const QStringList &arguments);

    QString helpText() const { return m_parser.helpText(); }

private:
    QCommandLineParser m_parser;
    QCommandLineOption m_help;
    QCommandLineOption m_version;
    QCommandLineOption m_config;
    QCommandLineOption m_listen;
    QCommandLineOption m_logLevel;
    QCommandLineOption m_eventLoop;
    QCommandLineOption m_role;
    QCommandLineOption m_nodeId;
    QCommandLineOption m_balancer;
};

QString logLevelName(LogLevel level);
std::optional<LogLevel> parseLogLevel(QStringView text);

// Rules for QLoggingCategory::setFilterRules(): the project's categories (cometd.*) at `level` and
// above; Qt's own categories keep their debug output off.
QString loggingFilterRules(LogLevel level);
