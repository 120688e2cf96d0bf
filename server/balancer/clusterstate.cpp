#include "clusterstate.h"

Q_LOGGING_CATEGORY(lcBalancer, "cometd.balancer", QtInfoMsg)

namespace Balancer {

ClusterState::ClusterState(QObject *parent)
    : QObject(parent)
{ }

ClusterState::~ClusterState() = default;

} // namespace Balancer
