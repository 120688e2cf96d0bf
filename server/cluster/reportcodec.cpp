#include "reportcodec.h"

#include "wire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace Cluster {

namespace {

// JSON numbers arrive as doubles: accept whole, non-negative values that fit.
std::optional<qint64> count(const QJsonObject &o, QLatin1StringView key)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined()) return 0;
    if (!v.isDouble()) return std::nullopt;
    const double d = v.toDouble();
    if (d < 0 || d > 9.0e15 || std::floor(d) != d) return std::nullopt;
    return qint64(d);
}

std::optional<QString> string(const QJsonObject &o, QLatin1StringView key, bool required)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() && !required) return QString();
    if (!v.isString()) return std::nullopt;
    return v.toString();
}

std::optional<bool> boolean(const QJsonObject &o, QLatin1StringView key)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined()) return false;
    if (!v.isBool()) return std::nullopt;
    return v.toBool();
}

ReportError bad(QLatin1StringView key)
{
    return { u"missing or invalid \""_s + key + u'"' };
}

// What a JSON string takes at most: quotes, escapes (\uXXXX for a control character) and UTF-8.
qsizetype stringBound(const QString &s)
{
    qsizetype n = 2;
    for (const QChar c : s) {
        const char16_t u = c.unicode();
        if (u < 0x20)
            n += 6;
        else if (u == u'"' || u == u'\\' || (u >= 0x80 && (u < 0x800 || c.isSurrogate())))
            n += 2; // an escape, or two bytes of UTF-8 (a surrogate pair: four for its two QChars)
        else if (u < 0x80)
            n += 1;
        else
            n += 3;
    }
    return n;
}

constexpr qsizetype NumberBound = 20; // a qint64 or a double written by QJsonDocument
constexpr qsizetype keyBound(QLatin1StringView key)
{
    return key.size() + 4; // "key": and a comma
}

std::optional<Balancer::FullListPage> page(const QJsonObject &o, bool *ok)
{
    const QJsonValue v = o.value(Wire::Report::FullList);
    *ok = true;
    if (v.isUndefined() || v == QJsonValue(false)) return std::nullopt;
    // A node of the previous version sends its whole list as `true`: one page.
    if (v == QJsonValue(true)) return Balancer::FullListPage { 0, 0, true };
    const QJsonObject p = v.toObject();
    const auto epoch = count(p, Wire::Report::Epoch);
    const auto number = count(p, Wire::Report::Page);
    const auto last = boolean(p, Wire::Report::Last);
    const bool complete
        = p.contains(Wire::Report::Epoch) && p.contains(Wire::Report::Page) && p.contains(Wire::Report::Last);
    if (!v.isObject() || !complete || !epoch || !number || *number > std::numeric_limits<int>::max() || !last) {
        *ok = false;
        return std::nullopt;
    }
    return Balancer::FullListPage { quint64(*epoch), int(*number), *last };
}

} // namespace

qsizetype encodedSizeBound(const Balancer::NodeReport &reportWithoutEntries)
{
    using namespace Wire::Report;
    qsizetype n = 2; // {}
    n += keyBound(NodeId) + stringBound(reportWithoutEntries.nodeId) + keyBound(Url)
        + stringBound(reportWithoutEntries.url);
    for (const QLatin1StringView key : { MaxConnection, Sessions, MessagesIn, MessagesOut })
        n += keyBound(key) + NumberBound;
    n += keyBound(Users) + 2 + keyBound(Channels) + 2;
    n += keyBound(FullList) + 2 + keyBound(Epoch) + NumberBound + keyBound(Page) + NumberBound + keyBound(Last) + 5;
    return n;
}

qsizetype encodedSizeBound(const Balancer::UserPresence &user)
{
    using namespace Wire::Report;
    // {"user":..,"sessions":N,"opened":false,"transport":..,"connectedSince":"2026-01-01T00:00:00.000Z"},
    return 3 + keyBound(User) + stringBound(user.user) + keyBound(Sessions) + NumberBound + keyBound(Opened) + 5
        + keyBound(Transport) + stringBound(user.transport) + keyBound(ConnectedSince) + 2 + 30;
}

qsizetype encodedSizeBound(const Balancer::ChannelPresence &channel)
{
    using namespace Wire::Report;
    return 3 + keyBound(Channel) + stringBound(channel.channel) + keyBound(Subscribers) + NumberBound
        + keyBound(Messages) + NumberBound;
}

