#include "adminclient.h"

#include "wire.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalBlocker>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcAdminClient, "cometd.admin.client", QtInfoMsg)

namespace AdminGui {

namespace {
constexpr int TransferTimeoutMs = 10000;
constexpr int SilenceTimeoutMs = 10000;

int httpStatus(const QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}
} // namespace

AdminClient::AdminClient(QObject *parent)
    : QObject(parent)
{
    m_network.setAutoDeleteReplies(true);
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &AdminClient::probe);
    m_flush.setSingleShot(true);
    m_flush.setInterval(0);
    connect(&m_flush, &QTimer::timeout, this, &AdminClient::flushPending);
    m_watchdog.setSingleShot(true);
    m_watchdog.setInterval(SilenceTimeoutMs);
    connect(&m_watchdog, &QTimer::timeout, this, [this] {
        qCInfo(lcAdminClient).noquote() << "no event for" << SilenceTimeoutMs << "ms: reconnecting";
        stopConnection();
        scheduleReconnect(tr("the events connection went silent"));
    });

    connect(&m_socket, &QWebSocket::connected, this, [this] {
        m_socketOpen = true;
        m_attempt = 0;
        m_watchdog.start();
        setState(State::Connected, tr("Connected to %1").arg(m_baseUrl.toDisplayString()));
    });
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &AdminClient::handleFrame);
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        const bool wasOpen = std::exchange(m_socketOpen, false);
        m_watchdog.stop();
        if (!m_wanted || m_reconnect.isActive()) return;
        scheduleReconnect(wasOpen ? tr("the balancer closed the events connection") : m_socket.errorString());
    });
    connect(&m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
        [this](QAbstractSocket::SocketError) {
            qCInfo(lcAdminClient).noquote() << "events socket:" << m_socket.errorString();
            if (!m_wanted || m_socketOpen || m_reconnect.isActive()) return;
            stopConnection();
            scheduleReconnect(m_socket.errorString());
        });
}

AdminClient::~AdminClient()
{
    m_wanted = false;
    stopConnection();
}

void AdminClient::setBackoff(int initialMs, int maxMs)
{
    m_backoffInitialMs = std::max(1, initialMs);
    m_backoffMaxMs = std::max(m_backoffInitialMs, maxMs);
}

QUrl AdminClient::eventsUrl(const QUrl &baseUrl)
{
    QUrl url = baseUrl;
    url.setScheme(baseUrl.scheme() == u"https"_s ? u"wss"_s : u"ws"_s);
    url.setPath(Wire::Admin::Events);
    url.setQuery(QString());
    return url;
}

void AdminClient::connectToCluster(const QUrl &baseUrl, const QString &token)
{
    m_wanted = false;
    stopConnection();
    m_baseUrl = baseUrl;
    m_token = token;
    m_wanted = true;
    m_attempt = 0;
    probe();
}

void AdminClient::disconnectFromCluster()
{
    m_wanted = false;
    stopConnection();
    setState(State::Disconnected, tr("Disconnected"));
}

void AdminClient::stopConnection()
{
    m_reconnect.stop();
    m_watchdog.stop();
    m_flush.stop();
    m_pendingUsers.clear();
    m_pendingChannels.clear();
    if (m_probe) {
        QNetworkReply *probe = m_probe;
        m_probe.clear();
        probe->disconnect(this);
        probe->abort();
    }
    const QSignalBlocker blocker(&m_socket);
    m_socket.abort();
    m_socketOpen = false;
}

QString AdminClient::stateWord(State state)
{
    switch (state) {
    case State::Disconnected:
        return QStringLiteral("disconnected");
    case State::Connecting:
        return QStringLiteral("connecting");
    case State::Connected:
        return QStringLiteral("connected");
    case State::Reconnecting:
        return QStringLiteral("reconnecting");
    case State::Refused:
        return QStringLiteral("refused");
    }
    return {};
}

void AdminClient::setState(State state, const QString &message)
{
    if (state == m_state && message == m_stateMessage) return;
    m_state = state;
    m_stateMessage = message;
    // The message says the state in words already ("Reconnecting to … (attempt 2)…"); the bare
    // state is for the changes that come without one.
    qCInfo(lcAdminClient).noquote() << (message.isEmpty() ? stateWord(state) : message);
    Q_EMIT stateChanged(state, message);
}

