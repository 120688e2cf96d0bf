#pragma once

#include "bayeuxengine.h"
#include "credentials.h"
#include "deliveryrequest.h"
#include "router.h"

#include <functional>

namespace Rest {

// The node's REST endpoints (SPEC §3 and the delivery API of §2) under /rest/ and
// /rest/continuation/: gettoken, issubscribed, haschannel, sendprivatemessage, sendbroadcastmessage.
class NodeRestApi final
{
public:
    using TokenIssuer = std::function<QString(const QString &user)>;

    // Hands a delivery to the cluster (role node: its balancer); `fallback` takes the responder back
    // when the cluster does not answer, to deliver on this node alone.
    using Fallback = std::function<void(Http::Responder &&)>;
    using Forward = std::function<void(const Http::Request &, Http::Responder &&, bool isPrivate, Fallback fallback)>;

    NodeRestApi(Bayeux::BayeuxEngine *engine, TokenIssuer issueToken, Credentials sendCredentials, bool tokenNeedsKey);

    // With a forward, every delivery goes to the cluster, so that a user's sessions on other nodes get
    // a private message too, and a broadcast reaches every node.
    void setForward(Forward forward) { m_forward = std::move(forward); }

    void registerRoutes(Http::Router &router);

private:
    void getToken(const Http::Request &request, Http::Responder &responder, const QString &user) const;
    void isSubscribed(const Http::Request &request, Http::Responder &responder, const QString &user) const;
    void hasChannel(const Http::Request &request, Http::Responder &responder) const;
    void send(const Http::Request &request, Http::Responder &&responder, bool isPrivate) const;
    void deliverHere(const DeliveryRequest &delivery, Http::Responder &&responder, bool isPrivate) const;

    Bayeux::BayeuxEngine *m_engine;
    TokenIssuer m_issueToken;
    Credentials m_credentials;
    bool m_tokenNeedsKey;
    Forward m_forward;
};

} // namespace Rest
