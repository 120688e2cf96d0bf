#include "clusterauth.h"

#include "credentials.h"
#include "reportcodec.h"
#include "wire.h"

#include <QDateTime>

#include <cstdlib>

namespace Cluster {

namespace {
// A signed request older or newer than this is refused: a captured one cannot be replayed later.
constexpr qint64 MaxClockSkewMs = 30000;
} // namespace

QList<QPair<QByteArray, QByteArray>> signatureHeaders(QByteArrayView secret, QByteArrayView body)
{
    if (secret.isEmpty()) return {};
    const QByteArray timestamp = QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    return { { Wire::Report::TimestampHeader.toByteArray(), timestamp },
        { Wire::Report::SignatureHeader.toByteArray(), reportSignature(secret, timestamp, body) } };
}

bool isAuthenticClusterRequest(const Http::Request &request, QByteArrayView secret)
{
    if (secret.isEmpty()) return request.isLoopbackPeer();
    const QByteArray timestamp = request.header(Wire::Report::TimestampHeader);
    bool ok = false;
    const qint64 sentAt = timestamp.toLongLong(&ok);
    if (!ok || std::abs(QDateTime::currentMSecsSinceEpoch() - sentAt) > MaxClockSkewMs) return false;
    return Rest::constantTimeEquals(
        request.header(Wire::Report::SignatureHeader), reportSignature(secret, timestamp, request.body));
}

bool ReplayGuard::accept(const QString &nodeId, const Http::Request &request)
{
    const QByteArray signature = request.header(Wire::Report::SignatureHeader);
    if (signature.isEmpty()) return true; // unsigned: no secret configured, loopback only
    const qint64 timestamp = request.header(Wire::Report::TimestampHeader).toLongLong();
    Last &last = m_last[nodeId];
    if (timestamp < last.timestamp || (timestamp == last.timestamp && signature == last.signature)) return false;
    last = { timestamp, signature };
    return true;
}

} // namespace Cluster
