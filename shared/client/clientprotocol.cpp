#include "clientprotocol.h"

#include "wire.h"

#include <QJsonDocument>
#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace Cometd {

namespace {

using namespace std::chrono_literals;

constexpr std::chrono::milliseconds FirstBackoff { 250 };

ClientProtocol::Action action(ClientProtocol::Action::Kind kind)
{
    return ClientProtocol::Action { kind, {}, {}, false, {}, {}, {}, {} };
}

ClientProtocol::Action errorAction(const QString &text)
{
    ClientProtocol::Action a = action(ClientProtocol::Action::Kind::Error);
    a.text = text;
    return a;
}

// Clamped as a double: converting one past qint64 is undefined.
std::chrono::milliseconds adviceMs(double ms)
{
    return std::chrono::milliseconds(qint64(std::clamp(ms, 0.0, 9.0e15)));
}

QString idText(const QJsonValue &id)
{
    if (id.isString()) return id.toString();
    // An id past qint64 matches nothing we sent (and its conversion would be undefined).
    if (id.isDouble() && std::abs(id.toDouble()) < 9.0e15) return QString::number(qint64(id.toDouble()));
    return {};
}

// "http://host:port" as cometdurl answers it; nullopt for anything else.
std::optional<QUrl> parseNodeUrl(const QByteArray &body)
{
    QUrl url(QString::fromUtf8(body.trimmed()), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"http" && url.scheme() != u"https"))
        return std::nullopt;
    return url;
}

// What a refusing answer says, in the refuser's words: the "error" of a JSON body, else the body's
// first line; bounded, since it ends up in logs and reports.
QString answerReason(const QByteArray &body)
{
    constexpr qsizetype MaxReason = 200;
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    QString reason = object.value(Wire::Field::Error).toString();
    if (reason.isEmpty()) reason = QString::fromUtf8(body.left(MaxReason * 4)).section(u'\n', 0, 0).trimmed();
    return reason.left(MaxReason);
}

QString withReason(const QString &text, const QString &reason)
{
    return reason.isEmpty() ? text : text + u": "_s + reason;
}

QUrl appendPath(QUrl base, const QString &tail)
{
    QString path = base.path(QUrl::FullyEncoded);
    if (!path.endsWith(u'/')) path += u'/';
    base.setPath(path + tail, QUrl::TolerantMode);
    base.setQuery(QString());
    base.setFragment(QString());
    return base;
}

} // namespace

ClientProtocol::ClientProtocol(ClientOptions options)
    : m_options(std::move(options))
{ }

std::chrono::milliseconds ClientProtocol::backoff(int failures) const
{
    std::chrono::milliseconds delay = FirstBackoff;
    for (int i = 1; i < failures && delay < m_options.maxBackoff; ++i)
        delay *= 2;
    return std::min(delay, m_options.maxBackoff);
}

QString ClientProtocol::connectionType() const
{
    return m_options.transport == ClientTransport::WebSocket ? QString(Wire::Transport::WebSocket)
                                                             : QString(Wire::Transport::LongPolling);
}

QUrl ClientProtocol::cometdUrl() const
{
    QUrl url = m_node;
    QString path = url.path(QUrl::FullyEncoded);
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + Wire::Path::Bayeux, QUrl::TolerantMode);
    return url;
}

QUrl ClientProtocol::restUrl(const QUrl &base, QLatin1StringView path) const
{
    const QString user = QString::fromLatin1(QUrl::toPercentEncoding(m_options.user));
    return appendPath(base, path + u'/' + user + u'/');
}

// ------------------------------------------------------------------------------------- commands

ClientProtocol::Actions ClientProtocol::start()
{
    if (m_state != State::Idle && m_state != State::Failed) return {};
    ++m_epoch;
    m_failures = 0;
    m_failedNode.clear();
    m_clientId.clear();
    m_token.clear();
    m_tokenFresh = false;
    m_advice = Advice();
    m_releasing = false;
    m_lastRefusal.reset();
    m_fromBalancer = m_options.nodeUrl.isEmpty();
    if (m_fromBalancer) {
        if (!m_options.baseUrl.isValid() || m_options.baseUrl.host().isEmpty())
            return fail(QStringLiteral("neither baseUrl nor nodeUrl is set"));
        m_node.clear();
        return go(Next::Locate);
    }
    m_node = m_options.nodeUrl;
    return go(Next::FetchToken);
}

