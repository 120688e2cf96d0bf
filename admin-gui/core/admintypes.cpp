#include "admintypes.h"

#include "wire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace AdminGui {

namespace {

// Counters arrive as JSON numbers (doubles); a string or a missing key reads as 0.
qint64 integer(const QJsonObject &object, QLatin1StringView key)
{
    return qint64(object.value(key).toDouble());
}

template<typename T, typename Parse> QList<T> parseArray(const QJsonValue &value, Parse parse)
{
    QList<T> out;
    const QJsonArray array = value.toArray();
    out.reserve(array.size());
    for (const QJsonValue &item : array) {
        if (auto parsed = parse(item.toObject())) out.append(std::move(*parsed));
    }
    return out;
}

} // namespace

QJsonObject OutgoingMessage::toJson() const
{
    QJsonObject o {
        { Wire::Admin::Type, broadcast ? Wire::Admin::TypeBroadcast : Wire::Admin::TypePrivate },
        { Wire::Rest::Channel, channel },
        { Wire::Rest::Message, message },
        { Wire::Rest::Id, id },
    };
    if (!broadcast) o.insert(Wire::Rest::ExoId, user);
    return o;
}

QString SendResult::text() const
{
    if (ok) return u"delivered %1"_s.arg(delivered);
    if (httpStatus != 0) return u"error %1: %2"_s.arg(httpStatus).arg(error);
    return u"error: %1"_s.arg(error);
}

std::optional<Node> parseNode(const QJsonObject &object)
{
    Node node;
    node.id = object.value(Wire::Admin::Id).toString();
    if (node.id.isEmpty()) return std::nullopt;
    node.url = object.value(Wire::Admin::Url).toString();
    node.state = object.value(Wire::Admin::State).toString();
    node.dynamic = object.value(Wire::Admin::Dynamic).toBool();
    node.sessions = integer(object, Wire::Admin::Sessions);
    node.users = integer(object, Wire::Admin::UsersKey);
    node.placed = node.users;
    node.maxConnection = integer(object, Wire::Admin::MaxConnection);
    node.messagesIn = object.value(Wire::Admin::MessagesIn).toDouble();
    node.messagesOut = object.value(Wire::Admin::MessagesOut).toDouble();
    return node;
}

std::optional<User> parseUser(const QJsonObject &object)
{
    User user;
    user.user = object.value(Wire::Admin::User).toString();
    if (user.user.isEmpty()) return std::nullopt;
    user.node = object.value(Wire::Admin::Node).toString();
    user.sessions = integer(object, Wire::Admin::Sessions);
    user.transport = object.value(Wire::Admin::Transport).toString();
    user.connectedSince
        = QDateTime::fromString(object.value(Wire::Admin::ConnectedSince).toString(), Qt::ISODateWithMs);
    if (user.connectedSince.isValid()) user.connectedSince = user.connectedSince.toUTC();
    return user;
}

std::optional<Channel> parseChannel(const QJsonObject &object)
{
    Channel channel;
    channel.channel = object.value(Wire::Admin::Channel).toString();
    if (channel.channel.isEmpty()) return std::nullopt;
    channel.subscribers = integer(object, Wire::Admin::Subscribers);
    channel.messagesPerSecond = object.value(Wire::Admin::MessagesPerSecond).toDouble();
    return channel;
}

std::optional<NodeStats> parseNodeStats(const QJsonObject &object)
{
    NodeStats stats;
    stats.id = object.value(Wire::Admin::Id).toString();
    if (stats.id.isEmpty()) return std::nullopt;
    stats.sessions = integer(object, Wire::Admin::Sessions);
    if (object.contains(Wire::Admin::UsersKey)) stats.placed = integer(object, Wire::Admin::UsersKey);
    stats.messagesIn = object.value(Wire::Admin::MessagesIn).toDouble();
    stats.messagesOut = object.value(Wire::Admin::MessagesOut).toDouble();
    return stats;
}

std::optional<ClusterSnapshot> parseSnapshot(const QJsonObject &object)
{
    if (object.value(Wire::Admin::Type).toString() != Wire::Admin::EventSnapshot) return std::nullopt;
    const QJsonObject cluster = object.value(Wire::Admin::ClusterKey).toObject();
    if (!cluster.value(Wire::Admin::Nodes).isArray()) return std::nullopt;
    ClusterSnapshot snapshot;
    snapshot.nodes = parseArray<Node>(cluster.value(Wire::Admin::Nodes), parseNode);
    const QJsonObject totals = cluster.value(Wire::Admin::Totals).toObject();
    snapshot.totals.nodes = integer(totals, Wire::Admin::Nodes);
    snapshot.totals.sessions = integer(totals, Wire::Admin::Sessions);
    snapshot.totals.users = integer(totals, Wire::Admin::UsersKey);
    snapshot.totals.messagesIn = totals.value(Wire::Admin::MessagesIn).toDouble();
    snapshot.totals.messagesOut = totals.value(Wire::Admin::MessagesOut).toDouble();
    snapshot.users = parseArray<User>(object.value(Wire::Admin::UsersKey), parseUser);
    snapshot.channels = parseArray<Channel>(object.value(Wire::Admin::ChannelsKey), parseChannel);
    return snapshot;
}

