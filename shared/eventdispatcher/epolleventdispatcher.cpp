#include "epolleventdispatcher.h"

#include "eventlooplogging.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <sys/eventfd.h>
#include <unistd.h>

namespace {

constexpr quint64 wakeUpTag = ~quint64(0);

// Indexed by QSocketNotifier::Type. Hang-up and error activate every type, as in Qt's poll()
// dispatcher: the owner learns of the failure from its next read or write.
constexpr std::array<quint32, 3> requestedEvents = { EPOLLIN, EPOLLOUT, EPOLLPRI };
constexpr std::array<quint32, 3> activatingEvents
    = { EPOLLIN | EPOLLHUP | EPOLLERR, EPOLLOUT | EPOLLHUP | EPOLLERR, EPOLLPRI | EPOLLHUP | EPOLLERR };
// What poll() reports for a descriptor epoll refuses (a regular file): always ready.
constexpr quint32 pollOnlyEvents = EPOLLIN | EPOLLOUT;

const char *typeName(int type)
{
    static constexpr const char *names[] = { "Read", "Write", "Exception" };
    return names[type];
}

// Generation in the high half: an event queued for a descriptor number that has since been
// closed and reused is recognised and dropped.
quint64 tagFor(int fd, quint32 generation)
{
    return (quint64(generation) << 32) | quint32(fd);
}

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_controlEpoll = epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_epoll < 0 || m_controlEpoll < 0 || m_wakeFd < 0)
        qFatal("EpollEventDispatcher: cannot create its epoll and eventfd descriptors: %s", strerror(errno));
    epoll_event event {};
    event.events = EPOLLIN;
    event.data.u64 = wakeUpTag;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event) != 0
        || epoll_ctl(m_controlEpoll, EPOLL_CTL_ADD, m_wakeFd, &event) != 0)
        qFatal("EpollEventDispatcher: cannot watch its eventfd: %s", strerror(errno));
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_controlEpoll);
    ::close(m_epoll);
}

bool EpollEventDispatcher::isOwnThread(const char *what) const
{
    if (thread() == QThread::currentThread()) return true;
    qCWarning(lcEventLoop, "EpollEventDispatcher: %s from another thread is not allowed", what);
    return false;
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.storeRelaxed(0);
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeSockets = !(flags & QEventLoop::ExcludeSocketNotifiers);
    // Every postEvent() calls wakeUp(), so events posted from here on make the eventfd readable:
    // no need to look at the posted-event queue again before blocking.
    const bool canWait = (flags & QEventLoop::WaitForMoreEvents) && !m_interrupted.loadRelaxed();
    if (canWait) emit aboutToBlock();
    if (m_interrupted.loadRelaxed()) {
        emit awake();
        return false;
    }

    int timeout = 0;
    if (includeSockets) syncWithKernel();
    if (canWait) {
        timeout = includeTimers ? m_timers.waitMs() : -1;
        if (includeSockets && (m_pendingHead < m_pending.size() || !m_pollOnly.empty())) timeout = 0;
    }
    int ready = epoll_wait(includeSockets ? m_epoll : m_controlEpoll, m_events.data(), int(m_events.size()), timeout);
    emit awake();
    if (ready < 0) {
        if (errno != EINTR) qCWarning(lcEventLoop, "epoll_wait: %s", strerror(errno));
        ready = 0;
    }

    int handled = 0;
    const std::size_t queuedBefore = m_pending.size();
    for (int i = 0; i < ready; ++i) {
        const epoll_event &event = m_events[std::size_t(i)];
        if (event.data.u64 == wakeUpTag) {
            consumeWakeUp();
            ++handled;
        } else {
            collectReady(int(quint32(event.data.u64)), event.data.u64, event.events, queuedBefore);
        }
    }
    if (includeSockets) {
        for (const int fd : m_pollOnly)
            collectReady(fd, tagFor(fd, m_descriptors.value(fd).generation), pollOnlyEvents, queuedBefore);
        handled += activateSocketNotifiers();
    }
    if (includeTimers) handled += m_timers.activate();
    return handled > 0;
}

