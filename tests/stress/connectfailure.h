#pragma once

#include <QString>

// Why a client of the run did not connect, from what the Bayeux client said last, in the words the
// report groups by ("the balancer has no room (503)"). `final` when waiting longer cannot help
// during a run: a full cluster stays full while the run's own clients hold its slots, and a refused
// token or handshake is refused again.
struct ConnectFailure
{
    QString reason;
    bool final = false;

    // `error` is the client's last errorOccurred() text (shared/client/clientprotocol.cpp's wording);
    // `gaveUp` when the client stopped trying on its own (state Failed).
    static ConnectFailure classify(const QString &error, bool gaveUp);
};