ClientProtocol::Actions ClientProtocol::stop(bool releaseSlot)
{
    m_releaseSlot = releaseSlot;
    switch (m_state) {
    case State::Idle:
        return { action(Action::Kind::Stopped) };
    case State::Disconnecting:
        return {};
    case State::Connected:
        if (!m_clientId.isEmpty()) {
            ++m_epoch;
            m_state = State::Disconnecting;
            m_pending = Next::Nothing;
            QJsonObject disconnect = newMessage(Wire::Channel::Disconnect);
            disconnect.insert(Wire::Field::ClientId, m_clientId);
            return { action(Action::Kind::CancelTimer), send({ disconnect }) };
        }
        break;
    default:
        break;
    }
    m_state = State::Disconnecting;
    return finishStop();
}

ClientProtocol::Actions ClientProtocol::subscribe(const QString &channel)
{
    if (!m_options.channels.contains(channel)) m_options.channels.append(channel);
    if (m_state != State::Connected || m_clientId.isEmpty()) return {};
    return { sendSubscriptions({ channel }) };
}

ClientProtocol::Actions ClientProtocol::publish(const QString &channel, const QJsonValue &data)
{
    if (m_state != State::Connected || m_clientId.isEmpty())
        return { errorAction(u"not connected: the publish to "_s + channel + u" is dropped"_s) };
    QJsonObject message = newMessage(QLatin1StringView());
    message.insert(Wire::Field::Channel, channel);
    message.insert(Wire::Field::ClientId, m_clientId);
    message.insert(Wire::Field::Data, data);
    return { send({ message }) };
}

// -------------------------------------------------------------------------------------- answers

ClientProtocol::Actions ClientProtocol::located(int status, const QByteArray &body)
{
    if (m_state != State::Locating) return {};
    m_lastRefusal.reset();
    if (status != 0 && status != 200)
        refusedBy(ClientRefusal::By::Balancer, ClientRefusal::Step::Locate, status, answerReason(body));
    if (status == 200) {
        const std::optional<QUrl> url = parseNodeUrl(body);
        if (!url) return retryAfterFailure(Next::Locate, QStringLiteral("cometdurl answered no node URL"));
        m_node = *url;
        return go(Next::FetchToken);
    }
    if (status == 0 || status >= 500 || status == 429)
        return retryAfterFailure(Next::Locate,
            status == 0 ? QStringLiteral("the balancer is unreachable")
                        : withReason(QStringLiteral("cometdurl answered HTTP %1").arg(status), m_lastRefusal->reason));
    return fail(withReason(
        QStringLiteral("cometdurl refused user %1: HTTP %2").arg(m_options.user).arg(status), m_lastRefusal->reason));
}

ClientProtocol::Actions ClientProtocol::tokenReceived(int status, const QByteArray &body)
{
    if (m_state != State::Authorizing) return {};
    m_lastRefusal.reset();
    if (status != 0 && status != 200)
        refusedBy(ClientRefusal::By::Node, ClientRefusal::Step::Token, status, answerReason(body));
    if (status == 200) {
        m_token = QString::fromUtf8(body.trimmed());
        if (m_token.isEmpty()) return fail(QStringLiteral("gettoken answered an empty token"));
        m_tokenFresh = true;
        return go(Next::Handshake);
    }
    if (status == 0) {
        const QString error = u"node "_s + m_node.toString() + u" is unreachable"_s;
        if (m_options.failover && m_fromBalancer) {
            if (m_failedNode.isEmpty()) m_failedNode = m_node;
            return retryAfterFailure(Next::Locate, error);
        }
        return retryAfterFailure(Next::FetchToken, error);
    }
    if (status >= 500)
        return retryAfterFailure(Next::FetchToken,
            withReason(QStringLiteral("gettoken answered HTTP %1").arg(status), m_lastRefusal->reason));
    return fail(withReason(
        QStringLiteral("gettoken refused user %1: HTTP %2").arg(m_options.user).arg(status), m_lastRefusal->reason));
}

ClientProtocol::Actions ClientProtocol::received(const QJsonArray &messages)
{
    Actions out;
    Actions afterDelivery; // a connect's follow-up waits until the messages that came with it are out
    for (const QJsonValue &value : messages) {
        if (!value.isObject()) continue;
        const QJsonObject message = value.toObject();
        const QString channel = message.value(Wire::Field::Channel).toString();
        if (message.contains(Wire::Field::Successful)) {
            if (channel == Wire::Channel::Handshake)
                out += onHandshakeReply(message);
            else if (channel == Wire::Channel::Connect)
                afterDelivery += onConnectReply(message);
            else if (channel == Wire::Channel::Subscribe)
                out += onSubscribeReply(message);
            else if (channel == Wire::Channel::Disconnect)
                out += onDisconnectReply();
            else if (!channel.startsWith(Wire::Channel::MetaPrefix) && !message.value(Wire::Field::Successful).toBool())
                out += errorAction(
                    u"publish to "_s + channel + u" refused: "_s + message.value(Wire::Field::Error).toString());
            continue;
        }
        if (channel.isEmpty() || channel.startsWith(Wire::Channel::MetaPrefix) || m_state == State::Idle) continue;
        Action deliver = action(Action::Kind::Deliver);
        deliver.message
            = ClientMessage { channel, message.value(Wire::Field::Data), idText(message.value(Wire::Field::Id)) };
        out.append(std::move(deliver));
    }
    if (!afterDelivery.isEmpty()) out.append(afterDelivery); // not out + afterDelivery: no copy of the deliveries
    return out;
}

