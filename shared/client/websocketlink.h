// Bayeux over one WebSocket to {node}/cometd/cometd: every message in both directions, JSON
// arrays as text frames; replies awaited by message id, each with its own deadline.
#pragma once

#include "clientlink.h"

#include <QBasicTimer>
#include <QByteArray>
#include <QDeadlineTimer>
#include <QHash>
#include <QList>

#include <memory>

class QWebSocket;

namespace Cometd {

class WebSocketLink final : public ClientLink
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebSocketLink)
public:
    static constexpr qint64 MaxMessageBytes = 16 * 1024 * 1024;

    explicit WebSocketLink(QObject *parent = nullptr);
    ~WebSocketLink() override;

    void send(
        const QUrl &bayeuxUrl, const QJsonArray &messages, bool connect, std::chrono::milliseconds timeout) override;
    void reset() override;

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    struct DeleteLater
    {
        void operator()(QWebSocket *socket) const;
    };

    void open(const QUrl &url);
    void onText(const QString &text);
    void lost(const QString &error);
    void armTimer();

    std::unique_ptr<QWebSocket, DeleteLater> m_socket;
    QUrl m_url;
    bool m_open = false;
    QList<QString> m_outbox; // frames sent before the socket opened
    QHash<QString, QDeadlineTimer> m_awaiting; // message id → when its reply is overdue
    QBasicTimer m_timer;
};

} // namespace Cometd
