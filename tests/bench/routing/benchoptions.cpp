#include "benchoptions.h"

#include <QCommandLineParser>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace RoutingBench {

namespace {

// A whole number in [minimum, maximum], or nullopt.
std::optional<int> boundedInt(const QString &text, int minimum, int maximum)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < minimum || value > maximum) return std::nullopt;
    return value;
}

// Seconds, fractions allowed, as milliseconds.
std::optional<std::chrono::milliseconds> seconds(const QString &text, double minimum)
{
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || value < minimum || value > 3600) return std::nullopt;
    return std::chrono::milliseconds(qint64(value * 1000));
}

} // namespace

QString modeName(Mode mode)
{
    return mode == Mode::Routed ? u"routed"_s : u"direct"_s;
}

QString transportName(Cometd::ClientTransport transport)
{
    return transport == Cometd::ClientTransport::WebSocket ? u"websocket"_s : u"long-polling"_s;
}

std::variant<Options, OptionsError> parseOptions(const QStringList &arguments, const QString &defaultNodeBinary)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Private messages per second through the balancer to users spread over two nodes, against the same "
        "load sent straight to each user's node."_s);
    parser.addHelpOption();
    const QCommandLineOption nodeBinary(
        u"node-binary"_s, u"cometd-node to start. Default: the one of this build."_s, u"path"_s, defaultNodeBinary);
    const QCommandLineOption users(u"users"_s, u"Users (one Bayeux client each). Default 1000."_s, u"n"_s, u"1000"_s);
    const QCommandLineOption transport(
        u"transport"_s, u"Client transport: websocket (default) or long-polling."_s, u"name"_s, u"websocket"_s);
    const QCommandLineOption connections(
        u"connections"_s, u"Keep-alive HTTP connections sending, closed loop. Default 32."_s, u"k"_s, u"32"_s);
    const QCommandLineOption rate(u"rate"_s,
        u"Pace the connections to this many requests per second in all (0, the default: each sends as soon as "
        "it is answered). Compares latency at the same load."_s,
        u"n"_s, u"0"_s);
    const QCommandLineOption secondsOption(u"seconds"_s, u"Measured window per run. Default 10."_s, u"s"_s, u"10"_s);
    const QCommandLineOption warmup(
        u"warmup"_s, u"Load before each window, not measured. Default 2."_s, u"s"_s, u"2"_s);
    const QCommandLineOption drain(
        u"drain"_s, u"Wait after a window for messages still on their way. Default 5."_s, u"s"_s, u"5"_s);
    const QCommandLineOption setup(
        u"setup-timeout"_s, u"Bound on starting the cluster and readying every user. Default 60."_s, u"s"_s, u"60"_s);
    const QCommandLineOption mode(u"mode"_s, u"routed, direct or both (default; alternating)."_s, u"mode"_s, u"both"_s);
    const QCommandLineOption reps(u"reps"_s, u"Runs per mode; medians are printed. Default 3."_s, u"n"_s, u"3"_s);
    const QCommandLineOption maxConnection(
        u"max-connection"_s, u"maxConnection of each node. Default 1000."_s, u"n"_s, u"1000"_s);
    const QCommandLineOption json(u"json"_s, u"Print one JSON object instead of tables."_s);
    const QCommandLineOption redis(u"redis"_s,
        u"Run the cluster on the Redis engine at URL (redis://127.0.0.1:PORT); routed messages then go to a node that "
        "does not hold the user."_s,
        u"url"_s);
    const QCommandLineOption redisPid(u"redis-pid"_s, u"The redis-server's pid, to count its CPU."_s, u"pid"_s);
    parser.addOptions({ nodeBinary, users, transport, connections, rate, secondsOption, warmup, drain, setup, mode,
        reps, maxConnection, json, redis, redisPid });

    const auto fail = [&parser](const QString &message) {
        return OptionsError { message.isEmpty() ? u"invalid arguments"_s : message, parser.helpText() };
    };
    if (!parser.parse(arguments)) return fail(parser.errorText());
    if (parser.isSet(u"help"_s)) return OptionsError { QString(), parser.helpText() };
    if (!parser.positionalArguments().isEmpty())
        return fail(u"unexpected argument: "_s + parser.positionalArguments().constFirst());

    Options options;
    options.nodeBinary = parser.value(nodeBinary);
    if (!QFileInfo(options.nodeBinary).isExecutable())
        return fail(u"--node-binary: not an executable: "_s + options.nodeBinary);

    const auto intOption = [&](const QCommandLineOption &option, int minimum, int maximum, int &into) {
        const auto value = boundedInt(parser.value(option), minimum, maximum);
        if (value) into = *value;
        return value.has_value();
    };
    if (!intOption(users, 1, 100000, options.users)) return fail(u"--users: 1..100000"_s);
    if (!intOption(connections, 1, 4096, options.connections)) return fail(u"--connections: 1..4096"_s);
    if (!intOption(rate, 0, 10000000, options.rate)) return fail(u"--rate: 0..10000000"_s);
    if (!intOption(reps, 1, 100, options.reps)) return fail(u"--reps: 1..100"_s);
    if (!intOption(maxConnection, 1, 1000000, options.maxConnection)) return fail(u"--max-connection: 1..1000000"_s);

    const auto secondsOf = [&](const QCommandLineOption &option, double minimum, std::chrono::milliseconds &into) {
        const auto value = seconds(parser.value(option), minimum);
        if (value) into = *value;
        return value.has_value();
    };
    if (!secondsOf(secondsOption, 0.1, options.measure)) return fail(u"--seconds: 0.1..3600"_s);
    if (!secondsOf(warmup, 0, options.warmup)) return fail(u"--warmup: 0..3600"_s);
    if (!secondsOf(drain, 0, options.drain)) return fail(u"--drain: 0..3600"_s);
    if (!secondsOf(setup, 1, options.setupTimeout)) return fail(u"--setup-timeout: 1..3600"_s);

    const QString transportValue = parser.value(transport);
    if (transportValue == u"websocket")
        options.transport = Cometd::ClientTransport::WebSocket;
    else if (transportValue == u"long-polling")
        options.transport = Cometd::ClientTransport::LongPolling;
    else
        return fail(u"--transport: websocket or long-polling"_s);

    const QString modeValue = parser.value(mode);
    if (modeValue == u"routed")
        options.modes = { Mode::Routed };
    else if (modeValue == u"direct")
        options.modes = { Mode::Direct };
    else if (modeValue != u"both")
        return fail(u"--mode: routed, direct or both"_s);

    options.json = parser.isSet(json);
    options.redisUrl = parser.value(redis);
    if (!options.redisUrl.isEmpty() && !options.redisUrl.startsWith(u"redis://"_s))
        return fail(u"--redis: redis://HOST:PORT"_s);
    options.redisPid = parser.value(redisPid).toLongLong();
    return options;
}

} // namespace RoutingBench
