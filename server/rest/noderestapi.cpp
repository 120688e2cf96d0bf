#include "noderestapi.h"

#include "deliveryrequest.h"
#include "httpresponder.h"
#include "tokensigner.h"
#include "wire.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Rest {

bool isValidUserName(const QString &user)
{
    if (user.isEmpty() || user.toUtf8().size() > 256) return false;
    for (QChar c : user) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f) return false;
    }
    return true;
}

namespace {

Http::Response boolean(bool value)
{
    return Http::Response::text(value ? QByteArrayLiteral("true") : QByteArrayLiteral("false"));
}

QString channelQuery(const Http::Request &request)
{
    return request.query.queryItemValue(Wire::Query::Channel, QUrl::FullyDecoded);
}

} // namespace

NodeRestApi::NodeRestApi(
    Bayeux::BayeuxEngine *engine, TokenIssuer issueToken, Credentials sendCredentials, bool tokenNeedsKey)
    : m_engine(engine)
    , m_issueToken(std::move(issueToken))
    , m_credentials(std::move(sendCredentials))
    , m_tokenNeedsKey(tokenNeedsKey)
{ }

void NodeRestApi::registerRoutes(Http::Router &router)
{
    using Http::Method;
    using Access = Http::Router::Access;
    for (const QLatin1StringView prefix : { Wire::Path::RestPrefix, Wire::Path::ContinuationPrefix }) {
        router.add({ Method::Get }, QString(prefix + Wire::Path::GetToken + u"/{}"),
            [this](Http::Request &&rq, Http::Responder &&rs, const Http::Router::Params &p) {
                getToken(rq, rs, p.at(0));
            });
        router.add({ Method::Get }, QString(prefix + Wire::Path::IsSubscribed + u"/{}"),
            [this](Http::Request &&rq, Http::Responder &&rs, const Http::Router::Params &p) {
                isSubscribed(rq, rs, p.at(0));
            });
        router.add({ Method::Get }, QString(prefix + Wire::Path::HasChannel),
            [this](Http::Request &&rq, Http::Responder &&rs, const Http::Router::Params &) { hasChannel(rq, rs); });
        router.add(
            { Method::Post }, QString(prefix + Wire::Path::SendPrivate),
            [this](Http::Request &&rq, Http::Responder &&rs, const Http::Router::Params &) {
                send(rq, std::move(rs), true);
            },
            Access::Protected);
        router.add(
            { Method::Post }, QString(prefix + Wire::Path::SendBroadcast),
            [this](Http::Request &&rq, Http::Responder &&rs, const Http::Router::Params &) {
                send(rq, std::move(rs), false);
            },
            Access::Protected);
    }
}

void NodeRestApi::getToken(const Http::Request &request, Http::Responder &responder, const QString &user) const
{
    if (m_tokenNeedsKey && !m_credentials.allows(request)) {
        responder.respond(unauthorized());
        return;
    }
    if (!TokenSigner::isValidUser(user)) {
        responder.respond(Http::Response::error(400, QStringLiteral("invalid user name")));
        return;
    }
    Http::Response r = Http::Response::text(m_issueToken(user).toUtf8());
    r.headers.append({ QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store") });
    responder.respond(r);
}

void NodeRestApi::isSubscribed(const Http::Request &request, Http::Responder &responder, const QString &user) const
{
    const QString channel = channelQuery(request);
    if (!TokenSigner::isValidUser(user) || channel.isEmpty()) {
        responder.respond(Http::Response::error(400, QStringLiteral("a user and a channel query are required")));
        return;
    }
    responder.respond(boolean(m_engine->isSubscribed(user, channel)));
}

void NodeRestApi::hasChannel(const Http::Request &request, Http::Responder &responder) const
{
    const QString channel = channelQuery(request);
    if (channel.isEmpty()) {
        responder.respond(Http::Response::error(400, QStringLiteral("a channel query is required")));
        return;
    }
    responder.respond(boolean(m_engine->hasChannel(channel)));
}

void NodeRestApi::send(const Http::Request &request, Http::Responder &&responder, bool isPrivate) const
{
    if (!m_credentials.allows(request)) {
        responder.respond(unauthorized());
        return;
    }
    const auto parsed = parseDeliveryRequest(request.body, isPrivate ? DeliveryKind::Private : DeliveryKind::Broadcast);
    if (const auto *error = std::get_if<DeliveryError>(&parsed)) {
        responder.respond(Http::Response::error(400, error->message));
        return;
    }
    const auto &delivery = std::get<DeliveryRequest>(parsed);
    if (!m_forward) {
        deliverHere(delivery, std::move(responder), isPrivate);
        return;
    }
    // The balancer knows every node that holds the user, or every live node for a broadcast, and
    // hands this node its share over the cluster route. Without an answer from it, this node still
    // delivers what it can.
    m_forward(request, std::move(responder), isPrivate, [this, delivery, isPrivate](Http::Responder &&fallback) {
        deliverHere(delivery, std::move(fallback), isPrivate);
    });
}

void NodeRestApi::deliverHere(const DeliveryRequest &delivery, Http::Responder &&responder, bool isPrivate) const
{
    const int delivered = isPrivate
        ? m_engine->deliverToUser(delivery.exoId, delivery.channel, delivery.message, delivery.id)
        : m_engine->publish(delivery.channel, delivery.message, delivery.id);
    if (isPrivate && delivered == 0) {
        responder.respond(Http::Response::error(404, QStringLiteral("user %1 has no session").arg(delivery.exoId)));
        return;
    }
    const QJsonObject answer { { Wire::Rest::Delivered, delivered } };
    responder.respond(Http::Response::json(QJsonDocument(answer).toJson(QJsonDocument::Compact)));
}

} // namespace Rest
