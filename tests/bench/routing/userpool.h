// The benchmark's users: one Cometd::BayeuxClient each, started a few at a time through the
// balancer, all subscribed to one channel; every message they receive is stamped on arrival.
#pragma once

#include "bayeuxclient.h"

#include <QList>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <memory>
#include <vector>

namespace RoutingBench {

class UserPool final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UserPool)
public:
    struct Settings
    {
        QUrl baseUrl; // the balancer's REST base, ending in '/'
        int users = 1000;
        Cometd::ClientTransport transport = Cometd::ClientTransport::WebSocket;
        QString channel;
        std::chrono::milliseconds timeout { 60000 }; // from start() to allReady()
    };

    struct User
    {
        QString exoId;
        QUrl node; // scheme://host:port
    };

    explicit UserPool(Settings settings, QObject *parent = nullptr);
    ~UserPool() override;

    void start();
    // Disconnects every client (the nodes release the slots as sessions end); stopped() when all are done.
    void stop();

    QList<User> readyUsers() const;
    int readyCount() const { return m_readyCount; }
    // Since start(): ready() beyond the first per client (re-handshakes, failovers), and errors.
    qint64 extraReadies() const { return m_extraReadies; }
    qint64 errors() const { return m_errors; }
    QString lastError() const { return m_lastError; }
    qint64 malformedMessages() const { return m_malformed; }

Q_SIGNALS:
    void allReady();
    void setupFailed(const QString &why);
    // A message of the form "<seq> <send-time-ns>" arrived at `receivedNs` (benchclock.h).
    void delivered(qint64 seq, qint64 sentNs, qint64 receivedNs);
    void stopped();

private:
    struct Entry
    {
        std::unique_ptr<Cometd::BayeuxClient> client;
        bool ready = false;
        bool stopped = false;
    };

    void startMore();
    void onReady(int index);
    void onMessage(const Cometd::ClientMessage &message);

    Settings m_settings;
    std::vector<Entry> m_entries;
    int m_started = 0;
    int m_readyCount = 0;
    int m_stoppedCount = 0;
    qint64 m_extraReadies = 0;
    qint64 m_errors = 0;
    qint64 m_malformed = 0;
    QString m_lastError;
    QTimer m_deadline;
    QTimer m_stopDeadline;
    bool m_setupDone = false;
    bool m_stopping = false;
};

} // namespace RoutingBench