ClientProtocol::Actions ClientProtocol::transportFailed(const QString &error)
{
    switch (m_state) {
    case State::Handshaking:
    case State::Connected: {
        m_lastRefusal.reset(); // no answer this time
        Actions out { action(Action::Kind::ResetTransport) };
        m_connectInFlight = false;
        if (m_options.failover && m_fromBalancer) {
            if (m_failedNode.isEmpty()) m_failedNode = m_node;
            return out + retryAfterFailure(Next::Locate, u"node "_s + m_node.toString() + u": "_s + error);
        }
        return out + retryAfterFailure(m_state == State::Handshaking ? Next::Handshake : Next::Connect, error);
    }
    case State::Disconnecting:
        return finishStop();
    default:
        return {};
    }
}

ClientProtocol::Actions ClientProtocol::released()
{
    if (m_state != State::Disconnecting || !m_releasing) return {};
    m_releasing = false;
    m_state = State::Idle;
    return { action(Action::Kind::Stopped) };
}

ClientProtocol::Actions ClientProtocol::timerFired()
{
    return go(std::exchange(m_pending, Next::Nothing));
}

// ------------------------------------------------------------------------------------- replies

void ClientProtocol::readAdvice(const QJsonObject &reply)
{
    const QJsonObject advice = reply.value(Wire::Field::Advice).toObject();
    const QString reconnect = advice.value(Wire::AdviceField::Reconnect).toString();
    if (reconnect == Wire::AdviceField::Retry)
        m_advice.reconnect = Advice::Reconnect::Retry;
    else if (reconnect == Wire::AdviceField::Handshake)
        m_advice.reconnect = Advice::Reconnect::Handshake;
    else if (reconnect == Wire::AdviceField::None)
        m_advice.reconnect = Advice::Reconnect::None;
    if (const QJsonValue v = advice.value(Wire::AdviceField::Interval); v.isDouble())
        m_advice.interval = adviceMs(v.toDouble());
    if (const QJsonValue v = advice.value(Wire::AdviceField::Timeout); v.isDouble())
        m_advice.timeout = adviceMs(v.toDouble());
}

ClientProtocol::Actions ClientProtocol::onHandshakeReply(const QJsonObject &reply)
{
    if (m_state != State::Handshaking) return {};
    readAdvice(reply);
    const bool freshToken = std::exchange(m_tokenFresh, false);
    m_lastRefusal.reset();
    if (reply.value(Wire::Field::Successful).toBool()) {
        m_clientId = reply.value(Wire::Field::ClientId).toString();
        if (m_clientId.isEmpty())
            return retryAfterFailure(Next::Handshake, QStringLiteral("handshake reply without clientId"));
        m_ackEnabled = m_options.ack && reply.value(Wire::Field::Ext).toObject().value(Wire::Field::Ack).toBool();
        m_ackBatch = -1;
        m_failures = 0;
        m_state = State::Connected;
        Actions out;
        if (!m_options.channels.isEmpty()) out += sendSubscriptions(m_options.channels);
        out += go(Next::Connect);
        if (m_options.channels.isEmpty()) out += readyActions();
        return out;
    }

    const QString error = reply.value(Wire::Field::Error).toString();
    if (error.startsWith(u"403")) {
        // A token kept from an earlier handshake may have expired, or the node's secret changed: one
        // new token, and a second refusal is final.
        if (!freshToken) return go(Next::FetchToken);
    }
    refusedBy(ClientRefusal::By::Node, ClientRefusal::Step::Handshake, 0, error);
    if (error.startsWith(u"403")) return fail(u"handshake refused: "_s + error);
    if (m_advice.reconnect == Advice::Reconnect::None) return fail(u"handshake refused: "_s + error);
    if (m_advice.reconnect == Advice::Reconnect::Handshake) {
        Actions out { errorAction(u"handshake refused: "_s + error + u"; trying again"_s) };
        return out + later(Next::Handshake, m_advice.interval, State::Reconnecting);
    }
    return retryAfterFailure(Next::Handshake, u"handshake failed: "_s + error);
}

