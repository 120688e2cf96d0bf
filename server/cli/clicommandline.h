#pragma once

#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <chrono>

// What `cometd-cli` was asked to do: listen as a user, or send one message through the delivery API.
struct CliOptions
{
    enum class Action { Listen, Send, Broadcast, ShowHelp, ShowVersion };
    Action action = Action::ShowHelp;
    QString text; // help or version text
    QString error; // non-empty: a usage error, one line

    QUrl restUrl; // the REST base, ending in "/rest/", of the balancer or of a node
    QString user; // listen, send
    QStringList channels; // listen: subscribed; send, broadcast: the first one
    QJsonValue message; // send, broadcast
    QString id; // send, broadcast; empty: one is made up
    bool json = false; // listen: one JSON object per line
    bool webSocket = false;
    int count = 0; // listen: stop after this many messages; 0 = until interrupted
    std::chrono::seconds timeout { 0 }; // listen: give up after; 0 = never. send: the request's
    QByteArray apiKey;
};

namespace CliCommandLine {
inline constexpr QLatin1StringView DefaultUrl { "http://127.0.0.1:8080" };
inline constexpr QLatin1StringView DefaultChannel { "/eXo/cometd/test" };

// arguments[0] is the program name. `environmentApiKey` is COMETD_API_KEY, used when no --api-key.
CliOptions parse(const QStringList &arguments, const QByteArray &environmentApiKey = {});

// "http://host:8080", "http://host:8080/" or "http://host:8080/rest" → "http://host:8080/rest/";
// an invalid or non-HTTP URL gives an empty QUrl.
QUrl restBase(const QString &url);
} // namespace CliCommandLine
