#pragma once

#include "bayeuxclient.h"

#include <QString>

#include <optional>

// Why a client of the run did not connect, in the words the report groups by ("the balancer has no
// room for them (503)"). `final` when waiting longer cannot help during a run: a full cluster stays
// full while the run's own clients hold its slots, and a refused token, handshake or subscription is
// refused again. A balancer that cannot reach its cluster state (503 too) may recover: not final.
struct ConnectFailure
{
    QString reason;
    bool final = false;

    // `refusal` is the answer that refused the client's latest attempt (BayeuxClient::lastRefusal),
    // none when the attempt got no answer; `error` the client's last error text, for that case;
    // `gaveUp` when the client stopped trying on its own (state Failed).
    static ConnectFailure classify(
        const std::optional<Cometd::ClientRefusal> &refusal, const QString &error, bool gaveUp);
};
