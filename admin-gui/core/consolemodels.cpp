#include "consolemodels.h"

#include "adminclient.h"

namespace AdminGui {

ConsoleModels::ConsoleModels(AdminClient *client, QObject *parent)
    : QObject(parent)
{
    connect(client, &AdminClient::snapshotReceived, this, &ConsoleModels::applySnapshot);
    connect(client, &AdminClient::nodeUpdated, this, [this](const Node &node) {
        m_nodes.updateNode(node);
        m_eventLog.nodeSeen(node);
        recountTotals();
    });
    connect(client, &AdminClient::usersChanged, this, [this](const QList<UserEvent> &events) {
        m_users.applyEvents(events);
        m_eventLog.userEvents(events);
        recountUsersPerNode();
        recountTotals();
    });
    connect(client, &AdminClient::channelsChanged, this,
        [this](const QList<ChannelEvent> &events) { m_channels.applyEvents(events); });
    connect(client, &AdminClient::statsReceived, this, &ConsoleModels::applyStats);
    connect(client, &AdminClient::messageSent, this,
        [this](quint64 requestId, const SendResult &result) { m_sendHistory.setResult(requestId, result); });
    connect(client, &AdminClient::stateChanged, this, [this](AdminClient::State state, const QString &message) {
        if (state != AdminClient::State::Connecting) m_eventLog.addEntry(EventLogModel::Kind::Connection, message);
        // Lost: keep showing what we had, marked as such; a snapshot (on reconnect) clears it.
        if (state != AdminClient::State::Connected && m_lastHeard.isValid() && !staleSince().isValid())
            setStaleSince(m_lastHeard);
    });
}

void ConsoleModels::setStaleSince(const QDateTime &since)
{
    m_nodes.setStaleSince(since);
    m_loadHistory.setStaleSince(since);
    Q_EMIT staleChanged();
}

void ConsoleModels::applySnapshot(const ClusterSnapshot &snapshot)
{
    m_lastHeard = QDateTime::currentDateTimeUtc();
    if (staleSince().isValid()) setStaleSince({});
    m_users.setUsers(snapshot.users);
    recountUsersPerNode();
    m_nodes.setNodes(snapshot.nodes);
    m_channels.setChannels(snapshot.channels);
    m_eventLog.nodesSnapshot(snapshot.nodes);
    m_totals = snapshot.totals;
    m_eventLog.addEntry(EventLogModel::Kind::Connection,
        tr("snapshot: %n node(s)", nullptr, int(snapshot.nodes.size()))
            + tr(", %n user(s)", nullptr, int(snapshot.users.size())));
    Q_EMIT totalsChanged();
}

void ConsoleModels::applyStats(const StatsSample &stats)
{
    m_lastHeard = QDateTime::currentDateTimeUtc();
    m_nodes.applyStats(stats);
    for (const NodeStats &s : stats.nodes) {
        const int row = m_nodes.rowOf(s.id);
        if (row < 0) {
            m_loadHistory.addSample(s.id, { stats.at, s.placed.value_or(0), 0 });
            continue;
        }
        const Node &node = m_nodes.at(row); // applyStats above took the frame's slots
        m_loadHistory.addSample(s.id, { stats.at, node.placed, node.maxConnection });
    }
    recountTotals();
}

// O(users) per batch of events, not per event: cheap next to what the views do with the batch.
void ConsoleModels::recountUsersPerNode()
{
    QHash<QString, qint64> counts;
    for (const User &user : m_users.rows())
        ++counts[user.node];
    m_nodes.setUserCounts(counts);
}

// Totals follow the rows, so that they never disagree with what the tables show.
void ConsoleModels::recountTotals()
{
    ClusterTotals totals;
    for (const Node &node : m_nodes.rows()) {
        ++totals.nodes;
        totals.sessions += node.sessions;
        totals.messagesIn += node.messagesIn;
        totals.messagesOut += node.messagesOut;
    }
    totals.users = m_users.rowCount();
    m_totals = totals;
    Q_EMIT totalsChanged();
}

} // namespace AdminGui
