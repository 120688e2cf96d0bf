#pragma once

#include "timerheap.h"

#include <QAbstractEventDispatcher>
#include <QAtomicInt>
#include <QHash>

#include <array>
#include <vector>

#include <sys/epoll.h>

class QSocketNotifier;

// A QAbstractEventDispatcher on Linux epoll: an iteration costs O(ready descriptors + due timers),
// not O(registered socket notifiers) as with Qt's poll()-based dispatchers.
class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EpollEventDispatcher)

public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    using QAbstractEventDispatcher::registerTimer;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    // The notifiers of one descriptor (indexed by QSocketNotifier::Type) and what the kernel has.
    struct Descriptor
    {
        std::array<QSocketNotifier *, 3> notifiers {};
        quint32 kernelEvents = 0; // 0: not in the epoll set
        quint32 generation = 0; // tells events of a reused descriptor number from stale ones
        bool dirty = false; // notifiers changed since the last sync with the kernel
        // A notifier replaced by another since the last sync: the number may now name another
        // file, so the kernel must be told even if the event mask looks unchanged.
        bool resync = false;
        bool pollOnly = false; // epoll refuses it (regular file): always ready, as poll() says
    };

    bool isOwnThread(const char *what) const;
    void markDirty(int fd, Descriptor &descriptor);
    void syncWithKernel();
    void forget(QHash<int, Descriptor>::iterator it);
    bool addToKernel(int fd, Descriptor &descriptor, quint32 events);
    void collectReady(int fd, quint64 tag, quint32 events, std::size_t queuedBefore);
    int activateSocketNotifiers();
    void consumeWakeUp();

    int m_epoll = -1; // the wake-up eventfd and every socket notifier's descriptor
    int m_controlEpoll = -1; // the wake-up eventfd only, for ExcludeSocketNotifiers
    int m_wakeFd = -1;
    QAtomicInt m_wakeUpPending;
    QAtomicInt m_interrupted;

    QHash<int, Descriptor> m_descriptors;
    std::vector<int> m_dirty; // descriptors to sync before the next epoll_wait
    std::vector<int> m_pollOnly; // descriptors epoll cannot watch, reported ready every iteration
    quint32 m_nextGeneration = 1;
    bool m_warnedStale = false;

    // Notifiers found ready and not yet activated; shared by nested processEvents() calls, and an
    // unregistered notifier is nulled out here so that it is never activated afterwards.
    std::vector<QSocketNotifier *> m_pending;
    std::size_t m_pendingHead = 0;

    TimerHeap m_timers;
    std::array<epoll_event, 512> m_events {};
};