QByteArray encodeReport(const Balancer::NodeReport &report)
{
    QJsonArray users;
    for (const Balancer::UserPresence &p : report.users) {
        QJsonObject u { { Wire::Report::User, p.user }, { Wire::Report::Sessions, p.sessions },
            { Wire::Report::Opened, p.opened } };
        if (!p.transport.isEmpty()) u.insert(Wire::Report::Transport, p.transport);
        if (p.connectedSince.isValid())
            u.insert(Wire::Report::ConnectedSince, p.connectedSince.toUTC().toString(Qt::ISODateWithMs));
        users.append(u);
    }
    QJsonArray channels;
    for (const Balancer::ChannelPresence &c : report.channels) {
        channels.append(QJsonObject { { Wire::Report::Channel, c.channel },
            { Wire::Report::Subscribers, c.subscribers }, { Wire::Report::Messages, c.messages } });
    }
    QJsonObject o { { Wire::Report::NodeId, report.nodeId }, { Wire::Report::Url, report.url },
        { Wire::Report::MaxConnection, report.maxConnection }, { Wire::Report::Sessions, report.sessions },
        { Wire::Report::MessagesIn, report.messagesIn }, { Wire::Report::MessagesOut, report.messagesOut },
        { Wire::Report::Users, users }, { Wire::Report::Channels, channels } };
    if (const auto &page = report.fullList) {
        o.insert(Wire::Report::FullList,
            QJsonObject { { Wire::Report::Epoch, qint64(page->epoch) }, { Wire::Report::Page, page->page },
                { Wire::Report::Last, page->last } });
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::variant<Balancer::NodeReport, ReportError> decodeReport(const QByteArray &body)
{
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return ReportError { u"the report is not a JSON object"_s };
    const QJsonObject o = doc.object();

    Balancer::NodeReport r;
    const auto nodeId = string(o, Wire::Report::NodeId, true);
    if (!nodeId) return bad(Wire::Report::NodeId);
    const auto url = string(o, Wire::Report::Url, true);
    if (!url) return bad(Wire::Report::Url);
    const auto maxConnection = count(o, Wire::Report::MaxConnection);
    if (!maxConnection || *maxConnection > std::numeric_limits<int>::max()) return bad(Wire::Report::MaxConnection);
    const auto sessions = count(o, Wire::Report::Sessions);
    if (!sessions) return bad(Wire::Report::Sessions);
    const auto in = count(o, Wire::Report::MessagesIn);
    if (!in) return bad(Wire::Report::MessagesIn);
    const auto out = count(o, Wire::Report::MessagesOut);
    if (!out) return bad(Wire::Report::MessagesOut);
    bool pageOk = false;
    const auto fullList = page(o, &pageOk);
    if (!pageOk) return bad(Wire::Report::FullList);
    r.nodeId = *nodeId;
    r.url = *url;
    r.maxConnection = int(*maxConnection);
    r.sessions = *sessions;
    r.messagesIn = *in;
    r.messagesOut = *out;
    r.fullList = fullList;

    const QJsonValue users = o.value(Wire::Report::Users);
    if (!users.isUndefined() && !users.isArray()) return bad(Wire::Report::Users);
    const QJsonArray list = users.toArray();
    r.users.reserve(list.size());
    for (const QJsonValue &entry : list) {
        if (!entry.isObject()) return bad(Wire::Report::Users);
        const QJsonObject u = entry.toObject();
        Balancer::UserPresence p;
        const auto name = string(u, Wire::Report::User, true);
        const auto userSessions = count(u, Wire::Report::Sessions);
        const auto opened = boolean(u, Wire::Report::Opened);
        const auto transport = string(u, Wire::Report::Transport, false);
        const auto since = string(u, Wire::Report::ConnectedSince, false);
        if (!name || !userSessions || *userSessions > std::numeric_limits<int>::max() || !opened || !transport
            || !since)
            return bad(Wire::Report::Users);
        p.user = *name;
        p.sessions = int(*userSessions);
        p.opened = *opened;
        p.transport = *transport;
        if (!since->isEmpty()) {
            p.connectedSince = QDateTime::fromString(*since, Qt::ISODateWithMs).toUTC();
            if (!p.connectedSince.isValid()) return bad(Wire::Report::ConnectedSince);
        }
        r.users.append(p);
    }

    const QJsonValue channels = o.value(Wire::Report::Channels);
    if (!channels.isUndefined() && !channels.isArray()) return bad(Wire::Report::Channels);
    const QJsonArray channelList = channels.toArray();
    r.channels.reserve(channelList.size());
    for (const QJsonValue &entry : channelList) {
        const QJsonObject c = entry.toObject();
        const auto name = string(c, Wire::Report::Channel, true);
        const auto subscribers = count(c, Wire::Report::Subscribers);
        const auto messages = count(c, Wire::Report::Messages);
        if (!entry.isObject() || !name || name->isEmpty() || !subscribers || !messages)
            return bad(Wire::Report::Channels);
        r.channels.append({ *name, *subscribers, *messages });
    }
    return r;
}

QByteArray encodeReportAnswer(bool wantFullList)
{
    return QJsonDocument(QJsonObject { { Wire::Report::WantFullList, wantFullList } }).toJson(QJsonDocument::Compact);
}

std::optional<bool> decodeReportAnswer(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject()) return std::nullopt;
    const QJsonValue v = doc.object().value(Wire::Report::WantFullList);
    if (!v.isBool()) return std::nullopt;
    return v.toBool();
}

QByteArray reportSignature(QByteArrayView secret, QByteArrayView timestamp, QByteArrayView nonce, QByteArrayView body)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, secret.toByteArray());
    mac.addData(timestamp.data(), timestamp.size());
    mac.addData("\n", 1);
    mac.addData(nonce.data(), nonce.size());
    mac.addData("\n", 1);
    mac.addData(body.data(), body.size());
    return mac.result().toHex();
}

} // namespace Cluster
