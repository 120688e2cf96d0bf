#include "placement.h"

namespace Balancer {

std::optional<qsizetype> Placement::choose(const QList<Candidate> &candidates)
{
    std::optional<qsizetype> best;
    for (qsizetype i = 0; i < candidates.size(); ++i) {
        const Candidate &candidate = candidates.at(i);
        if (!candidate.acceptsUsers || !hasRoom(candidate)) continue;
        if (!best || lessLoaded(candidate, candidates.at(*best))) best = i;
    }
    return best;
}

bool Placement::hasRoom(const Candidate &candidate)
{
    return candidate.maxConnection > 0 && candidate.usedSlots < candidate.maxConnection;
}

bool Placement::lessLoaded(const Candidate &a, const Candidate &b)
{
    return a.usedSlots * qint64(b.maxConnection) < b.usedSlots * qint64(a.maxConnection);
}

} // namespace Balancer