QNetworkRequest AdminClient::apiRequest(const QString &path) const
{
    QUrl url = m_baseUrl;
    url.setPath(path, QUrl::TolerantMode);
    url.setQuery(QString());
    QNetworkRequest request(url);
    request.setTransferTimeout(TransferTimeoutMs);
    request.setRawHeader(
        Wire::Admin::AuthorizationHeader.toByteArray(), QString(Wire::Admin::Bearer + m_token).toUtf8());
    return request;
}

// The token is checked over REST first: a WebSocket handshake refused with 401 is reported by
// QWebSocket as a generic error, and the user must be told "wrong token", not "unreachable".
void AdminClient::probe()
{
    if (!m_wanted) return;
    setState(State::Connecting,
        m_attempt == 0 ? tr("Connecting to %1…").arg(m_baseUrl.toDisplayString())
                       : tr("Reconnecting to %1 (attempt %2)…").arg(m_baseUrl.toDisplayString()).arg(m_attempt + 1));
    QNetworkReply *reply = m_network.get(apiRequest(Wire::Admin::Cluster));
    m_probe = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        if (m_probe != reply) return;
        m_probe.clear();
        const int status = httpStatus(reply);
        if (status == 401 || status == 403) {
            m_wanted = false;
            setState(State::Refused,
                tr("The balancer at %1 refused the admin token (HTTP %2). Check the token and connect again.")
                    .arg(m_baseUrl.toDisplayString())
                    .arg(status));
            return;
        }
        if (status == 200) {
            openEvents();
            return;
        }
        if (status == 0)
            scheduleReconnect(tr("balancer unreachable: %1").arg(reply->errorString()));
        else
            scheduleReconnect(tr("the balancer answered HTTP %1").arg(status));
    });
}

void AdminClient::openEvents()
{
    {
        const QSignalBlocker blocker(&m_socket);
        m_socket.abort();
    }
    QNetworkRequest request(eventsUrl(m_baseUrl));
    request.setRawHeader(
        Wire::Admin::AuthorizationHeader.toByteArray(), QString(Wire::Admin::Bearer + m_token).toUtf8());
    m_socket.open(request);
}

void AdminClient::scheduleReconnect(const QString &why)
{
    if (!m_wanted) return;
    const int shift = std::min(m_attempt, 16);
    const int delay = int(std::min<qint64>(qint64(m_backoffInitialMs) << shift, m_backoffMaxMs));
    ++m_attempt;
    m_lastFailure = why;
    m_reconnect.start(delay);
    setState(State::Reconnecting,
        tr("%1 — %2; reconnecting in %3 s").arg(m_baseUrl.toDisplayString(), why).arg((delay + 999) / 1000));
}

