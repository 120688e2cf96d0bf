#pragma once

#include "configerror.h"
#include "listenaddress.h"

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <chrono>
#include <optional>

// Everything one cometd-node process is configured with (SPEC §1), with the documented defaults.
struct NodeConfig
{
    enum class Role { All, Balancer, Node };
    enum class TokenIssue { Open, ApiKey };

    static constexpr int DefaultMaxConnection = 20000;

    struct NodeEntry
    {
        QString id;
        QUrl url; // scheme://host[:port][/path], no trailing slash
        int maxConnection = DefaultMaxConnection;

        QString baseUrl() const { return url.toString(); }
        friend bool operator==(const NodeEntry &, const NodeEntry &) = default;
    };

    struct BayeuxSettings
    {
        std::chrono::milliseconds timeout { 30000 }; // long-poll hold (advice.timeout)
        std::chrono::milliseconds interval { 0 }; // advice.interval
        std::chrono::milliseconds maxInterval { 10000 }; // no /meta/connect for longer: session expires
        int maxMessageBytes = 65536;
        int maxSessionsPerUser = 16; // live sessions of one user on one node; the next handshake is refused
        friend bool operator==(const BayeuxSettings &, const BayeuxSettings &) = default;
    };

    struct LimitSettings
    {
        int maxConnections = 50000; // per process
        int maxRequestBytes = 65536; // request line + headers + body
        std::chrono::milliseconds headerTimeout { 10000 };
        std::chrono::milliseconds idleTimeout { 60000 };
        qint64 maxOutgoingBytes = 1048576; // written to one client but not yet taken by it
        friend bool operator==(const LimitSettings &, const LimitSettings &) = default;
    };

    struct CorsSettings
    {
        QStringList origins { QStringLiteral("*") }; // "*" or "scheme://host[:port]"
        bool allowsAnyOrigin() const;
        bool allows(QStringView origin) const;
        friend bool operator==(const CorsSettings &, const CorsSettings &) = default;
    };

    // SPEC §6: the cluster's state and messages in Redis. The URL's password is a secret: never logged.
    struct RedisSettings
    {
        QString url; // redis://[:password@]host:port[/db]; with sentinels, only its password and db count
        QString prefix = QStringLiteral("cometd");
        QStringList sentinels; // "host:port"
        QString master; // the name sentinels know the master by
        friend bool operator==(const RedisSettings &, const RedisSettings &) = default;
    };

    Role role = Role::All;
    ListenAddress listen { QStringLiteral("127.0.0.1"), 8080 };
    QString nodeId = QStringLiteral("1");
    QUrl balancerUrl { QStringLiteral("http://127.0.0.1:8080") };
    QString secret; // empty: none configured (all-in-one generates one)
    QString apiKey;
    QString adminToken;
    TokenIssue tokenIssue = TokenIssue::Open;
    std::chrono::seconds tokenTtl { 86400 };
    QList<NodeEntry> nodes;
    BayeuxSettings bayeux;
    LimitSettings limits;
    CorsSettings cors;
    std::optional<RedisSettings> redis; // none: one balancer holds the cluster in its memory

    QString source; // the file this came from, for messages; empty for built-in defaults
    QSet<QString> explicitKeys; // dotted keys given by the file or the command line ("limits.idleTimeout")

    bool isSet(const QString &key) const { return explicitKeys.contains(key); }
    bool runsBalancer() const { return role != Role::Node; }
    bool runsNode() const { return role != Role::Balancer; }

    // The cluster's nodes: `nodes`, or with none listed, this process alone (id nodeId, at its listen
    // URL, default maxConnection) when it runs a node. boundPort replaces a listen port of 0.
    QList<NodeEntry> effectiveNodes(quint16 boundPort = 0) const;
    // This process's own node entry (the one with id nodeId); nullopt for a pure balancer, or when
    // nodes are listed without nodeId among them (validateForStart refuses that).
    std::optional<NodeEntry> selfNode(quint16 boundPort = 0) const;
    // The base URL this node advertises: its `url` in nodes (which may differ from listen, behind a
    // proxy), else its listen URL. Invalid QUrl for a pure balancer.
    QUrl selfUrl(quint16 boundPort = 0) const;

    friend bool operator==(const NodeConfig &, const NodeConfig &) = default;
};

QString roleName(NodeConfig::Role role);
std::optional<NodeConfig::Role> parseRole(QStringView text);
QString tokenIssueName(NodeConfig::TokenIssue issue);
std::optional<NodeConfig::TokenIssue> parseTokenIssue(QStringView text);

// Node ids appear in admin URL paths (/admin/api/nodes/{id}/drain): 1 to 64 characters, no '/',
// no blanks, no control characters.
bool isValidNodeId(QStringView id);

// A base URL for a node or the balancer: http or https, a host, no user info, query or fragment.
// Returns it normalised (no trailing slash), or nullopt.
std::optional<QUrl> parseBaseUrl(QStringView text);

// The rules checked before a process starts serving (exit 2 when they fail):
// - listening on a non-loopback address needs apiKey, adminToken and secret;
// - tokenIssue "apiKey" needs apiKey;
// - a process running a node with `nodes` listed must find nodeId among them;
// - a node that advertises its listen URL cannot listen on a wildcard address.
std::optional<ConfigError> validateForStart(const NodeConfig &config);
