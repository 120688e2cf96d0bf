#include "longpollinglink.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Cometd {

LongPollingLink::LongPollingLink(QObject *parent)
    : ClientLink(parent)
{ }

LongPollingLink::~LongPollingLink() = default;

void LongPollingLink::send(
    const QUrl &bayeuxUrl, const QJsonArray &messages, bool connect, std::chrono::milliseconds timeout)
{
    HttpRequest request;
    request.method = QByteArrayLiteral("POST");
    request.url = bayeuxUrl;
    request.headers.append({ QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json;charset=UTF-8") });
    request.body = QJsonDocument(messages).toJson(QJsonDocument::Compact);
    (connect ? m_connect : m_other).request(std::move(request), timeout, [this](const HttpResponse &response) {
        answer(response);
    });
}

void LongPollingLink::reset()
{
    m_connect.abort();
    m_other.abort();
}

void LongPollingLink::closeIdle()
{
    // Between setup and stop only the held /meta/connect is in use: one fd per client instead of two,
    // on both sides, which is what lets 10,000 clients fit under a 20,000 fd limit.
    m_other.closeIfIdle();
}

void LongPollingLink::answer(const HttpResponse &response)
{
    if (!response.ok()) {
        Q_EMIT failed(response.errorString);
        return;
    }
    if (response.status != 200) {
        Q_EMIT failed(QStringLiteral("the node answered HTTP %1").arg(response.status));
        return;
    }
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(response.body, &error);
    if (document.isArray()) {
        Q_EMIT received(document.array());
    } else if (document.isObject()) {
        Q_EMIT received(QJsonArray { document.object() });
    } else {
        Q_EMIT failed(QStringLiteral("the node answered no Bayeux messages"));
    }
}

} // namespace Cometd
