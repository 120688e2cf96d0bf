#pragma once

#include "admintypes.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

Q_DECLARE_LOGGING_CATEGORY(lcAdminClient)

class QNetworkReply;

namespace AdminGui {

// The console's connection to a balancer's admin API (SPEC §2): checks the token over REST, then
// follows the events WebSocket (snapshot, then node/user/channel/stats events) and reconnects with
// backoff when the balancer goes away. REST actions (send, drain, release) answer by signal.
class AdminClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AdminClient)
public:
    enum class State {
        Disconnected, // not asked to connect, or stopped after a refusal
        Connecting, // checking the token, opening the events socket
        Connected, // the events socket is open
        Reconnecting, // the balancer went away or is unreachable: waiting for the next attempt
        Refused, // the balancer refused the token (401/403): no retry until asked again
    };
    Q_ENUM(State)
    // The state in a log line: a word, not an enum's name.
    static QString stateWord(State state);

    explicit AdminClient(QObject *parent = nullptr);
    ~AdminClient() override;

    // Connects to a balancer's base URL (http[s]://host:port) with the admin token.
    void connectToCluster(const QUrl &baseUrl, const QString &token);
    void disconnectFromCluster();

    State state() const { return m_state; }
    QString stateMessage() const { return m_stateMessage; }
    QUrl baseUrl() const { return m_baseUrl; }
    // While Reconnecting: why the last attempt failed, and the time left before the next one.
    QString lastFailure() const { return m_lastFailure; }
    int msUntilReconnect() const { return m_reconnect.isActive() ? m_reconnect.remainingTime() : -1; }
    int failedAttempts() const { return m_attempt; }
    // Reconnect delays: initialMs, doubled per failed attempt, at most maxMs.
    void setBackoff(int initialMs, int maxMs);

    // POST /admin/api/messages; the answer comes as messageSent(requestId, ...).
    quint64 sendMessage(const OutgoingMessage &message);
    // POST /admin/api/nodes/{id}/drain|undrain; the answer comes as nodeActionFinished.
    void drainNode(const QString &nodeId, bool drain);
    // GET /rest/releasecometd/{user}/ on the balancer; the answer comes as userReleased.
    void releaseUser(const QString &user);

    static QUrl eventsUrl(const QUrl &baseUrl); // ws[s]://host:port/admin/api/events

Q_SIGNALS:
    void stateChanged(AdminGui::AdminClient::State state, const QString &message);
    void snapshotReceived(const AdminGui::ClusterSnapshot &snapshot);
    void nodeUpdated(const AdminGui::Node &node);
    // Events that arrived in the same event-loop turn come together, in order.
    void usersChanged(const QList<AdminGui::UserEvent> &events);
    void channelsChanged(const QList<AdminGui::ChannelEvent> &events);
    void statsReceived(const AdminGui::StatsSample &stats);
    void messageSent(quint64 requestId, const AdminGui::SendResult &result);
    void nodeActionFinished(const QString &nodeId, bool ok, const QString &message);
    void userReleased(const QString &user, bool ok, const QString &message);

private:
    void setState(State state, const QString &message);
    void probe();
    void openEvents();
    void scheduleReconnect(const QString &why);
    void handleFrame(const QString &frame);
    void flushPending();
    void stopConnection();
    QNetworkRequest apiRequest(const QString &path) const;

    QNetworkAccessManager m_network;
    QWebSocket m_socket;
    QTimer m_reconnect;
    QTimer m_flush;
    QTimer m_watchdog; // no frame (stats come every second) for this long: the connection is dead
    QPointer<QNetworkReply> m_probe;
    QUrl m_baseUrl;
    QString m_token;
    State m_state = State::Disconnected;
    QString m_stateMessage;
    QString m_lastFailure;
    bool m_wanted = false; // the user asked to be connected
    bool m_socketOpen = false;
    int m_attempt = 0;
    int m_backoffInitialMs = 1000;
    int m_backoffMaxMs = 30000;
    quint64 m_nextRequestId = 1;
    QList<UserEvent> m_pendingUsers;
    QList<ChannelEvent> m_pendingChannels;
};

} // namespace AdminGui
