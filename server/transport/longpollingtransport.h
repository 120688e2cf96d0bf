#pragma once

#include "bayeuxengine.h"
#include "httpresponder.h"
#include "httptypes.h"

#include <QObject>

#include <memory>
#include <unordered_map>
#include <vector>

namespace Transport {

// Bayeux over HTTP request/response: long-polling (POST, JSON or form body) and callback-polling
// (GET with message= and jsonp=). Each request becomes one Bayeux::Connection that answers once.
class LongPollingTransport final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LongPollingTransport)
public:
    explicit LongPollingTransport(Bayeux::BayeuxEngine *engine, QObject *parent = nullptr);
    ~LongPollingTransport() override;

    void handle(Http::Request &&request, Http::Responder &&responder);

private:
    class Exchange;
    void retire(Exchange *exchange);
    void clientGone(Exchange *exchange);

    Bayeux::BayeuxEngine *m_engine;
    std::unordered_map<Exchange *, std::unique_ptr<Exchange>> m_live;
    // Answered exchanges are freed on the next event-loop turn, never inside the engine's call.
    std::vector<std::unique_ptr<Exchange>> m_retired;
    bool m_cleanupQueued = false;
};

} // namespace Transport
