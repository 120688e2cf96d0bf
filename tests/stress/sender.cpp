#include "sender.h"

#include "wire.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

Sender::Sender(
    QList<QUrl> baseUrls, QByteArray apiKey, int maxInFlight, std::chrono::milliseconds requestTimeout, QObject *parent)
    : QObject(parent)
    , m_baseUrls(std::move(baseUrls))
    , m_apiKey(std::move(apiKey))
    , m_requestTimeout(requestTimeout)
    , m_pool(maxInFlight)
{ }

Sender::~Sender() = default;

QByteArray Sender::body(const SendRequest &request)
{
    QJsonObject object { { Wire::Rest::Channel, request.channel }, { Wire::Rest::Message, request.message },
        { Wire::Rest::Id, request.id } };
    if (!request.broadcast) object.insert(Wire::Rest::ExoId, request.exoId);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QUrl Sender::urlFor(const SendRequest &request) const
{
    const QLatin1StringView path = request.broadcast ? Wire::Path::SendBroadcast : Wire::Path::SendPrivate;
    return m_baseUrls.at(m_current).resolved(QUrl(path + u'/'));
}

void Sender::send(const SendRequest &request, Issued issued, Done done)
{
    m_queue.enqueue(Queued { request, std::move(issued), std::move(done) });
    pump();
}

void Sender::pump()
{
    while (!m_queue.isEmpty()) {
        Cometd::HttpConnection *idle = m_pool.idle();
        if (!idle) return; // a finishing request pumps again
        Queued next = m_queue.dequeue();
        Cometd::HttpRequest request;
        request.method = QByteArrayLiteral("POST");
        request.url = urlFor(next.request);
        request.headers.append({ QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") });
        if (!m_apiKey.isEmpty())
            request.headers.append({ QByteArrayLiteral("Authorization"), QByteArray("Bearer " + m_apiKey) });
        request.body = body(next.request);
        ++m_inFlight;
        ++m_requests;
        if (next.issued) next.issued();
        idle->request(std::move(request), m_requestTimeout,
            [this, used = m_current, done = std::move(next.done)](const Cometd::HttpResponse &response) {
                --m_inFlight;
                const bool unanswered
                    = !response.ok() || response.status == 502 || response.status == 503 || response.status == 504;
                // Only the first failure of a base URL moves on: the requests in flight to it fail too.
                if (unanswered && used == m_current && m_baseUrls.size() > 1) {
                    m_current = (m_current + 1) % m_baseUrls.size();
                    ++m_switches;
                }
                if (done) done(response.ok() ? response.status : 0);
                // Later: the handler runs inside the connection, which is not idle before it returns.
                QMetaObject::invokeMethod(this, &Sender::pump, Qt::QueuedConnection);
            });
    }
}
