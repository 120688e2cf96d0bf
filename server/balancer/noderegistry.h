#pragma once

#include "clustertypes.h"
#include "nodeconfig.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace Balancer {

// The cluster's nodes in placement order (configured ones first, then dynamic ones in join order)
// and their liveness: when each last reported, which are draining. Nodes are never forgotten: a
// dynamic node that stops reporting stays listed as down.
class NodeRegistry final
{
public:
    struct Node
    {
        QString id;
        QString url;
        int maxConnection = 0;
        bool dynamic = false;
        bool local = false; // the all-in-one process's own node: always up, never expires
        bool alive = false;
        bool draining = false;
        bool knowsUsers = false; // a full user list arrived since the node came up
        std::optional<qint64> lastReport;
        qint64 sessions = 0;
        qint64 messagesIn = 0;
        qint64 messagesOut = 0;

        NodeState state() const;
        bool acceptsUsers() const { return alive && !draining; }
    };

    struct ReportOutcome
    {
        QString error; // non-empty: the report was rejected and nothing changed
        const Node *node = nullptr; // valid until the next call that may add a node
        bool joined = false; // the node was unknown: it joined as a dynamic node
        bool cameUp = false; // the node was down (or new) and is alive again
        bool changed = false; // something the admin view shows besides the counters
    };

    // Configured nodes start down until their first report: a balancer (re)started while a node is
    // dead must not send users there for the first seconds. The local node starts up and stays up,
    // and starts knowing its users (it has none yet).
    explicit NodeRegistry(const QList<NodeConfig::NodeEntry> &configured, const QString &localNodeId = {});

    const Node *find(const QString &id) const;
    const std::vector<Node> &nodes() const { return m_nodes; }

    // Checks the report's id, URL and maxConnection, then records it: the node is alive as of `now`,
    // with the reported URL, capacity and counters (the node knows them best; a configured node
    // behind a proxy reports the URL clients use).
    ReportOutcome applyReport(const NodeReport &report, qint64 now);
    void setKnowsUsers(const QString &id);

    // Marks down every alive node (other than the local one) silent for `timeout` or more; returns
    // their ids.
    QStringList expire(qint64 now, qint64 timeout);
    // When the next alive node would expire, if none reports before.
    std::optional<qint64> nextExpiry(qint64 timeout) const;

    // nullopt: unknown node; otherwise whether the flag changed.
    std::optional<bool> setDraining(const QString &id, bool draining);

private:
    Node *findMutable(const QString &id);

    std::vector<Node> m_nodes;
    QHash<QString, qsizetype> m_index;
};

} // namespace Balancer
