#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace Balancer {

// The placement policy of SPEC §2, on plain numbers so that any state store can use it: among the
// nodes that take new users and have room, the one with the lowest slots / maxConnection; ties go to
// the node listed first.
class Placement final
{
public:
    struct Candidate
    {
        QString nodeId;
        qint64 usedSlots = 0;
        int maxConnection = 0;
        bool acceptsUsers = false; // up and not draining
    };

    // Index of the chosen candidate, or nullopt when none takes users with room.
    static std::optional<qsizetype> choose(const QList<Candidate> &candidates);

    static bool hasRoom(const Candidate &candidate);
    // a's load is strictly below b's; compared as cross products, so 1/10 and 2/20 tie exactly.
    static bool lessLoaded(const Candidate &a, const Candidate &b);
};

} // namespace Balancer