std::optional<StatsSample> parseStats(const QJsonObject &object)
{
    if (object.value(Wire::Admin::Type).toString() != Wire::Admin::EventStats) return std::nullopt;
    StatsSample sample;
    sample.at = QDateTime::fromString(object.value(Wire::Admin::At).toString(), Qt::ISODateWithMs);
    if (!sample.at.isValid()) return std::nullopt;
    sample.nodes = parseArray<NodeStats>(object.value(Wire::Admin::Nodes), parseNodeStats);
    return sample;
}

std::optional<ChangeKind> parseUserEventKind(const QString &event)
{
    if (event == Wire::Admin::Joined) return ChangeKind::Added;
    if (event == Wire::Admin::Left) return ChangeKind::Removed;
    if (event == Wire::Admin::Changed) return ChangeKind::Changed;
    return std::nullopt;
}

std::optional<ChangeKind> parseChannelEventKind(const QString &event)
{
    if (event == Wire::Admin::Added) return ChangeKind::Added;
    if (event == Wire::Admin::Removed) return ChangeKind::Removed;
    if (event == Wire::Admin::Changed) return ChangeKind::Changed;
    return std::nullopt;
}

MessageBody parseMessageBody(const QString &text, bool asJson)
{
    if (!asJson) return { QJsonValue(text), {} };
    // QJsonDocument holds only objects and arrays: wrapping the text accepts any one JSON value.
    QJsonParseError error;
    QByteArray wrapped = text.toUtf8();
    wrapped.prepend('[').append(']');
    const QJsonDocument doc = QJsonDocument::fromJson(wrapped, &error);
    if (error.error != QJsonParseError::NoError) {
        const int offset = std::max(0, error.offset - 1);
        return { std::nullopt, u"%1 at character %2"_s.arg(error.errorString()).arg(offset) };
    }
    const QJsonArray array = doc.array();
    if (array.isEmpty()) return { std::nullopt, u"empty: type a JSON value"_s };
    if (array.size() > 1) return { std::nullopt, u"more than one JSON value"_s };
    return { array.at(0), {} };
}

QString nextMessageId(const QString &sent)
{
    if (sent.isEmpty()) return sent;
    qsizetype digits = sent.size();
    while (digits > 0 && sent.at(digits - 1).isDigit())
        --digits;
    const QString number = sent.sliced(digits);
    if (number.isEmpty()) return sent + u"-2"_s;
    QString next = number; // add one by hand: any length, no overflow
    qsizetype i = next.size() - 1;
    for (; i >= 0 && next.at(i) == u'9'; --i)
        next[i] = u'0';
    if (i >= 0)
        next[i] = QChar(next.at(i).unicode() + 1);
    else
        next.prepend(u'1');
    return sent.first(digits) + next;
}

ComposeCheck checkCompose(
    bool broadcast, const QString &user, const QString &channel, const QString &text, bool asJson, const QString &id)
{
    if (!broadcast && user.trimmed().isEmpty()) return { std::nullopt, u"choose the user to send to"_s };
    if (!channel.startsWith(u'/') || channel.size() < 2 || channel.contains(u' '))
        return { std::nullopt, u"the channel must look like /eXo/cometd/test"_s };
    if (channel.startsWith(Wire::Channel::MetaPrefix)) return { std::nullopt, u"no message may go to /meta/**"_s };
    MessageBody body = parseMessageBody(text, asJson);
    if (!body.value) return { std::nullopt, u"invalid JSON: "_s + body.error };
    OutgoingMessage message;
    message.broadcast = broadcast;
    message.user = broadcast ? QString() : user.trimmed();
    message.channel = channel;
    message.message = *body.value;
    message.id = id;
    return { message, {} };
}

SendResult parseSendReply(int httpStatus, const QByteArray &body, const QString &networkError)
{
    SendResult result;
    result.httpStatus = httpStatus;
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    if (httpStatus == 200 && object.contains(Wire::Rest::Delivered)) {
        result.ok = true;
        result.delivered = integer(object, Wire::Rest::Delivered);
        return result;
    }
    result.error = object.value(Wire::Rest::Error).toString();
    if (result.error.isEmpty()) result.error = httpStatus == 404 ? u"no such user in the cluster"_s : networkError;
    if (result.error.isEmpty()) result.error = QString::fromUtf8(body.left(200));
    return result;
}

} // namespace AdminGui
