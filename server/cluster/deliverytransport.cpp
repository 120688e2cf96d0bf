#include "deliverytransport.h"

#include "deliverylink.h"

#include <QSet>

namespace Cluster {

HttpDeliveryTransport::HttpDeliveryTransport(QByteArray secret, UrlsInUse urlsInUse, QObject *parent)
    : QObject(parent)
    , m_secret(std::move(secret))
    , m_urlsInUse(std::move(urlsInUse))
{ }

HttpDeliveryTransport::~HttpDeliveryTransport() = default;

void HttpDeliveryTransport::send(const QString &nodeUrl, const Delivery &delivery, Done done)
{
    linkTo(nodeUrl)->send(delivery, std::move(done));
}

DeliveryLink *HttpDeliveryTransport::linkTo(const QString &nodeUrl)
{
    if (DeliveryLink *link = m_links.value(nodeUrl)) return link;
    // A node that restarted on another port leaves a link behind: drop those no node uses.
    const QSet<QString> inUse = m_urlsInUse();
    for (auto it = m_links.begin(); it != m_links.end();) {
        if (!inUse.contains(it.key()) && it.value()->queued() == 0) {
            it.value()->deleteLater();
            it = m_links.erase(it);
        } else {
            ++it;
        }
    }
    auto *link = new DeliveryLink(QUrl(nodeUrl), m_secret, this);
    m_links.insert(nodeUrl, link);
    return link;
}

} // namespace Cluster
