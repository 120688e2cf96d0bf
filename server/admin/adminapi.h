#pragma once

#include "clusterstate.h"
#include "credentials.h"
#include "livestats.h"
#include "router.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QObject>
#include <QTimer>

#include <functional>

Q_DECLARE_LOGGING_CATEGORY(lcAdmin)

namespace Http {
class WebSocket;
}

namespace Admin {

class AdminEvents;

// The balancer's admin REST API for cometd-admin (SPEC §2 Admin API), behind the admin token, and
// the door to its events WebSocket.
class AdminApi final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AdminApi)
public:
    // Runs a validated delivery-API body through the process's own delivery route (the same
    // routing, credentials aside, as POST /rest/sendprivatemessage|sendbroadcastmessage).
    using DeliveryDispatch = std::function<void(Http::Request &&, Http::Responder &&, bool isPrivate)>;

    AdminApi(Balancer::ClusterState *state, Rest::Credentials adminCredentials, DeliveryDispatch delivery,
        QObject *parent = nullptr);
    ~AdminApi() override;

    void registerRoutes(Http::Router &router);

    static bool isEventsPath(const QList<QString> &segments);
    bool allows(const Http::Request &request) const { return m_credentials.allows(request); }
    // Takes an upgraded /admin/api/events socket (ownership included).
    void adoptEventSocket(Http::WebSocket *socket);
    void closeAll();
    // Samples the counters into rates and sends the events stream's channel changes and stats.
    // Runs every second on its own; public so that tests can drive it.
    void tick();

    static constexpr qsizetype DefaultLimit = 1000;
    static constexpr qsizetype MaxLimit = 10000;

private:
    void users(const Http::Request &request, Http::Responder &responder);
    void messages(Http::Request &&request, Http::Responder &&responder);

    Balancer::ClusterState *m_state;
    Rest::Credentials m_credentials;
    DeliveryDispatch m_delivery;
    LiveStats m_stats;
    QElapsedTimer m_clock;
    QTimer m_ticker;
    AdminEvents *m_events;
};

} // namespace Admin
