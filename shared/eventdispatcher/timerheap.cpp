#include "timerheap.h"

#include <QCoreApplication>
#include <QTimerEvent>

#include <climits>
#include <ctime>

namespace {

constexpr qint64 nsPerMs = 1'000'000;
constexpr qint64 nsPerSecond = 1'000'000'000;

// Coarse timers may move by up to 5% of their interval; moving them onto round boundaries of the
// clock makes timers of similar intervals wake the thread together.
qint64 coarseDeadline(qint64 expected, qint64 intervalMs)
{
    const qint64 slack = intervalMs * nsPerMs / 20;
    static constexpr qint64 grainsMs[] = { 1000, 500, 250, 200, 100, 50, 25, 20, 10, 5, 2, 1 };
    for (const qint64 grainMs : grainsMs) {
        const qint64 grain = grainMs * nsPerMs;
        if (grain / 2 <= slack) return (expected + grain / 2) / grain * grain;
    }
    return expected;
}

int roundUpToMs(qint64 ns)
{
    const qint64 ms = (ns + nsPerMs - 1) / nsPerMs;
    return ms > INT_MAX ? INT_MAX : int(ms);
}

} // namespace

qint64 TimerHeap::now()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * nsPerSecond + ts.tv_nsec;
}

void TimerHeap::schedule(Timer &timer, qint64 current)
{
    // The same thresholds as Qt: below 20 ms 5% is under a millisecond, above 20 s it is a second.
    if (timer.type == Qt::CoarseTimer) {
        if (timer.intervalMs >= 20000)
            timer.type = Qt::VeryCoarseTimer;
        else if (timer.intervalMs <= 20)
            timer.type = Qt::PreciseTimer;
    }
    switch (timer.type) {
    case Qt::PreciseTimer:
        timer.step = timer.intervalMs * nsPerMs;
        timer.deadline = current + timer.step;
        break;
    case Qt::CoarseTimer:
        timer.step = timer.intervalMs * nsPerMs;
        timer.deadline = coarseDeadline(current + timer.step, timer.intervalMs);
        break;
    case Qt::VeryCoarseTimer: {
        // Whole seconds, rounded to the nearest, and deadlines on whole seconds of the clock.
        const qint64 seconds = (timer.intervalMs / 500 + 1) / 2;
        timer.intervalMs = seconds * 1000;
        timer.step = seconds * nsPerSecond;
        timer.deadline = (current + nsPerSecond / 2) / nsPerSecond * nsPerSecond + timer.step;
        break;
    }
    }
    timer.order = m_nextOrder++;
}

void TimerHeap::reschedule(Timer &timer, qint64 current)
{
    qint64 next = timer.deadline + timer.step;
    if (next < current) {
        // Overdue by more than a period: skip the missed shots instead of firing them in a burst.
        next = timer.type == Qt::VeryCoarseTimer ? current / nsPerSecond * nsPerSecond + timer.step
                                                 : current + timer.step;
    }
    if (timer.type == Qt::CoarseTimer) next = coarseDeadline(next, timer.intervalMs);
    // Never in the past: activate() relies on a rescheduled timer sorting after every timer that
    // was already due, so that one pass fires each timer at most once.
    timer.deadline = next < current ? current : next;
    timer.order = m_nextOrder++;
}

bool TimerHeap::less(int a, int b) const
{
    const Timer &x = m_slots[std::size_t(a)];
    const Timer &y = m_slots[std::size_t(b)];
    return x.deadline != y.deadline ? x.deadline < y.deadline : x.order < y.order;
}

void TimerHeap::place(int index, int slot)
{
    m_heap[std::size_t(index)] = slot;
    m_slots[std::size_t(slot)].heapIndex = index;
}

void TimerHeap::siftUp(int index)
{
    const int slot = m_heap[std::size_t(index)];
    while (index > 0) {
        const int parent = (index - 1) / 2;
        if (!less(slot, m_heap[std::size_t(parent)])) break;
        place(index, m_heap[std::size_t(parent)]);
        index = parent;
    }
    place(index, slot);
}

void TimerHeap::siftDown(int index)
{
    const int size = int(m_heap.size());
    const int slot = m_heap[std::size_t(index)];
    for (;;) {
        int child = 2 * index + 1;
        if (child >= size) break;
        if (child + 1 < size && less(m_heap[std::size_t(child) + 1], m_heap[std::size_t(child)])) ++child;
        if (!less(m_heap[std::size_t(child)], slot)) break;
        place(index, m_heap[std::size_t(child)]);
        index = child;
    }
    place(index, slot);
}

