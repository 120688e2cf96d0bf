#pragma once

#include <QAbstractEventDispatcher>
#include <QHash>
#include <QList>
#include <QMultiHash>

#include <vector>

class QObject;

// The timers of one thread in an indexed binary heap ordered by deadline: start, stop and firing
// cost O(log n), whatever the number of timers.
class TimerHeap final
{
public:
    TimerHeap() = default;
    Q_DISABLE_COPY_MOVE(TimerHeap)

    // Monotonic clock in nanoseconds (the clock QElapsedTimer uses on Linux).
    static qint64 now();

    void add(int id, qint64 intervalMs, Qt::TimerType type, QObject *object);
    bool remove(int id);
    bool removeAll(QObject *object);
    QList<QAbstractEventDispatcher::TimerInfo> timersFor(QObject *object) const;
    // Milliseconds left, rounded up; 0 when overdue; -1 for an unknown id.
    [[nodiscard]] int remainingMs(int id) const;
    // Milliseconds until the first timer that may fire (a timer inside its own timerEvent may not),
    // rounded up; -1 when there is none.
    [[nodiscard]] int waitMs() const;
    // Sends a QTimerEvent to every timer due now, each at most once; returns how many of them have
    // a non-zero interval (zero-interval timers alone do not count as work done).
    int activate();
    [[nodiscard]] bool isEmpty() const { return m_heap.empty(); }

private:
    struct Timer
    {
        QObject *object = nullptr;
        qint64 deadline = 0; // ns, monotonic
        qint64 step = 0; // ns between deadlines; whole seconds for VeryCoarseTimer
        quint64 order = 0; // FIFO among equal deadlines; also marks what one activate() may fire
        quint64 serial = 0; // tells a timer from a later one that reuses its id and slot
        qint64 intervalMs = 0;
        int id = 0;
        int heapIndex = -1;
        Qt::TimerType type = Qt::CoarseTimer;
        bool inEvent = false;
    };

    void schedule(Timer &timer, qint64 current);
    void reschedule(Timer &timer, qint64 current);
    [[nodiscard]] bool less(int a, int b) const;
    void siftUp(int index);
    void siftDown(int index);
    void heapRemove(int index);
    void place(int index, int slot);

    std::vector<Timer> m_slots;
    std::vector<int> m_freeSlots;
    std::vector<int> m_heap; // slot indexes
    QHash<int, int> m_slotById;
    QMultiHash<QObject *, int> m_idsByObject;
    quint64 m_nextOrder = 1;
    quint64 m_nextSerial = 1;
};
