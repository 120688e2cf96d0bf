#include "balancerapi.h"

#include "clusterauth.h"
#include "deliveryrequest.h"
#include "deliverytransport.h"
#include "httpresponder.h"
#include "nodereporter.h"
#include "reportcodec.h"
#include "wire.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

#include <memory>

using namespace Qt::StringLiterals;

namespace Cluster {

namespace {

Http::Response serviceUnavailable(const QByteArray &why)
{
    Http::Response r = Http::Response::text(why, 503);
    r.headers.append({ QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1") });
    return r;
}

bool wantsJson(const Http::Request &request)
{
    return request.header("Accept").contains("application/json");
}

QByteArray deliveredBody(qint64 delivered)
{
    return QJsonDocument(QJsonObject { { Wire::Rest::Delivered, delivered } }).toJson(QJsonDocument::Compact);
}

// One delivery forwarded to several nodes: answers when the last of them has.
struct Fanout
{
    Http::Responder responder;
    int pending = 0;
    qint64 delivered = 0;
    bool isPrivate = false;
    bool anyFailed = false;
};

} // namespace

BalancerApi::BalancerApi(
    Balancer::ClusterState *state, QByteArray secret, Rest::Credentials sendCredentials, QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_secret(std::move(secret))
    , m_credentials(std::move(sendCredentials))
    , m_delivery(std::make_unique<HttpDeliveryTransport>(m_secret,
          [this] {
              QSet<QString> urls;
              for (const Balancer::NodeInfo &node : m_state->nodes())
                  urls.insert(node.url);
              return urls;
          }))
    , m_guard(m_secret)
{
    m_clock.start();
    m_expiry.setSingleShot(true);
    m_expiry.setTimerType(Qt::PreciseTimer);
    connect(&m_expiry, &QTimer::timeout, this, [this] {
        m_state->expire(now());
        scheduleExpiry();
    });
    // Whatever changed the state may have moved the next deadline.
    connect(m_state, &Balancer::ClusterState::nodeChanged, this, &BalancerApi::scheduleExpiry);
    connect(m_state, &Balancer::ClusterState::userJoined, this, &BalancerApi::scheduleExpiry);
    connect(m_state, &Balancer::ClusterState::userChanged, this, &BalancerApi::scheduleExpiry);
    scheduleExpiry();
}

BalancerApi::~BalancerApi() = default;

void BalancerApi::registerRoutes(Http::Router &router, bool withDelivery)
{
    using Http::Method;
    using Access = Http::Router::Access;
    for (const QLatin1StringView prefix : { Wire::Path::RestPrefix, Wire::Path::BalancerPrefix }) {
        router.add({ Method::Get }, QString(prefix + Wire::Path::CometdUrl + u"/{}"),
            [this](Http::Request &&rq, Http::Responder &&rs, const Http::Router::Params &p) {
                cometdUrl(rq, std::move(rs), p.at(0));
            });
        router.add({ Method::Get }, QString(prefix + Wire::Path::ReleaseCometd + u"/{}"),
            [this](Http::Request &&, Http::Responder &&rs, const Http::Router::Params &p) {
                releaseCometd(std::move(rs), p.at(0));
            });
    }
    router.add(
        { Method::Post }, QString(Wire::Report::Path),
        [this](Http::Request &&rq, Http::Responder &&rs, const Http::Router::Params &) { report(rq, std::move(rs)); },
        Access::Protected);
    if (!withDelivery) return;
    for (const QLatin1StringView prefix : { Wire::Path::RestPrefix, Wire::Path::ContinuationPrefix }) {
        router.add(
            { Method::Post }, QString(prefix + Wire::Path::SendPrivate),
            [this](Http::Request &&rq, Http::Responder &&rs, const Http::Router::Params &) {
                forward(rq, std::move(rs), true);
            },
            Access::Protected);
        router.add(
            { Method::Post }, QString(prefix + Wire::Path::SendBroadcast),
            [this](Http::Request &&rq, Http::Responder &&rs, const Http::Router::Params &) {
                forward(rq, std::move(rs), false);
            },
            Access::Protected);
    }
}

void BalancerApi::acceptReport(const Balancer::NodeReport &report, Balancer::ClusterState::ReportDone done)
{
    m_state->report(report, now(), [self = QPointer(this), done = std::move(done)](const Balancer::ReportResult &r) {
        if (self) self->scheduleExpiry();
        done(r);
    });
}

void BalancerApi::cometdUrl(const Http::Request &request, Http::Responder &&responder, const QString &user)
{
    auto answer = std::make_shared<Http::Responder>(std::move(responder));
    const bool json = wantsJson(request);
    m_state->place(user, now(), [self = QPointer(this), answer, json](const Balancer::PlaceResult &placed) {
        if (self) self->scheduleExpiry();
        switch (placed.status) {
        case Balancer::PlaceResult::Status::InvalidUser:
            answer->respond(Http::Response::error(400, u"invalid user name"_s));
            return;
        case Balancer::PlaceResult::Status::Full:
            answer->respond(serviceUnavailable(QByteArrayLiteral("no node has room; retry shortly")));
            return;
        case Balancer::PlaceResult::Status::Unavailable:
            answer->respond(serviceUnavailable(QByteArrayLiteral("the cluster state is unreachable; retry shortly")));
            return;
        case Balancer::PlaceResult::Status::Placed:
            break;
        }
        Http::Response r = json ? Http::Response::json(QJsonDocument(
                               QJsonObject { { Wire::Rest::Url, placed.url }, { Wire::Rest::NodeId, placed.nodeId } })
                                                           .toJson(QJsonDocument::Compact))
                                : Http::Response::text(placed.url.toUtf8());
        r.headers.append({ QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store") });
        answer->respond(r);
    });
}

void BalancerApi::releaseCometd(Http::Responder &&responder, const QString &user)
{
    if (!m_state->isAvailable()) {
        responder.respond(serviceUnavailable(QByteArrayLiteral("the cluster state is unreachable; retry shortly")));
        return;
    }
    auto answer = std::make_shared<Http::Responder>(std::move(responder));
    m_state->release(user, [self = QPointer(this), answer](bool held) {
        if (!held) {
            answer->respond(Http::Response::error(404, u"user holds no slot"_s));
            return;
        }
        if (self) self->scheduleExpiry();
        answer->respond(Http::Response::text(QByteArrayLiteral("released")));
    });
}

void BalancerApi::report(const Http::Request &request, Http::Responder &&responder)
{
    if (!m_guard.accept(request, QLatin1StringView("a report"))) {
        responder.respond(Rest::unauthorized());
        return;
    }
    const auto decoded = decodeReport(request.body);
    if (const auto *error = std::get_if<ReportError>(&decoded)) {
        responder.respond(Http::Response::error(400, error->message));
        return;
    }
    auto answer = std::make_shared<Http::Responder>(std::move(responder));
    acceptReport(std::get<Balancer::NodeReport>(decoded), [answer](const Balancer::ReportResult &result) {
        switch (result.status) {
        case Balancer::ReportResult::Status::Rejected:
            answer->respond(Http::Response::error(400, result.error));
            return;
        case Balancer::ReportResult::Status::Unavailable:
            answer->respond(serviceUnavailable(QByteArrayLiteral("the cluster state is unreachable")));
            return;
        case Balancer::ReportResult::Status::Accepted:
        case Balancer::ReportResult::Status::Joined:
            answer->respond(Http::Response::json(encodeReportAnswer(result.wantFullList)));
            return;
        }
    });
}

void BalancerApi::forward(const Http::Request &request, Http::Responder &&responder, bool isPrivate)
{
    if (!m_credentials.allows(request)) {
        responder.respond(Rest::unauthorized());
        return;
    }
    if (m_forward) {
        m_forward(request, std::move(responder), isPrivate, {});
        return;
    }
    const auto parsed = Rest::parseDeliveryRequest(
        request.body, isPrivate ? Rest::DeliveryKind::Private : Rest::DeliveryKind::Broadcast);
    if (const auto *error = std::get_if<Rest::DeliveryError>(&parsed)) {
        responder.respond(Http::Response::error(400, error->message));
        return;
    }
    QStringList urls;
    if (isPrivate) {
        const QString user = std::get<Rest::DeliveryRequest>(parsed).exoId;
        for (const QString &nodeId : m_state->privateTargetsOf(user)) {
            if (const auto node = m_state->node(nodeId); node && node->state != Balancer::NodeState::Down)
                urls.append(node->url);
        }
        if (urls.isEmpty()) {
            responder.respond(Http::Response::error(404, u"user %1 has no session"_s.arg(user)));
            return;
        }
    } else {
        for (const Balancer::NodeInfo &node : m_state->liveNodes())
            urls.append(node.url);
        if (urls.isEmpty()) {
            responder.respond(Http::Response::json(deliveredBody(0)));
            return;
        }
    }

    auto fanout = std::make_shared<Fanout>();
    fanout->responder = std::move(responder);
    fanout->pending = int(urls.size());
    fanout->isPrivate = isPrivate;
    const Delivery delivery { isPrivate, std::get<Rest::DeliveryRequest>(parsed) };
    for (const QString &url : std::as_const(urls)) {
        m_delivery->send(url, delivery, [fanout](std::optional<qint64> delivered) {
            if (delivered)
                fanout->delivered += *delivered;
            else
                fanout->anyFailed = true;
            if (--fanout->pending > 0) return;
            if (fanout->delivered == 0 && fanout->isPrivate && !fanout->anyFailed)
                fanout->responder.respond(Http::Response::error(404, u"the user has no session"_s));
            else if (fanout->delivered == 0 && fanout->anyFailed)
                fanout->responder.respond(Http::Response::error(502, u"no node took the message"_s));
            else
                fanout->responder.respond(Http::Response::json(deliveredBody(fanout->delivered)));
        });
    }
}

void BalancerApi::scheduleExpiry()
{
    const std::optional<qint64> deadline = m_state->nextDeadline();
    if (!deadline) {
        m_expiry.stop();
        return;
    }
    const qint64 wait = std::max<qint64>(0, *deadline - now());
    // A deadline a step away must not re-arm the timer on every event: only when it moves earlier.
    if (m_expiry.isActive() && m_expiry.remainingTime() <= wait) return;
    m_expiry.start(int(std::min<qint64>(wait, 24LL * 3600 * 1000)));
}

} // namespace Cluster
