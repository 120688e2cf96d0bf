// The routing benchmark's command line: what to start, how much load, how many repetitions.
#pragma once

#include "bayeuxclient.h"

#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>
#include <variant>

namespace RoutingBench {

enum class Mode { Routed, Direct };

struct Options
{
    QString nodeBinary;
    int users = 1000;
    Cometd::ClientTransport transport = Cometd::ClientTransport::WebSocket;
    int connections = 32;
    int rate = 0; // requests per second over all connections; 0: as fast as answers come back
    std::chrono::milliseconds warmup { 2000 };
    std::chrono::milliseconds measure { 10000 };
    std::chrono::milliseconds drain { 5000 }; // after the window, for deliveries still on their way
    std::chrono::milliseconds setupTimeout { 60000 }; // cluster up and every user ready
    QList<Mode> modes { Mode::Routed, Mode::Direct }; // run in this order within a repetition
    int reps = 3;
    int maxConnection = 1000; // per node
    bool json = false;
    // The Redis engine (SPEC §6): every process on this Redis; its CPU counted with the servers'.
    // Then "routed" sends each message to a node that does not hold its user (Redis pub/sub carries
    // it over), "direct" to the node that does.
    QString redisUrl;
    qint64 redisPid = 0;
};

struct OptionsError
{
    QString message; // empty for --help: print the help text and exit 0
    QString helpText;
};

// `arguments` includes the program name; `defaultNodeBinary` is the build's cometd-node.
std::variant<Options, OptionsError> parseOptions(const QStringList &arguments, const QString &defaultNodeBinary);

QString modeName(Mode mode);
QString transportName(Cometd::ClientTransport transport);

} // namespace RoutingBench
