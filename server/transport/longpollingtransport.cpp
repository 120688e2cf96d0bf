#include "longpollingtransport.h"

#include "batchparser.h"
#include "sessionstore.h"
#include "wire.h"

namespace Transport {

class LongPollingTransport::Exchange final : public Bayeux::Connection
{
public:
    Exchange(LongPollingTransport *owner, Http::Responder &&responder, QByteArray jsonp)
        : m_owner(owner)
        , m_responder(std::move(responder))
        , m_jsonp(std::move(jsonp))
    { }

    void deliver(const QByteArray &jsonArray) override
    {
        if (m_answered) return;
        m_answered = true;
        if (m_jsonp.isEmpty()) {
            m_responder.respond(Http::Response::json(jsonArray));
        } else {
            QByteArray body;
            body.reserve(m_jsonp.size() + jsonArray.size() + 3);
            body += m_jsonp;
            body += '(';
            body += jsonArray;
            body += ");";
            Http::Response r { 200, QByteArrayLiteral("text/javascript; charset=utf-8"), body, {}, false };
            m_responder.respond(r);
        }
        m_owner->retire(this);
    }

    bool isPersistent() const override { return false; }
    bool isAnswered() const { return m_answered; }
    Http::Responder &responder() { return m_responder; }

private:
    LongPollingTransport *m_owner;
    Http::Responder m_responder;
    QByteArray m_jsonp;
    bool m_answered = false;
};

LongPollingTransport::LongPollingTransport(Bayeux::BayeuxEngine *engine, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
{ }

LongPollingTransport::~LongPollingTransport()
{
    for (auto &[raw, exchange] : m_live)
        m_engine->connectionClosed(raw);
}

void LongPollingTransport::handle(Http::Request &&request, Http::Responder &&responder)
{
    ParsedBatch batch;
    QByteArray jsonp;
    QLatin1StringView transport = Wire::Transport::LongPolling;
    if (request.method == Http::Method::Post) {
        const QByteArray type = request.header("Content-Type").toLower();
        batch = type.startsWith("application/x-www-form-urlencoded") ? parseFormBatch(request.body)
                                                                     : parseBatch(request.body);
    } else {
        const QString message = request.query.queryItemValue(Wire::Query::Message, QUrl::FullyDecoded);
        jsonp = request.query.queryItemValue(Wire::Query::Jsonp, QUrl::FullyDecoded).toUtf8();
        if (!jsonp.isEmpty()) {
            if (!isValidJsonpCallback(jsonp)) {
                responder.respond(Http::Response::error(400, QStringLiteral("invalid jsonp callback name")));
                return;
            }
            transport = Wire::Transport::CallbackPolling;
        }
        if (message.isEmpty())
            batch.error = QStringLiteral("missing message parameter");
        else
            batch = parseBatch(message.toUtf8());
    }
    if (!batch.messages) {
        responder.respond(Http::Response::error(400, batch.error));
        return;
    }

    QByteArray browserId = request.cookie(Wire::BrowserCookie);
    if (browserId.isEmpty()) {
        browserId = Bayeux::SessionStore::newRandomId();
        responder.addHeader(QByteArrayLiteral("Set-Cookie"),
            Wire::BrowserCookie.toByteArray() + '=' + browserId + "; Path=/; HttpOnly");
    }

    auto owned = std::make_unique<Exchange>(this, std::move(responder), std::move(jsonp));
    Exchange *exchange = owned.get();
    m_live.emplace(exchange, std::move(owned));
    m_engine->handleBatch(*batch.messages, exchange, Bayeux::RequestInfo { transport, browserId });
    // `exchange` may be retired already; only look it up again.
    const auto it = m_live.find(exchange);
    if (it != m_live.end()) it->second->responder().whenGone(this, [this, exchange] { clientGone(exchange); });
}

void LongPollingTransport::clientGone(Exchange *exchange)
{
    const auto it = m_live.find(exchange);
    if (it == m_live.end() || it->second->isAnswered()) return;
    m_engine->connectionClosed(exchange);
    retire(exchange);
}

void LongPollingTransport::retire(Exchange *exchange)
{
    const auto it = m_live.find(exchange);
    if (it == m_live.end()) return;
    m_retired.push_back(std::move(it->second));
    m_live.erase(it);
    if (!m_cleanupQueued) {
        m_cleanupQueued = true;
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_cleanupQueued = false;
                m_retired.clear();
            },
            Qt::QueuedConnection);
    }
}

} // namespace Transport