void EpollEventDispatcher::collectReady(int fd, quint64 tag, quint32 events, std::size_t queuedBefore)
{
    const auto it = m_descriptors.constFind(fd);
    if (it == m_descriptors.cend()) {
        // A registration that outlived its notifiers (see forget()). If this number names that
        // same file again, this removes it; otherwise nothing can, and it keeps waking the loop.
        if (epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr) != 0 && !m_warnedStale) {
            m_warnedStale = true;
            qCWarning(lcEventLoop,
                "descriptor %d was closed before its socket notifiers were disabled while its file stays open "
                "elsewhere: epoll keeps reporting it",
                fd);
        }
        return;
    }
    if (tagFor(fd, it->generation) != tag) return; // an older file under a number since reused
    for (std::size_t type = 0; type < it->notifiers.size(); ++type) {
        QSocketNotifier *notifier = it->notifiers[type];
        if (!notifier || !(events & activatingEvents[type])) continue;
        // Only a nested processEvents() finds notifiers already queued by an outer one; one
        // epoll_wait() reports each descriptor once, so the new ones need no check.
        const auto queued = m_pending.begin() + std::ptrdiff_t(queuedBefore);
        if (std::find(m_pending.begin() + std::ptrdiff_t(m_pendingHead), queued, notifier) != queued) continue;
        m_pending.push_back(notifier);
    }
}

int EpollEventDispatcher::activateSocketNotifiers()
{
    int activated = 0;
    QEvent event(QEvent::SockAct);
    // Indexes, not iterators: a notifier's slot may unregister notifiers (nulling them here) or run
    // a nested loop that appends to and drains this same queue.
    while (m_pendingHead < m_pending.size()) {
        QSocketNotifier *notifier = m_pending[m_pendingHead++];
        if (!notifier) continue;
        QCoreApplication::sendEvent(notifier, &event);
        ++activated;
    }
    m_pending.clear();
    m_pendingHead = 0;
    return activated;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    Q_ASSERT(notifier);
    const int fd = int(notifier->socket());
    const int type = notifier->type();
    if (fd < 0) {
        qCWarning(lcEventLoop, "QSocketNotifier: cannot register an invalid descriptor");
        return;
    }
    if (notifier->thread() != thread() || !isOwnThread("enabling a socket notifier")) return;

    Descriptor &descriptor = m_descriptors[fd];
    QSocketNotifier *&slot = descriptor.notifiers[std::size_t(type)];
    if (slot && slot != notifier) {
        qCWarning(
            lcEventLoop, "QSocketNotifier: multiple socket notifiers for socket %d and type %s", fd, typeName(type));
        descriptor.resync = true;
    }
    slot = notifier;
    markDirty(fd, descriptor);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    Q_ASSERT(notifier);
    const int fd = int(notifier->socket());
    const int type = notifier->type();
    if (notifier->thread() != thread() || !isOwnThread("disabling a socket notifier")) return;

    // Found ready earlier in this iteration but not activated yet: it must not be activated now.
    std::replace(m_pending.begin() + std::ptrdiff_t(m_pendingHead), m_pending.end(), notifier,
        static_cast<QSocketNotifier *>(nullptr));

    const auto it = m_descriptors.find(fd);
    if (it == m_descriptors.end()) return;
    QSocketNotifier *&slot = it->notifiers[std::size_t(type)];
    if (slot != notifier) {
        if (slot)
            qCWarning(lcEventLoop, "QSocketNotifier: multiple socket notifiers for socket %d and type %s", fd,
                typeName(type));
        return;
    }
    slot = nullptr;
    if (std::all_of(it->notifiers.cbegin(), it->notifiers.cend(), [](const QSocketNotifier *n) { return !n; })) {
        // At once, not at the next sync: owners disable notifiers before they close the descriptor,
        // and only while it is open can its registration be removed. A registration left behind
        // for a closed descriptor whose file is still open elsewhere (a duplicate, a forked child)
        // would keep reporting events that belong to no notifier.
        forget(it);
        return;
    }
    markDirty(fd, *it);
}

void EpollEventDispatcher::forget(QHash<int, Descriptor>::iterator it)
{
    const int fd = it.key();
    // EBADF or ENOENT: the descriptor was closed first, and closing removed it already.
    if (it->kernelEvents && epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr) != 0 && errno != EBADF && errno != ENOENT)
        qCWarning(lcEventLoop, "epoll_ctl(DEL, %d): %s", fd, strerror(errno));
    if (it->pollOnly) m_pollOnly.erase(std::find(m_pollOnly.begin(), m_pollOnly.end(), fd));
    m_descriptors.erase(it);
}

