#include "clicommandline.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>

namespace {

constexpr auto Summary = R"(Listens as a user of a cometd-cluster, or sends it a message.

  cometd-cli listen USER [CHANNEL...]   connect as USER the way an application's client does
                                        (balancer, token, handshake, subscribe) and print every
                                        message that arrives, one per line, until Ctrl-C
  cometd-cli send USER MESSAGE          send MESSAGE to every session of USER
  cometd-cli broadcast MESSAGE          publish MESSAGE to every subscriber of the channel

The channel is /eXo/cometd/test unless named. Messages go through the delivery API of the
balancer or of any node (POST /rest/sendprivatemessage/, /rest/sendbroadcastmessage/); a
cluster with an apiKey wants it in --api-key or COMETD_API_KEY.

Exit status: 0 done; 1 the cluster refused, nobody received the message, or --timeout passed;
2 a usage error.)";

CliOptions usageError(QString message)
{
    CliOptions o;
    o.error = std::move(message);
    return o;
}

QJsonValue parseMessage(const QString &text, bool json, QString *error)
{
    if (!json) return text;
    QJsonParseError parseError {};
    // Wrapped in an array, so that a bare string, number or literal parses too.
    const QJsonDocument document = QJsonDocument::fromJson("[" + text.toUtf8() + "]", &parseError);
    if (parseError.error != QJsonParseError::NoError || document.array().size() != 1) {
        *error = QStringLiteral("--json: MESSAGE is not one JSON value: %1").arg(text);
        return {};
    }
    return document.array().first();
}

bool isChannelName(const QString &channel)
{
    return channel.startsWith(QLatin1Char('/')) && channel.size() > 1;
}

} // namespace

QUrl CliCommandLine::restBase(const QString &text)
{
    QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty())
        return {};
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    if (!path.endsWith(QLatin1String("/rest"))) path += QLatin1String("/rest");
    url.setPath(path + QLatin1Char('/'));
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

