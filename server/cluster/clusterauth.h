#pragma once

#include "httptypes.h"

#include <QByteArray>
#include <QList>
#include <QPair>

namespace Cluster {

// Requests between cluster processes (reports, batched deliveries) carry a timestamp and an HMAC of
// it and the body with the cluster secret (Wire::Report headers). Without a secret they go unsigned
// and are taken from loopback callers only.
QList<QPair<QByteArray, QByteArray>> signatureHeaders(QByteArrayView secret, QByteArrayView body);
bool isAuthenticClusterRequest(const Http::Request &request, QByteArrayView secret);

} // namespace Cluster
