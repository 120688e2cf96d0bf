#pragma once

#include "channelmodel.h"
#include "eventlogmodel.h"
#include "loadhistory.h"
#include "nodemodel.h"
#include "sendhistorymodel.h"
#include "usermodel.h"

namespace AdminGui {

class AdminClient;

// The console's models, kept in step with one AdminClient: the client's snapshots and events go
// in, views and the chart read them out. Owns the models; wires nothing else.
class ConsoleModels final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleModels)
public:
    explicit ConsoleModels(AdminClient *client, QObject *parent = nullptr);

    NodeModel &nodes() { return m_nodes; }
    UserModel &users() { return m_users; }
    ChannelModel &channels() { return m_channels; }
    EventLogModel &eventLog() { return m_eventLog; }
    SendHistoryModel &sendHistory() { return m_sendHistory; }
    LoadHistory &loadHistory() { return m_loadHistory; }
    const ClusterTotals &totals() const { return m_totals; }
    // Valid while what the models hold is the cluster as last heard of (the stream is lost), until
    // the next snapshot replaces it.
    QDateTime staleSince() const { return m_nodes.staleSince(); }

Q_SIGNALS:
    void totalsChanged();
    void staleChanged();

private:
    void applySnapshot(const ClusterSnapshot &snapshot);
    void applyStats(const StatsSample &stats);
    void recountTotals();
    void recountUsersPerNode();
    void setStaleSince(const QDateTime &since);

    NodeModel m_nodes;
    UserModel m_users;
    ChannelModel m_channels;
    EventLogModel m_eventLog;
    SendHistoryModel m_sendHistory;
    LoadHistory m_loadHistory;
    ClusterTotals m_totals;
    QDateTime m_lastHeard; // the last frame from the events stream; invalid before the first snapshot
};

} // namespace AdminGui