ClientProtocol::Actions ClientProtocol::onConnectReply(const QJsonObject &reply)
{
    if (m_state != State::Connected) return {};
    const QString clientId = reply.value(Wire::Field::ClientId).toString();
    if (!clientId.isEmpty() && clientId != m_clientId) return {}; // an earlier session's
    m_connectInFlight = false;
    readAdvice(reply);
    if (reply.value(Wire::Field::Successful).toBool()) {
        m_failures = 0;
        if (m_ackEnabled) {
            const QJsonValue batch = reply.value(Wire::Field::Ext).toObject().value(Wire::Field::Ack);
            if (batch.isDouble() && std::abs(batch.toDouble()) < 9.0e15) m_ackBatch = qint64(batch.toDouble());
        }
        switch (m_advice.reconnect) {
        case Advice::Reconnect::None:
            return fail(QStringLiteral("the server advised not to reconnect"));
        case Advice::Reconnect::Handshake:
            return rehandshake(QStringLiteral("the server advised a new handshake"));
        case Advice::Reconnect::Retry:
            break;
        }
        if (m_advice.interval > 0ms) return later(Next::Connect, m_advice.interval, State::Connected);
        return go(Next::Connect);
    }

    const QString error = reply.value(Wire::Field::Error).toString();
    if (error.startsWith(u"402") || m_advice.reconnect == Advice::Reconnect::Handshake)
        return rehandshake(u"session lost ("_s + error + u')');
    if (m_advice.reconnect == Advice::Reconnect::None) return fail(u"connect refused: "_s + error);
    return retryAfterFailure(Next::Connect, u"connect failed: "_s + error);
}

ClientProtocol::Actions ClientProtocol::onSubscribeReply(const QJsonObject &reply)
{
    const QString id = idText(reply.value(Wire::Field::Id));
    if (m_state != State::Connected || !m_subscribing.contains(id)) return {};
    const QString channel = m_subscribing.take(id);
    Actions out;
    if (!reply.value(Wire::Field::Successful).toBool()) {
        const QString error = reply.value(Wire::Field::Error).toString();
        if (error.startsWith(u"402")) return rehandshake(u"session lost ("_s + error + u')');
        m_subscriptionFailed = true;
        refusedBy(ClientRefusal::By::Node, ClientRefusal::Step::Subscribe, 0, error);
        out += errorAction(u"subscription to "_s + channel + u" refused: "_s + error);
    }
    if (m_subscribing.isEmpty() && !m_ready && !m_subscriptionFailed) out += readyActions();
    return out;
}

ClientProtocol::Actions ClientProtocol::onDisconnectReply()
{
    if (m_state != State::Disconnecting || m_releasing) return {};
    return finishStop();
}

// ------------------------------------------------------------------------------------ transitions

ClientProtocol::Actions ClientProtocol::go(Next next)
{
    switch (next) {
    case Next::Nothing:
        return {};
    case Next::Locate: {
        m_state = State::Locating;
        Action a = action(Action::Kind::Locate);
        a.url = restUrl(m_options.baseUrl, Wire::Path::CometdUrl);
        return { a };
    }
    case Next::FetchToken: {
        m_state = State::Authorizing;
        Action a = action(Action::Kind::FetchToken);
        a.url = restUrl(appendPath(m_node, u"rest/"_s), Wire::Path::GetToken);
        return { a };
    }
    case Next::Handshake: {
        ++m_epoch;
        m_state = State::Handshaking;
        m_clientId.clear();
        m_ackEnabled = false;
        m_ackBatch = -1;
        m_connectInFlight = false;
        m_ready = false;
        m_subscribing.clear();
        m_subscriptionFailed = false;
        QJsonObject handshake = newMessage(Wire::Channel::Handshake);
        handshake.insert(Wire::Field::Version, Wire::BayeuxVersion);
        handshake.insert(Wire::Field::MinimumVersion, Wire::BayeuxVersion);
        handshake.insert(Wire::Field::SupportedConnectionTypes, QJsonArray { connectionType() });
        handshake.insert(Wire::Field::ExoId, m_options.user);
        handshake.insert(Wire::Field::ExoToken, m_token);
        if (m_options.ack) handshake.insert(Wire::Field::Ext, QJsonObject { { Wire::Field::Ack, true } });
        return { action(Action::Kind::ResetTransport), send({ handshake }) };
    }
    case Next::Connect: {
        if (m_clientId.isEmpty()) return go(Next::Handshake);
        if (m_connectInFlight) return {};
        m_state = State::Connected;
        m_connectInFlight = true;
        QJsonObject connect = newMessage(Wire::Channel::Connect);
        connect.insert(Wire::Field::ClientId, m_clientId);
        connect.insert(Wire::Field::ConnectionType, connectionType());
        if (m_ackEnabled) connect.insert(Wire::Field::Ext, QJsonObject { { Wire::Field::Ack, m_ackBatch } });
        return { send({ connect }, true) };
    }
    }
    return {};
}

