#include "nodeconfig.h"

#include "wire.h"

#include <algorithm>

using namespace Qt::StringLiterals;

bool NodeConfig::CorsSettings::allowsAnyOrigin() const
{
    return origins.contains(Wire::Config::AnyOrigin);
}

bool NodeConfig::CorsSettings::allows(QStringView origin) const
{
    return allowsAnyOrigin() || std::any_of(origins.cbegin(), origins.cend(), [origin](const QString &allowed) {
        return origin.compare(allowed, Qt::CaseInsensitive) == 0;
    });
}

std::optional<NodeConfig::NodeEntry> NodeConfig::selfNode(quint16 boundPort) const
{
    if (!runsNode()) return std::nullopt;
    if (nodes.isEmpty()) return NodeEntry { nodeId, listen.toUrl(boundPort), DefaultMaxConnection };
    const auto it
        = std::find_if(nodes.cbegin(), nodes.cend(), [this](const NodeEntry &entry) { return entry.id == nodeId; });
    if (it == nodes.cend()) return std::nullopt;
    return *it;
}

QList<NodeConfig::NodeEntry> NodeConfig::effectiveNodes(quint16 boundPort) const
{
    if (!nodes.isEmpty()) return nodes;
    if (const std::optional<NodeEntry> self = selfNode(boundPort)) return { *self };
    return {};
}

QUrl NodeConfig::selfUrl(quint16 boundPort) const
{
    const std::optional<NodeEntry> self = selfNode(boundPort);
    return self ? self->url : QUrl();
}

QString roleName(NodeConfig::Role role)
{
    switch (role) {
    case NodeConfig::Role::All:
        return Wire::Config::RoleAll;
    case NodeConfig::Role::Balancer:
        return Wire::Config::RoleBalancer;
    case NodeConfig::Role::Node:
        return Wire::Config::RoleNode;
    }
    return {};
}

std::optional<NodeConfig::Role> parseRole(QStringView text)
{
    if (text == Wire::Config::RoleAll) return NodeConfig::Role::All;
    if (text == Wire::Config::RoleBalancer) return NodeConfig::Role::Balancer;
    if (text == Wire::Config::RoleNode) return NodeConfig::Role::Node;
    return std::nullopt;
}

QString tokenIssueName(NodeConfig::TokenIssue issue)
{
    return issue == NodeConfig::TokenIssue::Open ? QString(Wire::Config::TokenIssueOpen)
                                                 : QString(Wire::Config::TokenIssueApiKey);
}

std::optional<NodeConfig::TokenIssue> parseTokenIssue(QStringView text)
{
    if (text == Wire::Config::TokenIssueOpen) return NodeConfig::TokenIssue::Open;
    if (text == Wire::Config::TokenIssueApiKey) return NodeConfig::TokenIssue::ApiKey;
    return std::nullopt;
}

bool isValidNodeId(QStringView id)
{
    return !id.isEmpty() && id.size() <= 64 && std::none_of(id.begin(), id.end(), [](QChar c) {
        return c == u'/' || c.isSpace() || c.category() == QChar::Other_Control;
    });
}

std::optional<QUrl> parseBaseUrl(QStringView text)
{
    QUrl url(text.toString(), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http"_s && url.scheme() != u"https"_s) || url.host().isEmpty()
        || !url.userInfo().isEmpty() || url.hasQuery() || url.hasFragment())
        return std::nullopt;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path);
    return url;
}

std::optional<ConfigError> validateForStart(const NodeConfig &config)
{
    if (!config.listen.isLoopback()) {
        QStringList missing;
        if (config.apiKey.isEmpty()) missing << Wire::Config::ApiKey;
        if (config.adminToken.isEmpty()) missing << Wire::Config::AdminToken;
        if (config.secret.isEmpty()) missing << Wire::Config::Secret;
        if (!missing.isEmpty()) {
            QString problem
                = u"required when listening on a non-loopback address ("_s + config.listen.toString() + u')';
            if (missing.size() > 1) problem += u"; also missing: "_s + missing.sliced(1).join(u", "_s);
            return ConfigError { config.source, missing.first(), problem };
        }
    }

    if (config.tokenIssue == NodeConfig::TokenIssue::ApiKey && config.apiKey.isEmpty())
        return ConfigError { config.source, Wire::Config::TokenIssue,
            u"\"apiKey\" needs an apiKey to check callers against"_s };

    if (config.runsNode() && !config.nodes.isEmpty() && !config.selfNode()) {
        QStringList ids;
        for (const NodeConfig::NodeEntry &entry : config.nodes)
            ids << entry.id;
        return ConfigError { config.source, Wire::Config::NodeId,
            u"\""_s + config.nodeId + u"\" is not the id of an entry in nodes (ids: "_s + ids.join(u", "_s) + u')' };
    }

    if (config.runsNode() && config.nodes.isEmpty() && config.listen.isWildcard())
        return ConfigError { config.source, Wire::Config::Listen,
            u"a wildcard address ("_s + config.listen.toString()
                + u") cannot be advertised to clients; list this node with its url in nodes"_s };

    return std::nullopt;
}
