#include "deliverylink.h"

#include "clusterauth.h"
#include "wire.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcCluster)

namespace Cluster {

namespace {
constexpr std::chrono::milliseconds BatchTimeout { 5000 };
} // namespace

DeliveryLink::DeliveryLink(const QUrl &nodeBaseUrl, QByteArray secret, QObject *parent)
    : QObject(parent)
    , m_target(nodeBaseUrl.resolved(QUrl(QString(Wire::ClusterDelivery::Path))))
    , m_secret(std::move(secret))
{ }

DeliveryLink::~DeliveryLink()
{
    // Whoever waits on a queued delivery gets an answer, even when the link goes first (batches in
    // flight are dropped with their connections, and their responders answer by themselves).
    const QList<Item> pending = std::exchange(m_queue, {});
    for (const Item &item : pending)
        item.done(std::nullopt);
}

void DeliveryLink::send(Delivery delivery, Done done)
{
    if (m_queue.size() >= MaxQueued) {
        done(std::nullopt);
        return;
    }
    m_queue.append({ std::move(delivery), std::move(done) });
    pump();
}

void DeliveryLink::pump()
{
    while (!m_queue.isEmpty()) {
        Cometd::HttpConnection *idle = m_pool.idle();
        if (!idle) return; // a finishing batch pumps again
        post(idle);
    }
}

void DeliveryLink::post(Cometd::HttpConnection *connection)
{
    DeliveryBatchWriter writer;
    while (writer.count() < m_queue.size() && writer.add(m_queue.at(writer.count()).delivery)) { }
    const qsizetype n = writer.count();
    QList<Item> batch(std::make_move_iterator(m_queue.begin()), std::make_move_iterator(m_queue.begin() + n));
    m_queue.remove(0, n);

    Cometd::HttpRequest request;
    request.method = QByteArrayLiteral("POST");
    request.url = m_target;
    request.body = writer.finish();
    request.headers = signatureHeaders(m_secret, request.body);
    request.headers.append({ QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") });

    connection->request(
        std::move(request), BatchTimeout, [this, batch = std::move(batch)](const Cometd::HttpResponse &response) {
            const std::optional<QList<qint64>> counts
                = response.ok() && response.status == 200 ? decodeDelivered(response.body, batch.size()) : std::nullopt;
            if (!counts) {
                qCWarning(lcCluster).noquote()
                    << "a batch of" << batch.size() << "deliveries to" << m_target.toString()
                    << describeFailedAnswer(response.ok() ? response.status : 0, response.errorString);
            }
            for (qsizetype i = 0; i < batch.size(); ++i)
                batch.at(i).done(counts ? std::optional<qint64>(counts->at(i)) : std::nullopt);
            // Deferred: a handler may be running inside the connection's own read.
            QMetaObject::invokeMethod(this, &DeliveryLink::pump, Qt::QueuedConnection);
        });
}

} // namespace Cluster
