#include "sender.h"

#include "wire.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

Sender::Sender(
    QUrl baseUrl, QByteArray apiKey, int maxInFlight, std::chrono::milliseconds requestTimeout, QObject *parent)
    : QObject(parent)
    , m_baseUrl(std::move(baseUrl))
    , m_apiKey(std::move(apiKey))
    , m_maxInFlight(qMax(1, maxInFlight))
    , m_requestTimeout(requestTimeout)
{ }

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
    return m_baseUrl.resolved(QUrl(path + u'/'));
}

void Sender::send(const SendRequest &request, Issued issued, Done done)
{
    m_queue.enqueue(Queued { request, std::move(issued), std::move(done) });
    pump();
}

void Sender::pump()
{
    while (m_inFlight < m_maxInFlight && !m_queue.isEmpty()) {
        Queued next = m_queue.dequeue();
        QNetworkRequest request(urlFor(next.request));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        if (!m_apiKey.isEmpty()) request.setRawHeader(QByteArrayLiteral("Authorization"), "Bearer " + m_apiKey);
        request.setTransferTimeout(int(m_requestTimeout.count()));
        ++m_inFlight;
        ++m_requests;
        if (next.issued) next.issued();
        QNetworkReply *reply = m_network.post(request, body(next.request));
        connect(reply, &QNetworkReply::finished, this, [this, reply, done = std::move(next.done)] {
            reply->deleteLater();
            --m_inFlight;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (done) done(status);
            pump();
        });
    }
}
