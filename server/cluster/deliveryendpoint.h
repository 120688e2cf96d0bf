#pragma once

#include "router.h"

#include <QByteArray>

namespace Bayeux {
class BayeuxEngine;
}

namespace Cluster {

// A node's side of the batched deliveries (Wire::ClusterDelivery): signed with the cluster secret,
// delivered to this node's sessions only, never forwarded again.
void registerDeliveryRoute(Http::Router &router, Bayeux::BayeuxEngine *engine, QByteArray secret);

} // namespace Cluster