void EpollEventDispatcher::markDirty(int fd, Descriptor &descriptor)
{
    // Deferred to the next epoll_wait(): a notifier enabled and disabled within one iteration (a
    // socket's write notifier while it flushes) costs no system call.
    if (descriptor.dirty) return;
    descriptor.dirty = true;
    m_dirty.push_back(fd);
}

void EpollEventDispatcher::syncWithKernel()
{
    for (const int fd : m_dirty) {
        const auto it = m_descriptors.find(fd);
        if (it == m_descriptors.end()) continue;
        Descriptor &descriptor = *it;
        descriptor.dirty = false;
        quint32 wanted = 0;
        for (std::size_t type = 0; type < descriptor.notifiers.size(); ++type) {
            if (descriptor.notifiers[type]) wanted |= requestedEvents[type];
        }

        if (wanted == 0) { // not reached: unregistering the last notifier forgets the descriptor
            forget(it);
            continue;
        }
        const bool resync = std::exchange(descriptor.resync, false);
        if (descriptor.pollOnly || (wanted == descriptor.kernelEvents && !resync)) continue;
        if (descriptor.kernelEvents == 0) {
            addToKernel(fd, descriptor, wanted);
            continue;
        }
        epoll_event event {};
        event.events = wanted;
        event.data.u64 = tagFor(fd, descriptor.generation);
        if (epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event) == 0) {
            descriptor.kernelEvents = wanted;
        } else if (errno == ENOENT || errno == EBADF) {
            // Closed (and perhaps reused by a new file) while a notifier stayed registered.
            descriptor.kernelEvents = 0;
            addToKernel(fd, descriptor, wanted);
        } else {
            qCWarning(lcEventLoop, "epoll_ctl(MOD, %d): %s", fd, strerror(errno));
        }
    }
    m_dirty.clear();
}

bool EpollEventDispatcher::addToKernel(int fd, Descriptor &descriptor, quint32 events)
{
    descriptor.generation = m_nextGeneration++;
    epoll_event event {};
    event.events = events;
    event.data.u64 = tagFor(fd, descriptor.generation);
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) == 0
        || (errno == EEXIST && epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event) == 0)) {
        descriptor.kernelEvents = events;
        return true;
    }
    if (errno == EPERM) {
        descriptor.pollOnly = true;
        m_pollOnly.push_back(fd);
        return true;
    }
    // poll() would report POLLNVAL and Qt would disable the notifier; here it just stays silent.
    qCWarning(lcEventLoop, "QSocketNotifier: invalid socket %d: %s; it will not be activated", fd, strerror(errno));
    return false;
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    if (timerId < 1 || interval < 0 || !object) {
        qCWarning(lcEventLoop, "EpollEventDispatcher::registerTimer: invalid arguments");
        return;
    }
    if (object->thread() != thread() || !isOwnThread("starting a timer")) return;
    m_timers.add(timerId, interval, timerType, object);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    if (timerId < 1 || !isOwnThread("stopping a timer")) return false;
    return m_timers.remove(timerId);
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    if (!object || object->thread() != thread() || !isOwnThread("stopping timers")) return false;
    return m_timers.removeAll(object);
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    if (!object) return {};
    return m_timers.timersFor(object);
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    return m_timers.remainingMs(timerId);
}

void EpollEventDispatcher::wakeUp()
{
    // One write until the loop consumes it: posting many events costs one system call.
    if (!m_wakeUpPending.testAndSetAcquire(0, 1)) return;
    const quint64 one = 1;
    ssize_t written;
    do {
        written = ::write(m_wakeFd, &one, sizeof one);
    } while (written < 0 && errno == EINTR);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.storeRelaxed(1);
    wakeUp();
}

void EpollEventDispatcher::consumeWakeUp()
{
    quint64 count = 0;
    ssize_t got;
    do {
        got = ::read(m_wakeFd, &count, sizeof count);
    } while (got < 0 && errno == EINTR);
    // Cleared after the read: a wakeUp() in between skips its write, but the event it announces
    // is already queued and the next processEvents() sends posted events before it blocks.
    m_wakeUpPending.storeRelease(0);
}
