#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace Redis {

struct Endpoint
{
    QString host;
    quint16 port = 6379;

    // host:port, with brackets around an IPv6 address.
    QString toString() const;
    friend bool operator==(const Endpoint &, const Endpoint &) = default;
};

// Where a connection goes and how it behaves when Redis is away.
struct Options
{
    Endpoint server; // unused when sentinels are given
    QByteArray password; // AUTH before anything else when not empty; never logged
    int db = 0; // SELECT when not 0
    // Sentinel: each is asked in turn where `master` is; the server found must say ROLE master.
    QList<Endpoint> sentinels;
    QByteArray master;
    // One attempt's budget for each step: resolving a host name, connecting, AUTH, SELECT, ROLE/PING.
    int connectTimeoutMs = 1000;
    // Between failed attempts: doubling from min to max. Max stays under the 2 s in which a node must
    // have written its state again after Redis comes back (SPEC §6).
    int minBackoffMs = 100;
    int maxBackoffMs = 1000;
    // A connection that is up sends PING when idle this often, and drops the link when commands have
    // waited this long without any reply (a frozen server or a dead host otherwise hangs it for ever).
    int pingIntervalMs = 1000;
    int replyTimeoutMs = 3000;
    QString name; // said in the log lines, to tell connections apart
};

// redis://[:password@]host[:port][/db]; nullopt with a message in *error (which never repeats the
// password) when `url` is not one.
std::optional<Options> parseUrl(const QString &url, QString *error);

// host:port, [v6address]:port, or a host alone (then `defaultPort`).
std::optional<Endpoint> parseEndpoint(const QString &text, quint16 defaultPort, QString *error);

} // namespace Redis
