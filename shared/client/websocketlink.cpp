#include "websocketlink.h"

#include "clientlogging.h"
#include "wire.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimerEvent>
#include <QWebSocket>

namespace Cometd {

void WebSocketLink::DeleteLater::operator()(QWebSocket *socket) const
{
    // May run inside one of the socket's signals: silence it, let the event loop delete it.
    socket->disconnect();
    socket->setParent(nullptr);
    socket->deleteLater();
}

WebSocketLink::WebSocketLink(QObject *parent)
    : ClientLink(parent)
{ }

WebSocketLink::~WebSocketLink() = default;

void WebSocketLink::send(
    const QUrl &bayeuxUrl, const QJsonArray &messages, bool connect, std::chrono::milliseconds timeout)
{
    Q_UNUSED(connect);
    QUrl url = bayeuxUrl;
    url.setScheme(bayeuxUrl.scheme() == u"https" ? QStringLiteral("wss") : QStringLiteral("ws"));
    if (!m_socket || url != m_url) open(url);

    const QDeadlineTimer deadline(timeout);
    for (const QJsonValue &message : messages) {
        const QJsonValue id = message.toObject().value(Wire::Field::Id);
        if (id.isString()) m_awaiting.insert(id.toString(), deadline);
    }
    armTimer();

    const QString frame = QString::fromUtf8(QJsonDocument(messages).toJson(QJsonDocument::Compact));
    if (m_open)
        m_socket->sendTextMessage(frame);
    else
        m_outbox.append(frame);
}

void WebSocketLink::reset()
{
    m_socket.reset();
    m_open = false;
    m_outbox.clear();
    m_awaiting.clear();
    m_timer.stop();
}

void WebSocketLink::open(const QUrl &url)
{
    reset();
    m_url = url;
    m_socket.reset(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest));
    m_socket->setMaxAllowedIncomingMessageSize(MaxMessageBytes);
    connect(m_socket.get(), &QWebSocket::connected, this, [this] {
        m_open = true;
        for (const QString &frame : std::exchange(m_outbox, {}))
            m_socket->sendTextMessage(frame);
    });
    connect(m_socket.get(), &QWebSocket::textMessageReceived, this, &WebSocketLink::onText);
    connect(m_socket.get(), &QWebSocket::disconnected, this, [this] {
        const QString reason = m_socket->closeReason();
        lost(reason.isEmpty() ? QStringLiteral("websocket closed") : QStringLiteral("websocket closed: ") + reason);
    });
    connect(m_socket.get(), qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
        [this](QAbstractSocket::SocketError) { lost(QStringLiteral("websocket: ") + m_socket->errorString()); });
    m_socket->open(url);
}

void WebSocketLink::onText(const QString &text)
{
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8());
    QJsonArray messages;
    if (document.isArray())
        messages = document.array();
    else if (document.isObject())
        messages.append(document.object());
    else {
        lost(QStringLiteral("the node sent no Bayeux messages"));
        return;
    }
    bool answered = false;
    for (const QJsonValue &value : std::as_const(messages)) {
        const QJsonObject message = value.toObject();
        if (message.contains(Wire::Field::Successful))
            answered |= m_awaiting.remove(message.value(Wire::Field::Id).toString());
    }
    // Deliveries change no deadline: re-arming the timer on every frame cost a timer-heap update
    // per frame for nothing.
    if (answered) armTimer();
    Q_EMIT received(messages);
}

void WebSocketLink::lost(const QString &error)
{
    if (!m_socket) return;
    qCDebug(lcClient) << "websocket to" << m_url.toString() << "lost:" << error;
    reset();
    Q_EMIT failed(error);
}

void WebSocketLink::armTimer()
{
    if (m_awaiting.isEmpty()) {
        m_timer.stop();
        return;
    }
    qint64 earliest = std::numeric_limits<qint64>::max();
    for (const QDeadlineTimer &deadline : std::as_const(m_awaiting))
        earliest = std::min(earliest, deadline.remainingTime());
    m_timer.start(int(std::clamp<qint64>(earliest, 1, std::numeric_limits<int>::max())), Qt::CoarseTimer, this);
}

void WebSocketLink::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_timer.timerId()) {
        ClientLink::timerEvent(event);
        return;
    }
    for (const QDeadlineTimer &deadline : std::as_const(m_awaiting)) {
        if (deadline.hasExpired()) {
            lost(QStringLiteral("no answer from the node in time"));
            return;
        }
    }
    armTimer();
}

} // namespace Cometd