ClientProtocol::Actions ClientProtocol::later(Next next, std::chrono::milliseconds delay, State waiting)
{
    m_pending = next;
    m_state = waiting;
    Action a = action(Action::Kind::Schedule);
    a.delay = delay;
    return { a };
}

ClientProtocol::Actions ClientProtocol::retryAfterFailure(Next next, const QString &error)
{
    ++m_failures;
    std::chrono::milliseconds delay = backoff(m_failures);
    // A little jitter, so that thousands of clients of one failed node do not come back in step.
    delay -= std::chrono::milliseconds(QRandomGenerator::global()->bounded(qint64(delay.count() / 4 + 1)));
    Actions out { errorAction(error) };
    return out + later(next, delay, State::Reconnecting);
}

ClientProtocol::Actions ClientProtocol::rehandshake(const QString &reason)
{
    m_tokenFresh = false;
    Actions out { errorAction(reason + u"; handshaking again"_s) };
    if (m_advice.interval > 0ms) return out + later(Next::Handshake, m_advice.interval, State::Reconnecting);
    return out + go(Next::Handshake);
}

ClientProtocol::Actions ClientProtocol::fail(const QString &error)
{
    ++m_epoch;
    m_state = State::Failed;
    m_pending = Next::Nothing;
    return { action(Action::Kind::CancelTimer), action(Action::Kind::ResetTransport), errorAction(error) };
}

void ClientProtocol::refusedBy(ClientRefusal::By by, ClientRefusal::Step step, int httpStatus, const QString &reason)
{
    m_lastRefusal = ClientRefusal { by, step, httpStatus, reason };
}

ClientProtocol::Actions ClientProtocol::finishStop()
{
    ++m_epoch;
    m_pending = Next::Nothing;
    Actions out { action(Action::Kind::CancelTimer), action(Action::Kind::ResetTransport) };
    // Also when stopped while locating: the balancer may have reserved a slot meanwhile (releasing
    // a user without one costs a 404).
    if (m_releaseSlot && m_fromBalancer && m_options.baseUrl.isValid()) {
        m_state = State::Disconnecting;
        m_releasing = true;
        Action release = action(Action::Kind::Release);
        release.url = restUrl(m_options.baseUrl, Wire::Path::ReleaseCometd);
        out += release;
        return out;
    }
    m_state = State::Idle;
    out += action(Action::Kind::Stopped);
    return out;
}

ClientProtocol::Actions ClientProtocol::readyActions()
{
    m_ready = true;
    m_lastRefusal.reset();
    Actions out;
    if (!m_failedNode.isEmpty()) {
        if (m_failedNode != m_node) {
            Action a = action(Action::Kind::FailedOver);
            a.url = m_node;
            out += a;
        }
        m_failedNode.clear();
    }
    out += action(Action::Kind::Ready);
    return out;
}

// ------------------------------------------------------------------------------------- messages

QJsonObject ClientProtocol::newMessage(QLatin1StringView channel)
{
    QJsonObject message { { Wire::Field::Id, QString::number(++m_nextId) } };
    if (!channel.isEmpty()) message.insert(Wire::Field::Channel, channel);
    return message;
}

ClientProtocol::Action ClientProtocol::send(QJsonArray messages, bool connect) const
{
    Action a = action(Action::Kind::Send);
    a.messages = std::move(messages);
    a.connect = connect;
    a.timeout = connect ? m_advice.timeout + m_options.requestTimeout : m_options.requestTimeout;
    return a;
}

ClientProtocol::Action ClientProtocol::sendSubscriptions(const QStringList &channels)
{
    QJsonArray messages;
    for (const QString &channel : channels) {
        QJsonObject subscribe = newMessage(Wire::Channel::Subscribe);
        subscribe.insert(Wire::Field::ClientId, m_clientId);
        subscribe.insert(Wire::Field::Subscription, channel);
        m_subscribing.insert(subscribe.value(Wire::Field::Id).toString(), channel);
        messages.append(subscribe);
    }
    return send(std::move(messages));
}

} // namespace Cometd
