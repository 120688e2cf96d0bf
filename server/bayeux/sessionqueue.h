#pragma once

#include "outgoingmessage.h"

#include <QList>
#include <QtGlobal>

#include <limits>

namespace Bayeux {

// Engine-wide totals that every SessionQueue keeps up to date.
struct QueueStats
{
    qint64 queued = 0; // messages held in all queues now
    qint64 dropped = 0; // messages dropped because a queue was full, since start
};

// How much one session's queue may hold: past either bound the oldest messages are dropped. The
// byte bound counts each message's JSON as if it were the session's own (the bytes are shared by
// every queue they are in), so that a client that stops reading holds a bounded share.
struct QueueLimits
{
    int messages = 10000;
    qint64 bytes = std::numeric_limits<qint64>::max();
};

// The messages waiting for one session. In ack mode (CometD's acknowledged-messages extension) each
// message belongs to a batch; a delivery closes the current batch and hands out every message not yet
// acknowledged, and messages stay until the client acknowledges their batch.
class SessionQueue final
{
    Q_DISABLE_COPY_MOVE(SessionQueue)
public:
    // `stats` may be null; otherwise it must outlive the queue.
    explicit SessionQueue(QueueLimits limits, QueueStats *stats = nullptr);
    explicit SessionQueue(int capacity, QueueStats *stats = nullptr)
        : SessionQueue(QueueLimits { capacity }, stats)
    { }
    ~SessionQueue();

    void setAckMode(bool enabled) { m_ackMode = enabled; }
    bool ackMode() const { return m_ackMode; }

    // Past the limits the oldest messages are dropped, so that a stalled client costs bounded memory.
    void enqueue(const OutgoingMessage &message);

    qsizetype size() const { return m_entries.size(); }
    qint64 bytes() const { return m_bytes; } // of the messages' JSON
    bool isEmpty() const { return m_entries.isEmpty(); }
    qint64 dropped() const { return m_dropped; }
    // Messages queued since the last delivery.
    bool hasUnsent() const;
    // Ack mode: messages delivered before and not acknowledged since (they must be sent again).
    bool hasUnacknowledged() const;

    struct Delivery
    {
        QList<OutgoingMessage> messages;
        qint64 batch = -1; // ack mode: the batch just closed, for ext.ack; -1 otherwise
    };
    // Plain mode: the messages from the front up to `maxBytes` of JSON (at least one), and the
    // queue forgets them.
    // Ack mode: closes the current batch and hands out the unacknowledged messages from the front up
    // to `maxBytes`; they stay queued. Messages past the cut move to the next batch, so that
    // acknowledging this one never drops a message that was not sent.
    Delivery takeForDelivery(qint64 maxBytes = std::numeric_limits<qint64>::max());

    // Ack mode: the client has every batch up to `batch`; their messages are forgotten.
    void acknowledge(qint64 batch);
    qint64 currentBatch() const { return m_batch; }

private:
    struct Entry
    {
        OutgoingMessage message;
        qint64 batch = 0;
    };
    void removeFront(qsizetype count);

    QList<Entry> m_entries;
    QueueStats *m_stats;
    int m_capacity;
    qint64 m_maxBytes;
    qint64 m_bytes = 0;
    qint64 m_batch = 1;
    qint64 m_dropped = 0;
    bool m_ackMode = false;
};

} // namespace Bayeux
