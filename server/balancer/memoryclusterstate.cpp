#include "memoryclusterstate.h"

#include "placement.h"
#include "tokensigner.h"

namespace Balancer {

MemoryClusterState::MemoryClusterState(
    const QList<NodeConfig::NodeEntry> &nodes, ClusterOptions options, QObject *parent)
    : ClusterState(parent)
    , m_options(std::move(options))
    , m_nodes(nodes, m_options.localNodeId)
{ }

MemoryClusterState::~MemoryClusterState() = default;

PlaceResult MemoryClusterState::place(const QString &user, qint64 now)
{
    if (!TokenSigner::isValidUser(user)) return { PlaceResult::Status::InvalidUser, {}, {} };

    if (const UserTable::Record *record = m_users.find(user)) {
        // Live sessions first (oldest node first), then the pending reservation.
        for (const UserTable::Presence &presence : record->presence) {
            const NodeRegistry::Node *node = m_nodes.find(presence.nodeId);
            if (node && node->alive) return reserve(user, *node, now);
        }
        const NodeRegistry::Node *reserved
            = record->reservedNode.isEmpty() ? nullptr : m_nodes.find(record->reservedNode);
        if (reserved && reserved->alive) return reserve(user, *reserved, now);
    }

    QList<Placement::Candidate> candidates;
    candidates.reserve(qsizetype(m_nodes.nodes().size()));
    for (const NodeRegistry::Node &node : m_nodes.nodes())
        candidates.append({ node.id, m_users.slotsOn(node.id), node.maxConnection, node.acceptsUsers() });
    const std::optional<qsizetype> chosen = Placement::choose(candidates);
    if (!chosen) {
        qCDebug(lcBalancer) << "no live node with room for" << user;
        return { PlaceResult::Status::Full, {}, {} };
    }
    return reserve(user, m_nodes.nodes()[size_t(*chosen)], now);
}

PlaceResult MemoryClusterState::reserve(const QString &user, const NodeRegistry::Node &node, qint64 now)
{
    PlaceResult result { PlaceResult::Status::Placed, node.id, node.url };
    m_users.reserve(user, node.id, now + m_options.reservationTimeoutMs);
    publish();
    return result;
}

bool MemoryClusterState::release(const QString &user)
{
    if (!m_users.find(user)) return false;
    m_users.clearReservation(user);
    publish();
    return true;
}

ReportResult MemoryClusterState::report(const NodeReport &report, qint64 now)
{
    const NodeRegistry::ReportOutcome outcome = m_nodes.applyReport(report, now);
    if (!outcome.error.isEmpty()) {
        qCWarning(lcBalancer).noquote() << "rejected a report from node" << report.nodeId << ":" << outcome.error;
        return { ReportResult::Status::Rejected, false, outcome.error };
    }
    const QString nodeId = outcome.node->id;
    if (outcome.changed) markChanged(nodeId);

    const bool inSequence = !report.fullList || followPage(nodeId, *report.fullList);
    FullListProgress *progress = nullptr;
    if (const auto it = m_fullLists.find(nodeId); it != m_fullLists.end()) progress = &*it;

    // Every entry is an upsert, page or change alike; during a full list each one counts as
    // mentioned, so that a user who arrived after its page was cut is not dropped at the end.
    for (const UserPresence &presence : report.users) {
        if (!TokenSigner::isValidUser(presence.user)) {
            qCWarning(lcBalancer).noquote() << "node" << nodeId << "reported an invalid user name; ignored";
            continue;
        }
        m_users.applyPresence(nodeId, presence);
        if (progress && presence.sessions > 0) progress->users.insert(presence.user);
    }
    // Channel changes only count on top of a full list: until then the node is asked for one.
    if (progress || m_nodes.find(nodeId)->knowsUsers) {
        m_channels.apply(nodeId, report.channels);
        if (progress) {
            for (const ChannelPresence &channel : report.channels) {
                if (channel.subscribers > 0) progress->channels.insert(channel.channel);
            }
        }
    }
    if (progress && inSequence && report.fullList && report.fullList->last) {
        m_users.dropUnlisted(nodeId, progress->users);
        m_channels.dropUnlisted(nodeId, progress->channels);
        m_nodes.setKnowsUsers(nodeId);
        m_fullLists.erase(m_fullLists.find(nodeId));
    }

    ReportResult result;
    result.status = outcome.joined ? ReportResult::Status::Joined : ReportResult::Status::Accepted;
    result.wantFullList = !inSequence || (!m_nodes.find(nodeId)->knowsUsers && !m_fullLists.contains(nodeId));
    publish();
    return result;
}

bool MemoryClusterState::followPage(const QString &nodeId, const FullListPage &page)
{
    if (page.page == 0) m_fullLists.insert(nodeId, { page.epoch, 0, {}, {} });
    const auto it = m_fullLists.find(nodeId);
    if (it != m_fullLists.end() && it->epoch == page.epoch && it->nextPage == page.page) {
        ++it->nextPage;
        return true;
    }
    // A page lost on the way, or this balancer restarted mid-list: what was gathered proves nothing.
    qCInfo(lcBalancer).noquote() << "node" << nodeId << "sent page" << page.page << "of full list" << page.epoch
                                 << "out of sequence; asking for a new one";
    if (it != m_fullLists.end()) m_fullLists.erase(it);
    return false;
}

void MemoryClusterState::expire(qint64 now)
{
    for (const QString &nodeId : m_nodes.expire(now, m_options.nodeTimeoutMs)) {
        m_users.dropNode(nodeId);
        m_channels.dropNode(nodeId);
        m_fullLists.remove(nodeId);
        markChanged(nodeId);
    }
    m_users.expireReservations(now);
    publish();
}

QList<ChannelPresence> MemoryClusterState::channels() const
{
    return m_channels.channels();
}

std::optional<qint64> MemoryClusterState::nextDeadline() const
{
    const std::optional<qint64> node = m_nodes.nextExpiry(m_options.nodeTimeoutMs);
    const std::optional<qint64> reservation = m_users.nextReservationDeadline();
    if (node && reservation) return std::min(*node, *reservation);
    return node ? node : reservation;
}

std::optional<NodeInfo> MemoryClusterState::drain(const QString &nodeId)
{
    return setDraining(nodeId, true);
}

std::optional<NodeInfo> MemoryClusterState::undrain(const QString &nodeId)
{
    return setDraining(nodeId, false);
}

std::optional<NodeInfo> MemoryClusterState::setDraining(const QString &nodeId, bool draining)
{
    const std::optional<bool> changed = m_nodes.setDraining(nodeId, draining);
    if (!changed) return std::nullopt;
    if (*changed) markChanged(nodeId);
    publish();
    return node(nodeId);
}

std::optional<NodeInfo> MemoryClusterState::node(const QString &nodeId) const
{
    const NodeRegistry::Node *node = m_nodes.find(nodeId);
    if (!node) return std::nullopt;
    return infoOf(*node);
}

QList<NodeInfo> MemoryClusterState::nodes() const
{
    QList<NodeInfo> nodes;
    nodes.reserve(qsizetype(m_nodes.nodes().size()));
    for (const NodeRegistry::Node &node : m_nodes.nodes())
        nodes.append(infoOf(node));
    return nodes;
}

QList<NodeInfo> MemoryClusterState::liveNodes() const
{
    QList<NodeInfo> nodes;
    for (const NodeRegistry::Node &node : m_nodes.nodes()) {
        if (node.alive) nodes.append(infoOf(node));
    }
    return nodes;
}

std::optional<QString> MemoryClusterState::nodeOf(const QString &user) const
{
    const UserTable::Record *record = m_users.find(user);
    if (!record) return std::nullopt;
    return record->homeNode();
}

QStringList MemoryClusterState::privateTargetsOf(const QString &user) const
{
    return m_users.privateTargetsOf(user);
}

std::optional<UserInfo> MemoryClusterState::user(const QString &user) const
{
    const UserTable::Record *record = m_users.find(user);
    if (!record) return std::nullopt;
    return m_users.info(user, *record);
}

UserPage MemoryClusterState::users(const QString &filter, qsizetype offset, qsizetype limit) const
{
    return m_users.page(filter, offset, limit);
}

ClusterTotals MemoryClusterState::totals() const
{
    ClusterTotals totals;
    for (const NodeRegistry::Node &node : m_nodes.nodes()) {
        ++totals.nodes;
        if (node.alive) ++totals.liveNodes;
        totals.sessions += node.sessions;
        totals.messagesIn += node.messagesIn;
        totals.messagesOut += node.messagesOut;
    }
    totals.users = m_users.userCount();
    return totals;
}

NodeInfo MemoryClusterState::infoOf(const NodeRegistry::Node &node) const
{
    NodeInfo info;
    info.id = node.id;
    info.url = node.url;
    info.maxConnection = node.maxConnection;
    info.state = node.state();
    info.draining = node.draining;
    info.dynamic = node.dynamic;
    info.lastReport = node.lastReport;
    info.sessions = node.sessions;
    info.users = m_users.slotsOn(node.id);
    info.messagesIn = node.messagesIn;
    info.messagesOut = node.messagesOut;
    return info;
}

void MemoryClusterState::markChanged(const QString &nodeId)
{
    if (!m_changedNodes.contains(nodeId)) m_changedNodes.append(nodeId);
}

void MemoryClusterState::publish()
{
    // Take both lists first: a receiver may call back in and publish its own events.
    const QStringList changedNodes = std::exchange(m_changedNodes, {});
    const QList<UserTable::Event> events = m_users.takeEvents();
    for (const QString &nodeId : changedNodes) {
        if (const std::optional<NodeInfo> info = node(nodeId)) Q_EMIT nodeChanged(*info);
    }
    for (const UserTable::Event &event : events) {
        switch (event.kind) {
        case UserTable::Event::Kind::Joined:
            Q_EMIT userJoined(event.user);
            break;
        case UserTable::Event::Kind::Left:
            Q_EMIT userLeft(event.user);
            break;
        case UserTable::Event::Kind::Changed:
            Q_EMIT userChanged(event.user);
            break;
        }
    }
}

} // namespace Balancer
