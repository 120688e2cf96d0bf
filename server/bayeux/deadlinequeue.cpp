#include "deadlinequeue.h"

#include <algorithm>

namespace Bayeux {

bool DeadlineQueue::later(const Item &a, const Item &b)
{
    if (a.entry.deadline != b.entry.deadline) return a.entry.deadline > b.entry.deadline;
    return a.sequence > b.sequence;
}

void DeadlineQueue::schedule(qint64 deadline, const QByteArray &key, quint64 generation)
{
    m_heap.push_back(Item { Entry { deadline, key, generation }, m_sequence++ });
    std::push_heap(m_heap.begin(), m_heap.end(), &DeadlineQueue::later);
}

std::optional<DeadlineQueue::Entry> DeadlineQueue::popDue(qint64 now)
{
    if (m_heap.empty() || m_heap.front().entry.deadline > now) return std::nullopt;
    std::pop_heap(m_heap.begin(), m_heap.end(), &DeadlineQueue::later);
    Entry entry = std::move(m_heap.back().entry);
    m_heap.pop_back();
    return entry;
}

std::optional<qint64> DeadlineQueue::nextDeadline() const
{
    if (m_heap.empty()) return std::nullopt;
    return m_heap.front().entry.deadline;
}

} // namespace Bayeux
