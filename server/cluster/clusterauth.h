#pragma once

#include "httptypes.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>

namespace Cluster {

// Requests between cluster processes (reports, batched deliveries) carry a timestamp and an HMAC of
// it and the body with the cluster secret (Wire::Report headers). Without a secret they go unsigned
// and are taken from loopback callers only.
QList<QPair<QByteArray, QByteArray>> signatureHeaders(QByteArrayView secret, QByteArrayView body);
bool isAuthenticClusterRequest(const Http::Request &request, QByteArrayView secret);

// A signed report is good for the clock-skew window; this stops one being replayed within it. A
// node sends one report at a time, so its timestamps never go back: an older one, or the very same
// one again, is a replay.
class ReplayGuard final
{
public:
    // False for a replay; otherwise remembers the report as the node's latest.
    bool accept(const QString &nodeId, const Http::Request &request);

private:
    struct Last
    {
        qint64 timestamp = 0;
        QByteArray signature;
    };
    QHash<QString, Last> m_last; // one entry per node that ever reported with the secret
};

} // namespace Cluster
