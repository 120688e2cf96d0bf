#pragma once

#include "bayeuxengine.h"
#include "credentials.h"
#include "router.h"

#include <functional>

namespace Rest {

// The node's REST endpoints (SPEC §3 and the delivery API of §2) under /rest/ and
// /rest/continuation/: gettoken, issubscribed, haschannel, sendprivatemessage, sendbroadcastmessage.
class NodeRestApi final
{
public:
    using TokenIssuer = std::function<QString(const QString &user)>;

    // Hands a delivery this node cannot complete alone to the cluster (role node: its balancer).
    using Forward = std::function<void(const Http::Request &, Http::Responder &&, bool isPrivate)>;

    NodeRestApi(Bayeux::BayeuxEngine *engine, TokenIssuer issueToken, Credentials sendCredentials, bool tokenNeedsKey);

    // With a forward, a private message for a user without a session here, and every broadcast, go
    // to the cluster instead of this node alone.
    void setForward(Forward forward) { m_forward = std::move(forward); }

    void registerRoutes(Http::Router &router);

private:
    void getToken(const Http::Request &request, Http::Responder &responder, const QString &user) const;
    void isSubscribed(const Http::Request &request, Http::Responder &responder, const QString &user) const;
    void hasChannel(const Http::Request &request, Http::Responder &responder) const;
    void send(const Http::Request &request, Http::Responder &&responder, bool isPrivate) const;

    Bayeux::BayeuxEngine *m_engine;
    TokenIssuer m_issueToken;
    Credentials m_credentials;
    bool m_tokenNeedsKey;
    Forward m_forward;
};

} // namespace Rest
