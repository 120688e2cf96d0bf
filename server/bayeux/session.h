#pragma once

#include "connection.h"
#include "sessionqueue.h"
#include "smallset.h"

#include <QByteArray>
#include <QJsonValue>
#include <QLatin1StringView>
#include <QList>
#include <QString>

#include <limits>
#include <optional>

namespace Bayeux {

// Session::deadline while nothing is due (a /meta/connect is being processed).
inline constexpr qint64 kNoDeadline = std::numeric_limits<qint64>::max();

// A /meta/connect the engine has not answered yet.
struct HeldConnect
{
    Connection *connection = nullptr;
    QJsonValue id { QJsonValue::Undefined }; // the connect's message id, echoed in the reply
    // Long-polling: the other replies of the connect's batch, sent in the same answer; the connect
    // reply goes at `connectIndex` among them.
    QList<QByteArray> replies;
    qsizetype connectIndex = 0;
    bool persistent = false;
    QByteArray browserId; // non-empty: counted in the per-browser long-poll limit under this id
};

// The state of one Bayeux client (one browser tab); the engine and its helpers drive it.
struct Session
{
    Q_DISABLE_COPY_MOVE(Session)

    Session(
        QByteArray id, QString userName, QLatin1StringView transportName, QueueLimits queueLimits, QueueStats *stats)
        : clientId(std::move(id))
        , user(std::move(userName))
        , transport(transportName)
        , queue(queueLimits, stats)
    { }

    const QByteArray clientId;
    const QString user; // bound at handshake, never changes
    QLatin1StringView transport; // of the handshake; one of the Wire::Transport constants
    QByteArray browserId; // BAYEUX_BROWSER cookie of the last request, may be empty
    SmallSet<QString> subscriptions; // channels and patterns, as the client wrote them
    SessionQueue queue;
    std::optional<HeldConnect> held;
    Connection *pushConnection = nullptr; // the WebSocket of the last /meta/connect, if any
    // When the held connect is answered or the session expires; kNoDeadline while a /meta/connect
    // is being processed. Only moves: the queue entry that comes due early is pushed again lazily.
    qint64 deadline = 0;
    // The deadline of the session's live queue entry, if any; that entry carries `generation`.
    std::optional<qint64> queuedDeadline;
    quint64 generation = 0; // bumped when a new queue entry is pushed; older entries are stale
    bool dirty = false; // waiting in the engine's end-of-turn flush list
    // A /meta/connect has been answered. The first one is answered at once, as CometD does: it
    // tells the client its advice and lets a Faye client move to WebSocket without a held poll.
    bool connected = false;
};

} // namespace Bayeux