void AdminClient::handleFrame(const QString &frame)
{
    m_watchdog.start();
    QJsonParseError error;
    const QJsonObject object = QJsonDocument::fromJson(frame.toUtf8(), &error).object();
    if (error.error != QJsonParseError::NoError) {
        qCWarning(lcAdminClient).noquote() << "ignoring a malformed events frame:" << error.errorString();
        return;
    }
    const QString type = object.value(Wire::Admin::Type).toString();
    if (type == Wire::Admin::EventUser) {
        const auto kind = parseUserEventKind(object.value(Wire::Admin::Event).toString());
        const auto user = parseUser(object.value(Wire::Admin::User).toObject());
        if (!kind || !user) {
            qCWarning(lcAdminClient).noquote() << "ignoring a malformed user event";
            return;
        }
        if (!m_pendingChannels.isEmpty()) flushPending(); // keep the order across kinds
        m_pendingUsers.append({ *kind, *user });
        if (!m_flush.isActive()) m_flush.start();
        return;
    }
    if (type == Wire::Admin::EventChannel) {
        const auto kind = parseChannelEventKind(object.value(Wire::Admin::Event).toString());
        const auto channel = parseChannel(object.value(Wire::Admin::Channel).toObject());
        if (!kind || !channel) {
            qCWarning(lcAdminClient).noquote() << "ignoring a malformed channel event";
            return;
        }
        if (!m_pendingUsers.isEmpty()) flushPending();
        m_pendingChannels.append({ *kind, *channel });
        if (!m_flush.isActive()) m_flush.start();
        return;
    }
    if (type == Wire::Admin::EventSnapshot) {
        // Events queued before a snapshot are older than it.
        m_pendingUsers.clear();
        m_pendingChannels.clear();
        m_flush.stop();
        if (const auto snapshot = parseSnapshot(object))
            Q_EMIT snapshotReceived(*snapshot);
        else
            qCWarning(lcAdminClient).noquote() << "ignoring a malformed snapshot";
        return;
    }
    flushPending();
    if (type == Wire::Admin::EventNode) {
        if (const auto node = parseNode(object.value(Wire::Admin::Node).toObject())) Q_EMIT nodeUpdated(*node);
    } else if (type == Wire::Admin::EventStats) {
        if (const auto stats = parseStats(object)) Q_EMIT statsReceived(*stats);
    } else {
        qCDebug(lcAdminClient) << "ignoring an event of type" << type;
    }
}

void AdminClient::flushPending()
{
    m_flush.stop();
    if (!m_pendingUsers.isEmpty()) Q_EMIT usersChanged(std::exchange(m_pendingUsers, {}));
    if (!m_pendingChannels.isEmpty()) Q_EMIT channelsChanged(std::exchange(m_pendingChannels, {}));
}

quint64 AdminClient::sendMessage(const OutgoingMessage &message)
{
    const quint64 id = m_nextRequestId++;
    QNetworkRequest request = apiRequest(Wire::Admin::Messages);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    QNetworkReply *reply = m_network.post(request, QJsonDocument(message.toJson()).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [this, reply, id] {
        const int status = httpStatus(reply);
        Q_EMIT messageSent(id, parseSendReply(status, reply->readAll(), reply->errorString()));
    });
    return id;
}

void AdminClient::drainNode(const QString &nodeId, bool drain)
{
    QString path = drain ? QString(Wire::Admin::Drain) : QString(Wire::Admin::Undrain);
    path.replace(Wire::Admin::NodeIdPlaceholder, QString::fromLatin1(QUrl::toPercentEncoding(nodeId)));
    QNetworkReply *reply = m_network.post(apiRequest(path), QByteArray());
    connect(reply, &QNetworkReply::finished, this, [this, reply, nodeId, drain] {
        const int status = httpStatus(reply);
        if (status == 200) {
            if (const auto node = parseNode(QJsonDocument::fromJson(reply->readAll()).object()))
                Q_EMIT nodeUpdated(*node);
            Q_EMIT nodeActionFinished(nodeId, true,
                drain ? tr("node %1 is draining").arg(nodeId) : tr("node %1 takes users again").arg(nodeId));
        } else {
            Q_EMIT nodeActionFinished(nodeId, false,
                tr("%1 node %2 failed: %3")
                    .arg(drain ? tr("draining") : tr("undraining"), nodeId, reply->errorString()));
        }
    });
}

void AdminClient::releaseUser(const QString &user)
{
    const QString path = Wire::Path::RestPrefix + Wire::Path::ReleaseCometd + u'/'
        + QString::fromLatin1(QUrl::toPercentEncoding(user)) + u'/';
    QUrl url = m_baseUrl;
    url.setPath(path, QUrl::TolerantMode);
    QNetworkRequest request(url);
    request.setTransferTimeout(TransferTimeoutMs);
    QNetworkReply *reply = m_network.get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply, user] {
        const int status = httpStatus(reply);
        if (status == 200)
            Q_EMIT userReleased(user, true, tr("released the slot of %1").arg(user));
        else if (status == 404)
            Q_EMIT userReleased(user, false, tr("%1 holds no slot").arg(user));
        else
            Q_EMIT userReleased(user, false, tr("releasing %1 failed: %2").arg(user, reply->errorString()));
    });
}

} // namespace AdminGui
