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

    NodeRestApi(Bayeux::BayeuxEngine *engine, TokenIssuer issueToken, Credentials sendCredentials, bool tokenNeedsKey);

    void registerRoutes(Http::Router &router);

private:
    void getToken(const Http::Request &request, Http::Responder &responder, const QString &user) const;
    void isSubscribed(const Http::Request &request, Http::Responder &responder, const QString &user) const;
    void hasChannel(const Http::Request &request, Http::Responder &responder) const;
    void send(const Http::Request &request, Http::Responder &responder, bool isPrivate) const;

    Bayeux::BayeuxEngine *m_engine;
    TokenIssuer m_issueToken;
    Credentials m_credentials;
    bool m_tokenNeedsKey;
};

} // namespace Rest
