#include "adminapi.h"

#include <QPointer>

#include "adminevents.h"
#include "adminjson.h"
#include "httpresponder.h"
#include "wire.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcAdmin, "cometd.admin", QtInfoMsg)

namespace Admin {

namespace {

Http::Response jsonResponse(const QJsonObject &object)
{
    return Http::Response::json(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// A non-negative integer query parameter; `fallback` when absent or empty, nullopt when malformed.
std::optional<qsizetype> countParameter(const QUrlQuery &query, QLatin1StringView key, qsizetype fallback)
{
    if (!query.hasQueryItem(key)) return fallback;
    const QString text = query.queryItemValue(key, QUrl::FullyDecoded);
    if (text.isEmpty()) return fallback;
    bool ok = false;
    const qlonglong value = text.toLongLong(&ok);
    if (!ok || value < 0) return std::nullopt;
    return qsizetype(value);
}

} // namespace

namespace {
constexpr int TickMs = 1000; // rates are per second over the last second (SPEC §2)
} // namespace

AdminApi::AdminApi(
    Balancer::ClusterState *state, Rest::Credentials adminCredentials, DeliveryDispatch delivery, QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_credentials(std::move(adminCredentials))
    , m_delivery(std::move(delivery))
    , m_events(new AdminEvents(
          state, &m_stats,
          [this] {
              return QJsonObject {
                  { Wire::Admin::Type, Wire::Admin::EventSnapshot },
                  { Wire::Admin::ClusterKey, clusterJson(*m_state, m_stats) },
                  { Wire::Admin::UsersKey, usersJson(m_state->users({}, 0, MaxLimit).users) },
                  { Wire::Admin::ChannelsKey, channelsJson(m_stats.channels()) },
              };
          },
          this))
{
    m_clock.start();
    m_stats.sample(m_clock.elapsed(), m_state->nodes(), m_state->channels());
    m_ticker.setInterval(TickMs);
    connect(&m_ticker, &QTimer::timeout, this, &AdminApi::tick);
    m_ticker.start();
}

void AdminApi::tick()
{
    const ChannelChanges changes = m_stats.sample(m_clock.elapsed(), m_state->nodes(), m_state->channels());
    m_events->tick(changes, QDateTime::currentDateTimeUtc());
}

AdminApi::~AdminApi() = default;

bool AdminApi::isEventsPath(const QList<QString> &segments)
{
    static const QList<QString> path = Http::Router::splitPattern(QString(Wire::Admin::Events));
    return segments == path;
}

void AdminApi::setMaxOutgoingBytes(qint64 bytes)
{
    m_events->setMaxOutgoingBytes(bytes);
}

void AdminApi::adoptEventSocket(Http::WebSocket *socket)
{
    m_events->adopt(socket);
}

void AdminApi::closeAll()
{
    m_events->closeAll();
}

void AdminApi::registerRoutes(Http::Router &router)
{
    using Http::Method;
    using Params = Http::Router::Params;
    // Every admin route checks the token first; the handlers below assume it passed.
    const auto guarded = [this](auto handler) {
        return [this, handler](Http::Request &&rq, Http::Responder &&rs, const Params &p) {
            if (!m_credentials.allows(rq)) {
                if (const auto admitted = m_refusedLog.admit()) {
                    if (admitted.suppressed)
                        qCInfo(lcAdmin).noquote() << admitted.suppressed << "refused admin calls were not logged";
                    qCInfo(lcAdmin).noquote()
                        << "refused an admin call without the admin token from" << rq.peer.toString();
                }
                rs.respond(Rest::unauthorized());
                return;
            }
            handler(std::move(rq), std::move(rs), p);
        };
    };
    const auto protectedRoute = Http::Router::Access::Protected;

    router.add({ Method::Get }, QString(Wire::Admin::Cluster),
        guarded([this](Http::Request &&, Http::Responder &&rs, const Params &) {
            rs.respond(jsonResponse(clusterJson(*m_state, m_stats)));
        }),
        protectedRoute);
    router.add({ Method::Get }, QString(Wire::Admin::Users),
        guarded([this](Http::Request &&rq, Http::Responder &&rs, const Params &) { users(rq, rs); }), protectedRoute);
    router.add({ Method::Get }, QString(Wire::Admin::Channels),
        guarded([this](Http::Request &&, Http::Responder &&rs, const Params &) {
            rs.respond(jsonResponse(QJsonObject { { Wire::Admin::ChannelsKey, channelsJson(m_stats.channels()) } }));
        }),
        protectedRoute);
    router.add({ Method::Post }, QString(Wire::Admin::Messages),
        guarded([this](Http::Request &&rq, Http::Responder &&rs, const Params &) {
            messages(std::move(rq), std::move(rs));
        }),
        protectedRoute);
    for (const bool drain : { true, false }) {
        router.add({ Method::Post }, QString(drain ? Wire::Admin::Drain : Wire::Admin::Undrain),
            guarded([this, drain](Http::Request &&, Http::Responder &&rs, const Params &p) {
                auto answer = std::make_shared<Http::Responder>(std::move(rs));
                auto done = [self = QPointer(this), answer, drain, id = p.at(0)](
                                const std::optional<Balancer::NodeInfo> &node) {
                    if (!node) {
                        answer->respond(Http::Response::error(404, u"unknown node %1"_s.arg(id)));
                        return;
                    }
                    qCInfo(lcAdmin).noquote() << (drain ? "draining node" : "undraining node") << node->id;
                    const NodeRates rates = self ? self->m_stats.nodeRates(node->id) : NodeRates {};
                    answer->respond(jsonResponse(nodeJson(*node, rates)));
                };
                if (drain)
                    m_state->drain(p.at(0), std::move(done));
                else
                    m_state->undrain(p.at(0), std::move(done));
            }),
            protectedRoute);
    }
}

void AdminApi::users(const Http::Request &request, Http::Responder &responder)
{
    const auto offset = countParameter(request.query, Wire::Admin::OffsetQuery, 0);
    const auto limit = countParameter(request.query, Wire::Admin::LimitQuery, DefaultLimit);
    if (!offset || !limit) {
        responder.respond(Http::Response::error(400, u"offset and limit must be non-negative integers"_s));
        return;
    }
    const QString filter = request.query.queryItemValue(Wire::Admin::FilterQuery, QUrl::FullyDecoded);
    const Balancer::UserPage page = m_state->users(filter, *offset, std::min(*limit, MaxLimit));
    responder.respond(jsonResponse(
        QJsonObject { { Wire::Admin::Total, qint64(page.total) }, { Wire::Admin::UsersKey, usersJson(page.users) } }));
}

void AdminApi::messages(Http::Request &&request, Http::Responder &&responder)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        responder.respond(Http::Response::error(400, u"the body must be a JSON object"_s));
        return;
    }
    QJsonObject body = doc.object();
    const QString type = body.take(Wire::Admin::Type).toString();
    const bool isPrivate = type == Wire::Admin::TypePrivate;
    if (!isPrivate && type != Wire::Admin::TypeBroadcast) {
        responder.respond(Http::Response::error(400, u"type must be \"private\" or \"broadcast\""_s));
        return;
    }
    // A broadcast body of the delivery API has no exoId; the admin form may carry an empty one.
    if (!isPrivate) body.remove(Wire::Rest::ExoId);
    if (!m_delivery) {
        responder.respond(Http::Response::error(404, u"no delivery route in this process"_s));
        return;
    }
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    m_delivery(std::move(request), std::move(responder), isPrivate);
}

} // namespace Admin
