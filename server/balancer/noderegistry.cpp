#include "noderegistry.h"

#include "clusterstate.h"

using namespace Qt::StringLiterals;

namespace Balancer {

NodeState NodeRegistry::Node::state() const
{
    if (!alive) return NodeState::Down;
    return draining ? NodeState::Draining : NodeState::Up;
}

NodeRegistry::NodeRegistry(const QList<NodeConfig::NodeEntry> &configured, const QString &localNodeId)
{
    for (const NodeConfig::NodeEntry &entry : configured) {
        if (m_index.contains(entry.id)) {
            qCWarning(lcBalancer).noquote() << "node" << entry.id << "is configured twice; the first entry counts";
            continue;
        }
        Node node;
        node.id = entry.id;
        node.url = entry.baseUrl();
        node.maxConnection = entry.maxConnection;
        node.local = !localNodeId.isEmpty() && entry.id == localNodeId;
        node.alive = node.local;
        node.knowsUsers = node.local;
        m_index.insert(node.id, qsizetype(m_nodes.size()));
        m_nodes.push_back(std::move(node));
    }
}

const NodeRegistry::Node *NodeRegistry::find(const QString &id) const
{
    const auto it = m_index.constFind(id);
    return it == m_index.cend() ? nullptr : &m_nodes[size_t(*it)];
}

NodeRegistry::Node *NodeRegistry::findMutable(const QString &id)
{
    const auto it = m_index.constFind(id);
    return it == m_index.cend() ? nullptr : &m_nodes[size_t(*it)];
}

NodeRegistry::ReportOutcome NodeRegistry::applyReport(const NodeReport &report, qint64 now)
{
    ReportOutcome outcome;
    if (!isValidNodeId(report.nodeId)) {
        outcome.error = u"invalid node id"_s;
        return outcome;
    }
    const std::optional<QUrl> url = parseBaseUrl(report.url);
    if (!url) {
        outcome.error = u"invalid node url"_s;
        return outcome;
    }
    if (report.maxConnection <= 0) {
        outcome.error = u"maxConnection must be positive"_s;
        return outcome;
    }
    if (report.sessions < 0 || report.messagesIn < 0 || report.messagesOut < 0) {
        outcome.error = u"negative counter"_s;
        return outcome;
    }

    Node *node = findMutable(report.nodeId);
    if (!node) {
        Node joined;
        joined.id = report.nodeId;
        joined.dynamic = true;
        m_index.insert(joined.id, qsizetype(m_nodes.size()));
        m_nodes.push_back(std::move(joined));
        node = &m_nodes.back();
        outcome.joined = true;
        qCInfo(lcBalancer).noquote() << "node" << node->id << "joined at" << url->toString();
    }

    const QString urlText = url->toString();
    outcome.cameUp = !node->alive;
    outcome.changed
        = outcome.joined || outcome.cameUp || node->url != urlText || node->maxConnection != report.maxConnection;
    if (outcome.cameUp && !outcome.joined) qCInfo(lcBalancer).noquote() << "node" << node->id << "is up";
    if (!outcome.joined && node->url != urlText)
        qCInfo(lcBalancer).noquote() << "node" << node->id << "now reports url" << urlText;

    node->alive = true;
    node->url = urlText;
    node->maxConnection = report.maxConnection;
    node->lastReport = now;
    node->sessions = report.sessions;
    node->messagesIn = report.messagesIn;
    node->messagesOut = report.messagesOut;
    outcome.node = node;
    return outcome;
}

void NodeRegistry::setKnowsUsers(const QString &id)
{
    if (Node *node = findMutable(id)) node->knowsUsers = true;
}

QStringList NodeRegistry::expire(qint64 now, qint64 timeout)
{
    QStringList down;
    for (Node &node : m_nodes) {
        if (!node.alive || node.local) continue;
        if (node.lastReport && now - *node.lastReport < timeout) continue;
        node.alive = false;
        node.knowsUsers = false;
        node.sessions = 0;
        down.append(node.id);
        qCInfo(lcBalancer).noquote() << "node" << node.id << "is down: no report for" << timeout << "ms";
    }
    return down;
}

std::optional<qint64> NodeRegistry::nextExpiry(qint64 timeout) const
{
    std::optional<qint64> next;
    for (const Node &node : m_nodes) {
        if (!node.alive || node.local || !node.lastReport) continue;
        const qint64 due = *node.lastReport + timeout;
        if (!next || due < *next) next = due;
    }
    return next;
}

std::optional<bool> NodeRegistry::setDraining(const QString &id, bool draining)
{
    Node *node = findMutable(id);
    if (!node) return std::nullopt;
    if (node->draining == draining) return false;
    node->draining = draining;
    qCInfo(lcBalancer).noquote() << "node" << node->id << (draining ? "is draining" : "takes new users again");
    return true;
}

} // namespace Balancer