CliOptions CliCommandLine::parse(const QStringList &arguments, const QByteArray &environmentApiKey)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QString::fromUtf8(Summary));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({ QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
    const QCommandLineOption version(
        { QStringLiteral("v"), QStringLiteral("version") }, QStringLiteral("Show the version."));
    const QCommandLineOption url({ QStringLiteral("u"), QStringLiteral("url") },
        QStringLiteral("The balancer (listen), or the balancer or any node (send, broadcast). Default %1.")
            .arg(DefaultUrl),
        QStringLiteral("URL"), DefaultUrl);
    const QCommandLineOption channel({ QStringLiteral("c"), QStringLiteral("channel") },
        QStringLiteral("send, broadcast: the channel. Default %1.").arg(DefaultChannel), QStringLiteral("CHANNEL"));
    const QCommandLineOption id(QStringLiteral("id"),
        QStringLiteral("send, broadcast: the message id the clients receive. Default: cli-<milliseconds>."),
        QStringLiteral("ID"));
    const QCommandLineOption json(QStringLiteral("json"),
        QStringLiteral("send, broadcast: MESSAGE is a JSON value. listen: print each message as one JSON object."));
    const QCommandLineOption webSocket(
        QStringLiteral("websocket"), QStringLiteral("listen: over WebSocket rather than long-polling."));
    const QCommandLineOption count({ QStringLiteral("n"), QStringLiteral("count") },
        QStringLiteral("listen: exit after N messages."), QStringLiteral("N"));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
        QStringLiteral("listen: exit 1 if not done within SECONDS. send, broadcast: wait that long for the answer "
                       "(default 10)."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption apiKey(QStringLiteral("api-key"),
        QStringLiteral("The cluster's apiKey, when it has one. Default: COMETD_API_KEY."), QStringLiteral("KEY"));
    parser.addOptions({ help, version, url, channel, id, json, webSocket, count, timeout, apiKey });
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("listen, send or broadcast."));

    if (!parser.parse(arguments)) return usageError(parser.errorText());
    CliOptions o;
    if (parser.isSet(help)) {
        o.action = CliOptions::Action::ShowHelp;
        // Qt's usage line names whatever binary parsed it; this one names the commands.
        QString text = parser.helpText().trimmed();
        text.remove(0, text.indexOf(QLatin1Char('\n')) + 1);
        o.text = QStringLiteral("Usage: cometd-cli [options] listen|send|broadcast ...\n") + text;
        return o;
    }
    if (parser.isSet(version)) {
        o.action = CliOptions::Action::ShowVersion;
        o.text = QStringLiteral("cometd-cli ") + QStringLiteral(COMETD_VERSION);
        return o;
    }

    o.restUrl = restBase(parser.value(url));
    if (o.restUrl.isEmpty()) return usageError(QStringLiteral("--url: not an http URL: %1").arg(parser.value(url)));
    o.json = parser.isSet(json);
    o.webSocket = parser.isSet(webSocket);
    o.id = parser.value(id);
    o.apiKey = parser.isSet(apiKey) ? parser.value(apiKey).toUtf8() : environmentApiKey;
    if (parser.isSet(count)) {
        bool ok = false;
        o.count = parser.value(count).toInt(&ok);
        if (!ok || o.count < 1)
            return usageError(QStringLiteral("--count: not a positive number: %1").arg(parser.value(count)));
    }
    if (parser.isSet(timeout)) {
        bool ok = false;
        const int seconds = parser.value(timeout).toInt(&ok);
        if (!ok || seconds < 1)
            return usageError(
                QStringLiteral("--timeout: not a positive number of seconds: %1").arg(parser.value(timeout)));
        o.timeout = std::chrono::seconds(seconds);
    }

    QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return usageError(QStringLiteral("a command is needed: listen, send or broadcast (see --help)"));
    const QString command = positional.takeFirst();
    const auto needs = [&](qsizetype least, qsizetype most, const char *usage) -> QString {
        if (positional.size() < least || (most >= 0 && positional.size() > most))
            return QStringLiteral("usage: cometd-cli %1").arg(QLatin1String(usage));
        return {};
    };
    QString problem;
    if (command == QLatin1String("listen")) {
        o.action = CliOptions::Action::Listen;
        problem = needs(1, -1, "listen USER [CHANNEL...]");
        if (problem.isEmpty()) {
            o.user = positional.takeFirst();
            o.channels = positional;
            if (parser.isSet(channel)) o.channels.append(parser.value(channel));
        }
    } else if (command == QLatin1String("send")) {
        o.action = CliOptions::Action::Send;
        problem = needs(2, 2, "send USER MESSAGE");
        if (problem.isEmpty()) {
            o.user = positional.at(0);
            o.message = parseMessage(positional.at(1), o.json, &problem);
        }
    } else if (command == QLatin1String("broadcast")) {
        o.action = CliOptions::Action::Broadcast;
        problem = needs(1, 1, "broadcast MESSAGE");
        if (problem.isEmpty()) o.message = parseMessage(positional.at(0), o.json, &problem);
    } else {
        problem = QStringLiteral("unknown command \"%1\": listen, send or broadcast").arg(command);
    }
    if (!problem.isEmpty()) return usageError(problem);

    if (o.action != CliOptions::Action::Listen && parser.isSet(channel)) o.channels = { parser.value(channel) };
    if (o.channels.isEmpty()) o.channels = { QString(DefaultChannel) };
    for (const QString &name : std::as_const(o.channels)) {
        if (!isChannelName(name))
            return usageError(QStringLiteral("not a channel name: \"%1\" (channels start with /)").arg(name));
    }
    if (o.user.isEmpty() && o.action != CliOptions::Action::Broadcast)
        return usageError(QStringLiteral("USER is empty"));
    if (o.action != CliOptions::Action::Listen && o.timeout.count() == 0) o.timeout = std::chrono::seconds(10);
    return o;
}
