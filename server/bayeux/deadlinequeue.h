#pragma once

#include <QByteArray>

#include <algorithm>
#include <optional>
#include <vector>

namespace Bayeux {

// Pending deadlines of all sessions in one min-heap, so that one timer serves the whole engine.
// Entries are never removed early: the owner bumps the key's generation instead, and stale entries
// are skipped when they come due (lazy invalidation).
class DeadlineQueue final
{
public:
    struct Entry
    {
        qint64 deadline = 0;
        QByteArray key;
        quint64 generation = 0;
    };

    void schedule(qint64 deadline, const QByteArray &key, quint64 generation);

    // The earliest entry whose deadline is <= now, removed from the queue; equal deadlines come out
    // in the order they were scheduled.
    std::optional<Entry> popDue(qint64 now);

    std::optional<qint64> nextDeadline() const;
    qsizetype size() const { return qsizetype(m_heap.size()); }
    bool isEmpty() const { return m_heap.empty(); }
    void clear() { m_heap.clear(); }

    // Drops the entries for which `isStale(entry)` is true; O(n), for when stale entries pile up.
    template<typename Predicate> void removeIf(Predicate isStale);

private:
    struct Item
    {
        Entry entry;
        quint64 sequence = 0;
    };
    static bool later(const Item &a, const Item &b);

    std::vector<Item> m_heap;
    quint64 m_sequence = 0;
};

template<typename Predicate> void DeadlineQueue::removeIf(Predicate isStale)
{
    std::erase_if(m_heap, [&](const Item &item) { return isStale(item.entry); });
    std::make_heap(m_heap.begin(), m_heap.end(), &DeadlineQueue::later);
}

} // namespace Bayeux
