#include "sessionqueue.h"

namespace Bayeux {

SessionQueue::SessionQueue(QueueLimits limits, QueueStats *stats)
    : m_stats(stats)
    , m_capacity(qMax(1, limits.messages))
    , m_maxBytes(limits.bytes)
{ }

SessionQueue::~SessionQueue()
{
    if (m_stats) m_stats->queued -= m_entries.size();
}

void SessionQueue::enqueue(const OutgoingMessage &message)
{
    const qint64 size = message.json.size();
    qsizetype drop = 0;
    qint64 freed = 0;
    while (drop < m_entries.size() && (m_entries.size() - drop >= m_capacity || m_bytes - freed + size > m_maxBytes)) {
        freed += m_entries.at(drop).message.json.size();
        ++drop;
    }
    if (drop > 0) {
        removeFront(drop);
        m_dropped += drop;
        if (m_stats) m_stats->dropped += drop;
    }
    m_entries.append(Entry { message, m_batch });
    m_bytes += size;
    if (m_stats) ++m_stats->queued;
}

bool SessionQueue::hasUnsent() const
{
    if (m_entries.isEmpty()) return false;
    return !m_ackMode || m_entries.last().batch == m_batch;
}

bool SessionQueue::hasUnacknowledged() const
{
    return m_ackMode && !m_entries.isEmpty() && m_entries.first().batch < m_batch;
}

SessionQueue::Delivery SessionQueue::takeForDelivery(qint64 maxBytes)
{
    qsizetype count = 0;
    qint64 bytes = 0;
    for (const Entry &entry : std::as_const(m_entries)) {
        const qint64 size = entry.message.json.size() + 1; // and its comma
        if (count > 0 && bytes + size > maxBytes) break;
        bytes += size;
        ++count;
    }
    Delivery delivery;
    delivery.messages.reserve(count);
    for (qsizetype i = 0; i < count; ++i)
        delivery.messages.append(m_entries.at(i).message);
    if (m_ackMode) {
        delivery.batch = m_batch++;
        for (qsizetype i = count; i < m_entries.size(); ++i)
            m_entries[i].batch = m_batch;
    } else {
        removeFront(count);
    }
    return delivery;
}

void SessionQueue::acknowledge(qint64 batch)
{
    if (!m_ackMode) return;
    // A client cannot acknowledge a batch it has not been sent.
    batch = qMin(batch, m_batch - 1);
    qsizetype count = 0;
    while (count < m_entries.size() && m_entries.at(count).batch <= batch)
        ++count;
    removeFront(count);
}

void SessionQueue::removeFront(qsizetype count)
{
    if (count <= 0) return;
    for (qsizetype i = 0; i < count; ++i)
        m_bytes -= m_entries.at(i).message.json.size();
    m_entries.remove(0, count);
    if (m_stats) m_stats->queued -= count;
}

} // namespace Bayeux
