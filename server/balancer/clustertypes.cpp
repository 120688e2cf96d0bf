#include "clustertypes.h"

#include "wire.h"

namespace Balancer {

QLatin1StringView nodeStateName(NodeState state)
{
    switch (state) {
    case NodeState::Up:
        return Wire::NodeState::Up;
    case NodeState::Draining:
        return Wire::NodeState::Draining;
    case NodeState::Down:
        break;
    }
    return Wire::NodeState::Down;
}

} // namespace Balancer