void TimerHeap::heapRemove(int index)
{
    const int last = m_heap.back();
    m_heap.pop_back();
    if (index == int(m_heap.size())) return;
    place(index, last);
    if (index > 0 && less(last, m_heap[std::size_t((index - 1) / 2)]))
        siftUp(index);
    else
        siftDown(index);
}

void TimerHeap::add(int id, qint64 intervalMs, Qt::TimerType type, QObject *object)
{
    remove(id); // an id registered twice replaces the old timer, it does not run twice
    int slot;
    if (!m_freeSlots.empty()) {
        slot = m_freeSlots.back();
        m_freeSlots.pop_back();
    } else {
        slot = int(m_slots.size());
        m_slots.emplace_back();
    }
    Timer &timer = m_slots[std::size_t(slot)];
    timer = Timer {};
    timer.object = object;
    timer.intervalMs = intervalMs;
    timer.id = id;
    timer.type = type;
    timer.serial = m_nextSerial++;
    schedule(timer, now());
    m_heap.push_back(slot);
    siftUp(int(m_heap.size()) - 1);
    m_slotById.insert(id, slot);
    m_idsByObject.insert(object, id);
}

bool TimerHeap::remove(int id)
{
    const auto it = m_slotById.constFind(id);
    if (it == m_slotById.cend()) return false;
    const int slot = *it;
    m_slotById.erase(it);
    Timer &timer = m_slots[std::size_t(slot)];
    heapRemove(timer.heapIndex);
    m_idsByObject.remove(timer.object, id);
    timer = Timer {};
    m_freeSlots.push_back(slot);
    return true;
}

bool TimerHeap::removeAll(QObject *object)
{
    const QList<int> ids = m_idsByObject.values(object);
    for (const int id : ids)
        remove(id);
    return !ids.isEmpty();
}

QList<QAbstractEventDispatcher::TimerInfo> TimerHeap::timersFor(QObject *object) const
{
    QList<QAbstractEventDispatcher::TimerInfo> timers;
    for (auto it = m_idsByObject.constFind(object); it != m_idsByObject.cend() && it.key() == object; ++it) {
        const Timer &timer = m_slots[std::size_t(m_slotById.value(*it))];
        timers.append({ timer.id, int(qMin<qint64>(timer.intervalMs, INT_MAX)), timer.type });
    }
    return timers;
}

int TimerHeap::remainingMs(int id) const
{
    const auto it = m_slotById.constFind(id);
    if (it == m_slotById.cend()) return -1;
    const qint64 left = m_slots[std::size_t(*it)].deadline - now();
    return left > 0 ? roundUpToMs(left) : 0;
}

int TimerHeap::waitMs() const
{
    if (m_heap.empty()) return -1;
    int first = m_heap.front();
    if (m_slots[std::size_t(first)].inEvent) {
        // Rare: a nested event loop inside a timerEvent. That timer must not keep the nested loop
        // awake, so look for the earliest other one.
        first = -1;
        for (const int slot : m_heap) {
            if (!m_slots[std::size_t(slot)].inEvent && (first < 0 || less(slot, first))) first = slot;
        }
        if (first < 0) return -1;
    }
    const qint64 left = m_slots[std::size_t(first)].deadline - now();
    return left > 0 ? roundUpToMs(left) : 0;
}

int TimerHeap::activate()
{
    if (m_heap.empty()) return 0;
    const qint64 current = now();
    // Everything scheduled from here on (rescheduled timers, timers started by a timerEvent) has a
    // later order and waits for the next pass.
    const quint64 passLimit = m_nextOrder;
    int activated = 0;
    while (!m_heap.empty()) {
        const int slot = m_heap.front();
        Timer &timer = m_slots[std::size_t(slot)];
        if (timer.deadline > current || timer.order >= passLimit) break;
        reschedule(timer, current);
        siftDown(0);
        if (timer.intervalMs > 0) ++activated;
        if (timer.inEvent) continue; // its timerEvent is running a nested loop: no recursion
        timer.inEvent = true;
        const int id = timer.id;
        const quint64 serial = timer.serial;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(timer.object, &event); // may add or remove timers
        const auto it = m_slotById.constFind(id);
        if (it != m_slotById.cend() && m_slots[std::size_t(*it)].serial == serial)
            m_slots[std::size_t(*it)].inEvent = false;
    }
    return activated;
}
