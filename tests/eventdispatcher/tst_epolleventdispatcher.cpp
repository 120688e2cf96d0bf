// Behaviour of the process's event dispatcher. Run with COMETD_EVENT_LOOP=epoll it checks
// EpollEventDispatcher; with COMETD_EVENT_LOOP=qt the same rows check Qt's own dispatcher, which
// shows that the rows describe Qt's contract and not just our implementation.
#include "eventdispatcher.h"

#include <QAbstractEventDispatcher>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QPointer>
#include <QSemaphore>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTemporaryFile>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace std::chrono_literals;

namespace {

QAbstractEventDispatcher *dispatcher()
{
    return QAbstractEventDispatcher::instance();
}

// Qt's GLib-based dispatcher, Qt's default on Linux unless QT_NO_GLIB is set, misses a few points
// of the contract that Qt's own poll() dispatcher (QT_NO_GLIB=1) keeps; those rows expect failure.
bool isGlib()
{
    return qstrcmp(dispatcher()->metaObject()->className(), "QEventDispatcherGlib") == 0;
}

EventLoop::Kind requestedKind()
{
    const QString value = qEnvironmentVariable("COMETD_EVENT_LOOP");
    return value.isEmpty() ? EventLoop::defaultKind() : EventLoop::parseKind(value).value_or(EventLoop::Kind::Qt);
}

// Runs iterations without blocking, so that nothing left over from an earlier test can make a
// later blocking call return early.
void drainEvents()
{
    for (int i = 0; i < 100 && dispatcher()->processEvents(QEventLoop::AllEvents); ++i) { }
}

void spin(int iterations, QEventLoop::ProcessEventsFlags flags = QEventLoop::AllEvents)
{
    for (int i = 0; i < iterations; ++i)
        dispatcher()->processEvents(flags);
}

// A connected pair of sockets: the test watches one end and drives it from the other.
class SocketPair final
{
public:
    enum Kind { Unix, Tcp };

    explicit SocketPair(Kind kind = Unix)
    {
        if (kind == Unix) {
            int fds[2];
            if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0) {
                m_watched = fds[0];
                m_peer = fds[1];
            }
            return;
        }
        // TCP, because urgent data (what QSocketNotifier::Exception reports) exists only there.
        const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0 && ::listen(listener, 1) == 0
            && ::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length) == 0) {
            m_peer = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (::connect(m_peer, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0)
                m_watched = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        }
        ::close(listener);
    }
    ~SocketPair()
    {
        closeWatched();
        closePeer();
    }
    Q_DISABLE_COPY_MOVE(SocketPair)

    [[nodiscard]] bool isValid() const { return m_watched >= 0 && m_peer >= 0; }
    [[nodiscard]] int watched() const { return m_watched; }

    [[nodiscard]] bool makeReadable() const
    {
        const char byte = 'x';
        return ::send(m_peer, &byte, 1, MSG_NOSIGNAL) == 1;
    }
    [[nodiscard]] bool sendUrgent() const
    {
        const char byte = '!';
        return ::send(m_peer, &byte, 1, MSG_OOB | MSG_NOSIGNAL) == 1;
    }
    void closePeer()
    {
        if (m_peer >= 0) ::close(m_peer);
        m_peer = -1;
    }
    void closeWatched()
    {
        if (m_watched >= 0) ::close(m_watched);
        m_watched = -1;
    }
    // Gives the watched end the descriptor number `fd`, as if the system had reused that number.
    bool moveWatchedTo(int fd)
    {
        if (m_watched == fd) return true; // the system chose that number itself
        if (::dup2(m_watched, fd) != fd) return false;
        ::close(m_watched);
        m_watched = fd;
        return true;
    }

private:
    int m_watched = -1;
    int m_peer = -1;
};

// Counts a notifier's activations and runs an optional action inside each one.
struct Activations
{
    int count = 0;
    std::function<void()> action;

    void watch(QSocketNotifier *notifier)
    {
        QObject::connect(notifier, &QSocketNotifier::activated, notifier, [this] {
            ++count;
            if (action) action();
        });
    }
};

// Runs `action` in another thread once this thread's dispatcher announces that it will block.
class WhenBlocked final
{
public:
    explicit WhenBlocked(std::function<void()> action)
    {
        m_connection = QObject::connect(
            dispatcher(), &QAbstractEventDispatcher::aboutToBlock, &m_context, [this] { m_blocking.release(); },
            Qt::DirectConnection);
        m_thread.reset(QThread::create([this, action = std::move(action)] {
            m_blocking.acquire();
            if (!m_cancelled.loadAcquire()) action();
        }));
        m_thread->start();
    }
    ~WhenBlocked()
    {
        QObject::disconnect(m_connection);
        m_cancelled.storeRelease(1);
        m_blocking.release();
        m_thread->wait();
    }
    Q_DISABLE_COPY_MOVE(WhenBlocked)

private:
    QObject m_context;
    QSemaphore m_blocking;
    QAtomicInt m_cancelled;
    QMetaObject::Connection m_connection;
    std::unique_ptr<QThread> m_thread;
};

} // namespace

// Records timer and custom events, and runs an optional action inside each timer event.
class Recorder final : public QObject
{
    Q_OBJECT

public:
    QList<int> fired;
    std::function<void(int timerId)> onTimer;

signals:
    void customEventReceived();

protected:
    void timerEvent(QTimerEvent *event) override
    {
        fired.append(event->timerId());
        if (onTimer) onTimer(event->timerId());
    }
    void customEvent(QEvent * /*event*/) override { emit customEventReceived(); }
};

// Records the types of the events an object receives.
class EventTypes final : public QObject
{
public:
    QList<QEvent::Type> seen;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        seen.append(event->type());
        return QObject::eventFilter(watched, event);
    }
};

class tst_EpollEventDispatcher final : public QObject
{
    Q_OBJECT

public:
    static void initMain()
    {
        if (!EventLoop::installFromEnvironment()) qFatal("cannot install the event loop COMETD_EVENT_LOOP asks for");
    }

private slots:
    void init() { drainEvents(); }

    // The switch
    void parseKind_data();
    void parseKind();
    void createAndInstall();
    void installedDispatcherMatchesEnvironment();

    // Socket notifiers
    void notifierActivation_data();
    void notifierActivation();
    void notifiersSharingDescriptor_data();
    void notifiersSharingDescriptor();
    void toggleInsideActivation_data();
    void toggleInsideActivation();
    void descriptorReuse_data();
    void descriptorReuse();
    void notifierOnRegularFile_data();
    void notifierOnRegularFile();
    void manyDescriptorsOnlyReadyOnesActivate();

    // Timers
    void timerFiresNoEarlierThanAsked_data();
    void timerFiresNoEarlierThanAsked();
    void repeatingTimerKeepsPace_data();
    void repeatingTimerKeepsPace();
    void singleShot_data();
    void singleShot();
    void zeroTimer();
    void zeroTimerDoesNotStarveOthers();
    void timersFireInDeadlineOrder();
    void changeInsideTimerEvent_data();
    void changeInsideTimerEvent();
    void remainingTime_data();
    void remainingTime();
    void registeredTimers_data();
    void registeredTimers();
    void registerTimerWithId();

    // Posted events, wake-ups, interrupt
    void postedEventIsDelivered();
    void postFromAnotherThreadWakesLoop();
    void wakeUpFromAnotherThread();
    void interrupt_data();
    void interrupt();
    void deleteLater();
    void deleteLaterWaitsForNestedLoop();

    // processEvents flags and signals
    void processEventsFlags_data();
    void processEventsFlags();
    void excludeSocketNotifiersDoesNotWake();
    void aboutToBlockAndAwake();

    // Nested loops
    void nestedLoopInsideActivation();
    void pendingNotifierDeliveredInNestedLoop();
    void nestedLoopInsideTimerEvent();
    void signalSpyWaitInsideTimer();

    // Threads
    void workerThread_data();
    void workerThread();
};

void tst_EpollEventDispatcher::parseKind_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<std::optional<EventLoop::Kind>>("expected");
    QTest::addRow("qt") << u"qt"_qs << std::optional(EventLoop::Kind::Qt);
    QTest::addRow("epoll") << u"epoll"_qs << std::optional(EventLoop::Kind::Epoll);
    QTest::addRow("upper case") << u"EPOLL"_qs << std::optional(EventLoop::Kind::Epoll);
    QTest::addRow("empty") << QString() << std::optional<EventLoop::Kind>();
    QTest::addRow("glib") << u"glib"_qs << std::optional<EventLoop::Kind>();
    QTest::addRow("trailing space") << u"epoll "_qs << std::optional<EventLoop::Kind>();
}

void tst_EpollEventDispatcher::parseKind()
{
    QFETCH(QString, name);
    QFETCH(std::optional<EventLoop::Kind>, expected);
    QCOMPARE(EventLoop::parseKind(name), expected);
    if (expected) QCOMPARE(EventLoop::parseKind(EventLoop::kindName(*expected)), expected);
}

void tst_EpollEventDispatcher::createAndInstall()
{
    QCOMPARE(EventLoop::defaultKind(), EventLoop::Kind::Epoll);
    QCOMPARE(EventLoop::create(EventLoop::Kind::Qt), nullptr);
    const std::unique_ptr<QAbstractEventDispatcher> epoll(EventLoop::create(EventLoop::Kind::Epoll));
    QVERIFY(epoll);
    QCOMPARE(epoll->metaObject()->className(), "EpollEventDispatcher");

    // Too late once the application exists: the installed dispatcher stays.
    QAbstractEventDispatcher *const before = dispatcher();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"already exists"_qs));
    QVERIFY(!EventLoop::install(EventLoop::Kind::Epoll));
    QCOMPARE(dispatcher(), before);
    QVERIFY(EventLoop::install(EventLoop::Kind::Qt)); // Qt's default needs nothing installed
}

void tst_EpollEventDispatcher::installedDispatcherMatchesEnvironment()
{
    const QByteArray name = dispatcher()->metaObject()->className();
    QCOMPARE(name == "EpollEventDispatcher", requestedKind() == EventLoop::Kind::Epoll);
}

void tst_EpollEventDispatcher::notifierActivation_data()
{
    QTest::addColumn<SocketPair::Kind>("pairKind");
    QTest::addColumn<QSocketNotifier::Type>("type");
    QTest::addColumn<QString>("trigger");
    QTest::addRow("read") << SocketPair::Unix << QSocketNotifier::Read << u"data"_qs;
    QTest::addRow("read on peer hang-up") << SocketPair::Unix << QSocketNotifier::Read << u"hang-up"_qs;
    QTest::addRow("read on tcp") << SocketPair::Tcp << QSocketNotifier::Read << u"data"_qs;
    QTest::addRow("write") << SocketPair::Unix << QSocketNotifier::Write << QString();
    QTest::addRow("exception on urgent data") << SocketPair::Tcp << QSocketNotifier::Exception << u"urgent"_qs;
}

void tst_EpollEventDispatcher::notifierActivation()
{
    QFETCH(SocketPair::Kind, pairKind);
    QFETCH(QSocketNotifier::Type, type);
    QFETCH(QString, trigger);
    SocketPair pair(pairKind);
    QVERIFY(pair.isValid());

    QSocketNotifier notifier(pair.watched(), type);
    QSignalSpy spy(&notifier, &QSocketNotifier::activated);
    EventTypes events;
    notifier.installEventFilter(&events);
    if (!trigger.isEmpty()) {
        spin(5);
        QCOMPARE(spy.count(), 0); // nothing to report yet
        if (trigger == u"data")
            QVERIFY(pair.makeReadable());
        else if (trigger == u"urgent")
            QVERIFY(pair.sendUrgent());
        else
            pair.closePeer();
    }
    QVERIFY(spy.wait(10000));
    QCOMPARE(spy.first().at(0).value<QSocketDescriptor>(), QSocketDescriptor(pair.watched()));
    QCOMPARE(spy.first().at(1).value<QSocketNotifier::Type>(), type);
    QVERIFY(events.seen.contains(QEvent::SockAct)); // activated the way Qt's dispatchers do it
}

void tst_EpollEventDispatcher::notifiersSharingDescriptor_data()
{
    QTest::addColumn<SocketPair::Kind>("pairKind");
    QTest::addColumn<bool>("withException");
    QTest::addRow("read and write") << SocketPair::Unix << false;
    QTest::addRow("read, write and exception") << SocketPair::Tcp << true;
}

void tst_EpollEventDispatcher::notifiersSharingDescriptor()
{
    QFETCH(SocketPair::Kind, pairKind);
    QFETCH(bool, withException);
    SocketPair pair(pairKind);
    QVERIFY(pair.isValid());

    QSocketNotifier read(pair.watched(), QSocketNotifier::Read);
    QSocketNotifier write(pair.watched(), QSocketNotifier::Write);
    std::unique_ptr<QSocketNotifier> exception;
    Activations reads;
    Activations writes;
    Activations exceptions;
    reads.watch(&read);
    writes.watch(&write);
    if (withException) {
        exception = std::make_unique<QSocketNotifier>(pair.watched(), QSocketNotifier::Exception);
        exceptions.watch(exception.get());
    }

    // Writable at once, not readable: only the write notifier of the descriptor fires.
    QTRY_VERIFY(writes.count >= 2);
    QCOMPARE(reads.count, 0);
    QCOMPARE(exceptions.count, 0);

    // Readable too: both fire; the sockets stay ready, so each iteration activates both.
    QVERIFY(pair.makeReadable());
    QTRY_VERIFY(reads.count >= 2);
    int writesBefore = writes.count;
    spin(3);
    QVERIFY(writes.count >= writesBefore + 3);

    // Disabling one notifier leaves the other(s) on the descriptor working.
    write.setEnabled(false);
    spin(1);
    writesBefore = writes.count;
    int readsBefore = reads.count;
    spin(3);
    QCOMPARE(writes.count, writesBefore);
    QVERIFY(reads.count >= readsBefore + 3);

    read.setEnabled(false);
    write.setEnabled(true);
    spin(1);
    writesBefore = writes.count;
    readsBefore = reads.count;
    spin(3);
    QCOMPARE(reads.count, readsBefore);
    QVERIFY(writes.count >= writesBefore + 3);

    if (withException) {
        write.setEnabled(false);
        QCOMPARE(exceptions.count, 0);
        QVERIFY(pair.sendUrgent());
        QTRY_VERIFY(exceptions.count >= 1);
    }
}

void tst_EpollEventDispatcher::toggleInsideActivation_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addRow("disable itself") << u"disable itself"_qs;
    QTest::addRow("disable sibling on the same descriptor") << u"disable sibling"_qs;
    QTest::addRow("delete itself") << u"delete itself"_qs;
    QTest::addRow("delete sibling on the same descriptor") << u"delete sibling same fd"_qs;
    QTest::addRow("delete notifier of another ready descriptor") << u"delete sibling other fd"_qs;
    QTest::addRow("enable notifier of another ready descriptor") << u"enable other"_qs;
    QTest::addRow("disable and re-enable itself") << u"re-enable itself"_qs;
}

void tst_EpollEventDispatcher::toggleInsideActivation()
{
    QFETCH(QString, scenario);
    SocketPair first;
    SocketPair second;
    QVERIFY(first.isValid() && second.isValid());
    QVERIFY(first.makeReadable()); // readable and writable: every notifier below is ready
    QVERIFY(second.makeReadable());
    const bool sameDescriptor = scenario.endsWith(u"same fd") || scenario == u"disable sibling";

    QPointer<QSocketNotifier> a = new QSocketNotifier(first.watched(), QSocketNotifier::Read, this);
    QPointer<QSocketNotifier> b = new QSocketNotifier(sameDescriptor ? first.watched() : second.watched(),
        sameDescriptor ? QSocketNotifier::Write : QSocketNotifier::Read, this);
    const auto cleanup = qScopeGuard([&] {
        delete a;
        delete b;
    });
    Activations activationsA;
    Activations activationsB;
    activationsA.watch(a);
    activationsB.watch(b);

    if (scenario == u"disable itself") {
        b->setEnabled(false);
        activationsA.action = [&] { a->setEnabled(false); };
        QTRY_COMPARE(activationsA.count, 1);
        spin(5);
        QCOMPARE(activationsA.count, 1);
        QVERIFY(!a->isEnabled());
    } else if (scenario == u"disable sibling") {
        // Both ready in the same iteration: whichever comes first disables both, so the other is
        // never activated although it was ready.
        activationsA.action = activationsB.action = [&] {
            a->setEnabled(false);
            b->setEnabled(false);
        };
        QTRY_VERIFY(activationsA.count + activationsB.count >= 1);
        spin(5);
        QCOMPARE(activationsA.count + activationsB.count, 1);
    } else if (scenario == u"delete itself") {
        b->setEnabled(false);
        activationsA.action = [&] { delete a; };
        QTRY_VERIFY(a.isNull());
        spin(5);
        QCOMPARE(activationsA.count, 1);
    } else if (scenario.startsWith(u"delete sibling")) {
        activationsA.action = [&] {
            delete b;
            a->setEnabled(false);
        };
        activationsB.action = [&] {
            delete a;
            b->setEnabled(false);
        };
        QTRY_VERIFY(a.isNull() || b.isNull());
        spin(5);
        QCOMPARE(activationsA.count + activationsB.count, 1);
    } else if (scenario == u"enable other") {
        b->setEnabled(false);
        activationsA.action = [&] {
            a->setEnabled(false);
            b->setEnabled(true);
        };
        activationsB.action = [&] { b->setEnabled(false); };
        QTRY_COMPARE(activationsB.count, 1);
        spin(5);
        QCOMPARE(activationsA.count, 1);
        QCOMPARE(activationsB.count, 1);
    } else if (scenario == u"re-enable itself") {
        b->setEnabled(false);
        activationsA.action = [&] {
            a->setEnabled(false);
            a->setEnabled(true);
        };
        QTRY_VERIFY(activationsA.count >= 3);
    } else {
        QFAIL("unknown scenario");
    }
}

void tst_EpollEventDispatcher::descriptorReuse_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addRow("closed, unregistered, number reused") << u"unregister then reuse"_qs;
    QTest::addRow("closed, number reused, then old unregistered") << u"reuse then unregister"_qs;
    QTest::addRow("reused while the old notifier is still registered") << u"reuse while registered"_qs;
    QTest::addRow("old registration kept alive by a duplicate") << u"duplicate"_qs;
}

void tst_EpollEventDispatcher::descriptorReuse()
{
    QFETCH(QString, scenario);
    auto oldPair = std::make_unique<SocketPair>();
    QVERIFY(oldPair->isValid());
    const int number = oldPair->watched();
    int duplicate = -1;
    const auto closeDuplicate = qScopeGuard([&] {
        if (duplicate >= 0) ::close(duplicate);
    });

    auto old = std::make_unique<QSocketNotifier>(number, QSocketNotifier::Read);
    Activations oldActivations;
    oldActivations.watch(old.get());
    spin(2); // the old descriptor is now known to the dispatcher (and, for epoll, to the kernel)

    if (scenario == u"duplicate") {
        // The kernel keeps an epoll registration while any duplicate of the file is open.
        duplicate = ::dup(number);
        QVERIFY(duplicate >= 0);
    }
    if (scenario == u"unregister then reuse") old.reset();
    oldPair->closeWatched();
    if (scenario == u"duplicate") {
        old.reset();
        spin(2);
        // The same file again under the same number.
        QCOMPARE(::dup2(duplicate, number), number);
    }

    SocketPair newPair;
    QVERIFY(newPair.isValid());
    if (scenario != u"duplicate") QVERIFY(newPair.moveWatchedTo(number));
    const int watched = scenario == u"duplicate" ? number : newPair.watched();

    if (scenario == u"reuse then unregister") old.reset();
    std::unique_ptr<QSocketNotifier> fresh;
    Activations freshActivations;
    if (scenario == u"reuse while registered") {
        // A different type on the same number while the stale Read notifier stays registered.
        fresh = std::make_unique<QSocketNotifier>(watched, QSocketNotifier::Write);
        freshActivations.watch(fresh.get());
        QTRY_VERIFY(freshActivations.count >= 1);
        old.reset();
        fresh->setEnabled(false);
    }

    QSocketNotifier reader(watched, QSocketNotifier::Read);
    Activations readerActivations;
    readerActivations.action = [&] { reader.setEnabled(false); };
    readerActivations.watch(&reader);
    spin(3);
    QCOMPARE(readerActivations.count, 0); // nothing to read yet: no stale readiness leaks in
    if (scenario == u"duplicate")
        QVERIFY(oldPair->makeReadable());
    else
        QVERIFY(newPair.makeReadable());
    QTRY_COMPARE(readerActivations.count, 1);
    QCOMPARE(oldActivations.count, 0);
    if (scenario == u"duplicate") {
        reader.setEnabled(false);
        ::close(number);
    }
}

void tst_EpollEventDispatcher::notifierOnRegularFile_data()
{
    QTest::addColumn<QSocketNotifier::Type>("type");
    QTest::addRow("read") << QSocketNotifier::Read;
    QTest::addRow("write") << QSocketNotifier::Write;
}

void tst_EpollEventDispatcher::notifierOnRegularFile()
{
    // poll() reports a regular file always ready; epoll refuses to watch one (EPERM). A notifier
    // on stdin redirected from a file must still work.
    QFETCH(QSocketNotifier::Type, type);
    QTemporaryFile file;
    QVERIFY(file.open());
    QVERIFY(file.write("data") == 4);
    QVERIFY(file.flush());
    QSocketNotifier notifier(file.handle(), type);
    Activations activations;
    activations.watch(&notifier);
    QTRY_VERIFY(activations.count >= 2);
    notifier.setEnabled(false);
    const int before = activations.count;
    spin(3);
    QCOMPARE(activations.count, before);
    notifier.setEnabled(true);
    QTRY_VERIFY(activations.count > before);
}

void tst_EpollEventDispatcher::manyDescriptorsOnlyReadyOnesActivate()
{
    constexpr int count = 300;
    std::vector<std::unique_ptr<SocketPair>> pairs;
    std::vector<std::unique_ptr<QSocketNotifier>> notifiers;
    std::vector<Activations> activations(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        pairs.push_back(std::make_unique<SocketPair>());
        QVERIFY(pairs.back()->isValid());
        notifiers.push_back(std::make_unique<QSocketNotifier>(pairs.back()->watched(), QSocketNotifier::Read));
        QSocketNotifier *notifier = notifiers.back().get();
        activations[std::size_t(i)].action = [notifier] { notifier->setEnabled(false); };
        activations[std::size_t(i)].watch(notifier);
    }
    spin(3);
    const auto isReady = [](int i) { return i % 7 == 3; };
    for (int i = 0; i < count; ++i) {
        if (isReady(i)) QVERIFY(pairs[std::size_t(i)]->makeReadable());
    }
    QTRY_COMPARE(
        std::count_if(activations.cbegin(), activations.cend(), [](const Activations &a) { return a.count > 0; }),
        qsizetype(count / 7 + 1));
    spin(3);
    for (int i = 0; i < count; ++i)
        QCOMPARE(activations[std::size_t(i)].count, isReady(i) ? 1 : 0);
}

void tst_EpollEventDispatcher::timerFiresNoEarlierThanAsked_data()
{
    QTest::addColumn<int>("interval");
    QTest::addColumn<Qt::TimerType>("type");
    QTest::addColumn<int>("earliestMs");
    QTest::addRow("precise 0 ms") << 0 << Qt::PreciseTimer << 0;
    QTest::addRow("precise 1 ms") << 1 << Qt::PreciseTimer << 1;
    QTest::addRow("precise 50 ms") << 50 << Qt::PreciseTimer << 50;
    QTest::addRow("coarse 10 ms (handled as precise)") << 10 << Qt::CoarseTimer << 10;
    // Coarse timers may fire up to 5% early; very coarse ones round to whole seconds.
    QTest::addRow("coarse 50 ms") << 50 << Qt::CoarseTimer << 50 - 50 / 20 - 1;
    QTest::addRow("coarse 200 ms") << 200 << Qt::CoarseTimer << 200 - 200 / 20 - 1;
    QTest::addRow("very coarse 1000 ms") << 1000 << Qt::VeryCoarseTimer << 500;
}

void tst_EpollEventDispatcher::timerFiresNoEarlierThanAsked()
{
    QFETCH(int, interval);
    QFETCH(Qt::TimerType, type);
    QFETCH(int, earliestMs);
    QTimer timer;
    timer.setTimerType(type);
    timer.setInterval(interval);
    qint64 firedAfterNs = -1;
    QElapsedTimer clock;
    connect(&timer, &QTimer::timeout, this, [&] {
        if (firedAfterNs < 0) firedAfterNs = clock.nsecsElapsed();
    });
    clock.start();
    timer.start();
    QTRY_VERIFY_WITH_TIMEOUT(firedAfterNs >= 0, interval + 10000);
    QVERIFY2(firedAfterNs >= qint64(earliestMs) * 1'000'000, qPrintable(QString::number(firedAfterNs)));
}

void tst_EpollEventDispatcher::repeatingTimerKeepsPace_data()
{
    QTest::addColumn<int>("interval");
    QTest::addColumn<Qt::TimerType>("type");
    QTest::addRow("precise 20 ms") << 20 << Qt::PreciseTimer;
    QTest::addRow("coarse 40 ms") << 40 << Qt::CoarseTimer;
}

void tst_EpollEventDispatcher::repeatingTimerKeepsPace()
{
    QFETCH(int, interval);
    QFETCH(Qt::TimerType, type);
    constexpr int shots = 5;
    QTimer timer;
    timer.setTimerType(type);
    timer.setInterval(interval);
    QList<qint64> firedAtNs;
    QElapsedTimer clock;
    connect(&timer, &QTimer::timeout, this, [&] {
        firedAtNs.append(clock.nsecsElapsed());
        if (firedAtNs.size() == shots) timer.stop();
    });
    clock.start();
    timer.start();
    QTRY_COMPARE_WITH_TIMEOUT(firedAtNs.size(), shots, 20000);
    for (int i = 0; i < shots; ++i) {
        const int n = i + 1;
        const qint64 earliest = type == Qt::PreciseTimer ? qint64(n) * interval : qint64(n) * interval * 95 / 100 - 1;
        QVERIFY2(firedAtNs[i] >= earliest * 1'000'000, qPrintable(QString::number(firedAtNs[i])));
        if (i > 0) QVERIFY(firedAtNs[i] > firedAtNs[i - 1]);
    }
}

void tst_EpollEventDispatcher::singleShot_data()
{
    QTest::addColumn<bool>("staticCall");
    QTest::addColumn<int>("interval");
    QTest::addRow("QTimer with singleShot set") << false << 10;
    QTest::addRow("QTimer::singleShot") << true << 10;
    QTest::addRow("QTimer with singleShot set, 0 ms") << false << 0;
}

void tst_EpollEventDispatcher::singleShot()
{
    QFETCH(bool, staticCall);
    QFETCH(int, interval);
    int shots = 0;
    QTimer timer;
    QObject scope; // cancels the single shot if this function returns early
    if (staticCall) {
        QTimer::singleShot(interval, Qt::PreciseTimer, &scope, [&] { ++shots; });
    } else {
        timer.setSingleShot(true);
        timer.setInterval(interval);
        connect(&timer, &QTimer::timeout, this, [&] { ++shots; });
        timer.start();
    }
    QTRY_COMPARE(shots, 1);
    // A later timer firing shows that time went on without a second shot.
    QTimer later;
    later.setSingleShot(true);
    QSignalSpy laterSpy(&later, &QTimer::timeout);
    later.start(interval * 3 + 30);
    QVERIFY(laterSpy.wait(10000));
    QCOMPARE(shots, 1);
    QVERIFY(!timer.isActive());
}

void tst_EpollEventDispatcher::zeroTimer()
{
    Recorder target;
    const int id = target.startTimer(0);
    QVERIFY(id > 0);
    // Fires in every iteration, and at most once per iteration.
    spin(10);
    QVERIFY2(target.fired.size() >= 5 && target.fired.size() <= 10, qPrintable(QString::number(target.fired.size())));
    target.killTimer(id);
    const qsizetype after = target.fired.size();
    spin(5);
    QCOMPARE(target.fired.size(), after);

    // Two of them take turns: timers due at the same time fire in the order they were started.
    target.fired.clear();
    const int first = target.startTimer(0);
    const int second = target.startTimer(0);
    spin(4);
    target.killTimer(first);
    target.killTimer(second);
    QVERIFY(target.fired.size() >= 4);
    for (qsizetype i = 0; i < target.fired.size(); ++i)
        QCOMPARE(target.fired[i], i % 2 == 0 ? first : second);
}

void tst_EpollEventDispatcher::zeroTimerDoesNotStarveOthers()
{
    QTimer busy;
    busy.setInterval(0);
    int busyShots = 0;
    connect(&busy, &QTimer::timeout, this, [&] { ++busyShots; });
    busy.start();

    SocketPair pair;
    QVERIFY(pair.makeReadable());
    QSocketNotifier notifier(pair.watched(), QSocketNotifier::Read);
    Activations activations;
    activations.action = [&] { notifier.setEnabled(false); };
    activations.watch(&notifier);
    Recorder target;
    QSignalSpy posted(&target, &Recorder::customEventReceived);
    QCoreApplication::postEvent(&target, new QEvent(QEvent::User));
    QTimer slow;
    slow.setSingleShot(true);
    QSignalSpy slowSpy(&slow, &QTimer::timeout);
    slow.start(30);

    QVERIFY(slowSpy.wait(10000));
    QCOMPARE(activations.count, 1);
    QCOMPARE(posted.count(), 1);
    QVERIFY(busyShots > 1);
}

void tst_EpollEventDispatcher::timersFireInDeadlineOrder()
{
    Recorder target;
    QList<int> ids;
    ids << target.startTimer(30, Qt::PreciseTimer) << target.startTimer(10, Qt::PreciseTimer)
        << target.startTimer(20, Qt::PreciseTimer) << target.startTimer(10, Qt::PreciseTimer);
    target.onTimer = [&](int id) { target.killTimer(id); };
    QTRY_COMPARE_WITH_TIMEOUT(target.fired.size(), 4, 10000);
    // Equal intervals fire in the order they were started.
    QCOMPARE(target.fired, (QList<int> { ids[1], ids[3], ids[2], ids[0] }));
}

void tst_EpollEventDispatcher::changeInsideTimerEvent_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addRow("kill itself") << u"kill itself"_qs;
    QTest::addRow("kill another due timer") << u"kill other"_qs;
    QTest::addRow("restart itself") << u"restart"_qs;
    QTest::addRow("unregister all timers of the object") << u"unregister all"_qs;
}

void tst_EpollEventDispatcher::changeInsideTimerEvent()
{
    QFETCH(QString, scenario);
    Recorder target;
    QList<int> started;
    if (scenario == u"kill itself") {
        started << target.startTimer(0);
        target.onTimer = [&](int id) { target.killTimer(id); };
    } else if (scenario == u"kill other") {
        // Both zero-interval: both are due in the same iteration.
        started << target.startTimer(0) << target.startTimer(0);
        target.onTimer = [&](int id) {
            for (const int timer : std::as_const(started))
                target.killTimer(timer);
            started = { id };
        };
    } else if (scenario == u"restart") {
        started << target.startTimer(5);
        target.onTimer = [&](int id) {
            target.killTimer(id);
            if (target.fired.size() < 3) started << target.startTimer(5);
        };
    } else if (scenario == u"unregister all") {
        started << target.startTimer(0) << target.startTimer(0) << target.startTimer(1);
        target.onTimer = [&](int) {
            QVERIFY(dispatcher()->unregisterTimers(&target));
            QVERIFY(dispatcher()->registeredTimers(&target).isEmpty());
        };
    }

    QTimer sentinel;
    sentinel.setSingleShot(true);
    QSignalSpy sentinelSpy(&sentinel, &QTimer::timeout);
    sentinel.start(100);
    QVERIFY(sentinelSpy.wait(10000));

    if (scenario == u"restart") {
        QCOMPARE(target.fired.size(), 3);
        QCOMPARE(target.fired, started);
    } else if (scenario == u"kill other") {
        QCOMPARE(target.fired.size(), 1);
    } else {
        QCOMPARE(target.fired.size(), 1);
        QCOMPARE(target.fired.first(), started.first());
    }
}

void tst_EpollEventDispatcher::remainingTime_data()
{
    QTest::addColumn<int>("interval");
    QTest::addColumn<Qt::TimerType>("type");
    QTest::addColumn<int>("atLeast");
    QTest::addColumn<int>("atMost");
    QTest::addRow("precise 10 s") << 10000 << Qt::PreciseTimer << 9000 << 10000;
    QTest::addRow("coarse 10 s") << 10000 << Qt::CoarseTimer << 9000 << 10500;
    QTest::addRow("very coarse 10 s") << 10000 << Qt::VeryCoarseTimer << 9000 << 10500;
    QTest::addRow("precise 0 ms") << 0 << Qt::PreciseTimer << 0 << 0;
}

void tst_EpollEventDispatcher::remainingTime()
{
    QFETCH(int, interval);
    QFETCH(Qt::TimerType, type);
    QFETCH(int, atLeast);
    QFETCH(int, atMost);
    Recorder target;
    const int id = target.startTimer(interval, type);
    const int left = dispatcher()->remainingTime(id);
    QVERIFY2(left >= atLeast && left <= atMost, qPrintable(QString::number(left)));
    target.killTimer(id);
    QCOMPARE(dispatcher()->remainingTime(id), -1);
}

void tst_EpollEventDispatcher::registeredTimers_data()
{
    QTest::addColumn<int>("interval");
    QTest::addColumn<Qt::TimerType>("type");
    QTest::addColumn<int>("reportedInterval");
    QTest::addColumn<Qt::TimerType>("reportedType");
    QTest::addRow("precise 50 ms") << 50 << Qt::PreciseTimer << 50 << Qt::PreciseTimer;
    QTest::addRow("precise 0 ms") << 0 << Qt::PreciseTimer << 0 << Qt::PreciseTimer;
    QTest::addRow("coarse 100 ms") << 100 << Qt::CoarseTimer << 100 << Qt::CoarseTimer;
    QTest::addRow("coarse 10 ms becomes precise") << 10 << Qt::CoarseTimer << 10 << Qt::PreciseTimer;
    QTest::addRow("coarse 25 s becomes very coarse") << 25000 << Qt::CoarseTimer << 25000 << Qt::VeryCoarseTimer;
    QTest::addRow("very coarse 1400 ms rounds down") << 1400 << Qt::VeryCoarseTimer << 1000 << Qt::VeryCoarseTimer;
    QTest::addRow("very coarse 1600 ms rounds up") << 1600 << Qt::VeryCoarseTimer << 2000 << Qt::VeryCoarseTimer;
}

void tst_EpollEventDispatcher::registeredTimers()
{
    QFETCH(int, interval);
    QFETCH(Qt::TimerType, type);
    QFETCH(int, reportedInterval);
    QFETCH(Qt::TimerType, reportedType);
    Recorder target;
    Recorder other;
    const int id = target.startTimer(interval, type);
    const int otherId = other.startTimer(1000);
    const QList<QAbstractEventDispatcher::TimerInfo> timers = dispatcher()->registeredTimers(&target);
    QCOMPARE(timers.size(), 1);
    QCOMPARE(timers.first().timerId, id);
    QCOMPARE(timers.first().interval, reportedInterval);
    QCOMPARE(timers.first().timerType, reportedType);
    target.killTimer(id);
    QVERIFY(dispatcher()->registeredTimers(&target).isEmpty());
    QCOMPARE(dispatcher()->registeredTimers(&other).size(), 1);
    other.killTimer(otherId);
}

void tst_EpollEventDispatcher::registerTimerWithId()
{
    Recorder target;
    const int id = dispatcher()->registerTimer(1000, Qt::PreciseTimer, &target);
    QVERIFY(id > 0);
    QVERIFY(dispatcher()->unregisterTimer(id));
    QVERIFY(!dispatcher()->unregisterTimer(id));
    QVERIFY(dispatcher()->registeredTimers(&target).isEmpty());

    // The same id again, now with a short interval.
    dispatcher()->registerTimer(id, 5, Qt::PreciseTimer, &target);
    QCOMPARE(dispatcher()->registeredTimers(&target).size(), 1);
    target.onTimer = [&](int timerId) { dispatcher()->unregisterTimer(timerId); };
    QTRY_COMPARE(target.fired, QList<int> { id });
    QVERIFY(dispatcher()->registeredTimers(&target).isEmpty());
}

void tst_EpollEventDispatcher::postedEventIsDelivered()
{
    Recorder target;
    QSignalSpy spy(&target, &Recorder::customEventReceived);
    QCoreApplication::postEvent(&target, new QEvent(QEvent::User));
    QCOMPARE(spy.count(), 0);
    dispatcher()->processEvents(QEventLoop::AllEvents);
    QCOMPARE(spy.count(), 1);
}

void tst_EpollEventDispatcher::postFromAnotherThreadWakesLoop()
{
    Recorder target;
    QSignalSpy spy(&target, &Recorder::customEventReceived);
    const WhenBlocked poster([&] { QCoreApplication::postEvent(&target, new QEvent(QEvent::User)); });
    QElapsedTimer clock;
    clock.start();
    QVERIFY(spy.wait(10000));
    QVERIFY(clock.elapsed() < 9000);
}

void tst_EpollEventDispatcher::wakeUpFromAnotherThread()
{
    QAbstractEventDispatcher *const mainDispatcher = dispatcher();
    const WhenBlocked waker([mainDispatcher] { mainDispatcher->wakeUp(); });
    QObject scope; // cancels the safety timer when this function returns
    bool safetyFired = false;
    QTimer::singleShot(20000, &scope, [&] { safetyFired = true; });
    mainDispatcher->processEvents(QEventLoop::WaitForMoreEvents);
    QVERIFY(!safetyFired);
}

void tst_EpollEventDispatcher::interrupt_data()
{
    QTest::addColumn<QString>("from");
    QTest::addRow("another thread while blocked") << u"thread"_qs;
    QTest::addRow("a posted event before blocking") << u"posted"_qs;
    QTest::addRow("aboutToBlock") << u"aboutToBlock"_qs;
}

void tst_EpollEventDispatcher::interrupt()
{
    QFETCH(QString, from);
    QAbstractEventDispatcher *const mainDispatcher = dispatcher();
    QObject scope; // cancels every callback below when this function returns
    std::unique_ptr<WhenBlocked> interrupter;
    if (from == u"thread") {
        interrupter = std::make_unique<WhenBlocked>([mainDispatcher] { mainDispatcher->interrupt(); });
    } else if (from == u"posted") {
        QMetaObject::invokeMethod(
            &scope, [mainDispatcher] { mainDispatcher->interrupt(); }, Qt::QueuedConnection);
    } else {
        connect(
            mainDispatcher, &QAbstractEventDispatcher::aboutToBlock, &scope, [&] { mainDispatcher->interrupt(); },
            Qt::DirectConnection);
    }
    bool safetyFired = false;
    QTimer::singleShot(20000, &scope, [&] { safetyFired = true; });
    mainDispatcher->processEvents(QEventLoop::WaitForMoreEvents);
    QVERIFY(!safetyFired);
}

void tst_EpollEventDispatcher::deleteLater()
{
    QPointer<QObject> object = new QObject;
    object->deleteLater();
    QVERIFY(object);
    QTRY_VERIFY(object.isNull());
}

void tst_EpollEventDispatcher::deleteLaterWaitsForNestedLoop()
{
    QEventLoop outer;
    QPointer<QObject> object = new QObject;
    connect(object, &QObject::destroyed, &outer, &QEventLoop::quit);
    bool aliveAfterNestedLoop = false;
    QObject scope; // cancels the single shot if this function returns early
    QTimer::singleShot(0, &scope, [&] {
        object->deleteLater();
        QEventLoop nested;
        QTimer::singleShot(20, &nested, &QEventLoop::quit);
        nested.exec();
        aliveAfterNestedLoop = !object.isNull();
    });
    QTimer::singleShot(20000, &outer, [&] { outer.exit(1); });
    QCOMPARE(outer.exec(), 0);
    QVERIFY(aliveAfterNestedLoop);
    QVERIFY(object.isNull());
}

void tst_EpollEventDispatcher::processEventsFlags_data()
{
    QTest::addColumn<QEventLoop::ProcessEventsFlags>("flags");
    QTest::addColumn<bool>("timers");
    QTest::addColumn<bool>("sockets");
    QTest::addRow("AllEvents") << QEventLoop::ProcessEventsFlags(QEventLoop::AllEvents) << true << true;
    QTest::addRow("ExcludeUserInputEvents")
        << QEventLoop::ProcessEventsFlags(QEventLoop::ExcludeUserInputEvents) << true << true;
    QTest::addRow("ExcludeSocketNotifiers")
        << QEventLoop::ProcessEventsFlags(QEventLoop::ExcludeSocketNotifiers) << true << false;
    QTest::addRow("X11ExcludeTimers") << QEventLoop::ProcessEventsFlags(QEventLoop::X11ExcludeTimers) << false << true;
    QTest::addRow("EventLoopExec") << QEventLoop::ProcessEventsFlags(QEventLoop::EventLoopExec) << true << true;
}

void tst_EpollEventDispatcher::processEventsFlags()
{
    QFETCH(QEventLoop::ProcessEventsFlags, flags);
    QFETCH(bool, timers);
    QFETCH(bool, sockets);
    SocketPair pair;
    QVERIFY(pair.makeReadable());
    QSocketNotifier notifier(pair.watched(), QSocketNotifier::Read);
    Activations activations;
    activations.watch(&notifier);
    Recorder target;
    QSignalSpy posted(&target, &Recorder::customEventReceived);
    QCoreApplication::postEvent(&target, new QEvent(QEvent::User));
    const int id = target.startTimer(0);

    spin(3, flags);
    QCOMPARE(posted.count(), 1); // posted events are never excluded
    QCOMPARE(!target.fired.isEmpty(), timers);
    if (!sockets && isGlib()) QEXPECT_FAIL("", "QEventDispatcherGlib ignores ExcludeSocketNotifiers", Abort);
    QCOMPARE(activations.count > 0, sockets);

    // Excluded, not dropped: still registered and delivered by the next unrestricted call.
    QVERIFY(notifier.isEnabled());
    spin(3);
    QVERIFY(activations.count > 0);
    QVERIFY(!target.fired.isEmpty());
    target.killTimer(id);
}

void tst_EpollEventDispatcher::excludeSocketNotifiersDoesNotWake()
{
    SocketPair pair;
    QSocketNotifier notifier(pair.watched(), QSocketNotifier::Read);
    Activations activations;
    activations.watch(&notifier);
    spin(2); // registered while idle (for epoll: known to the kernel), then made ready
    QVERIFY(pair.makeReadable());
    bool fired = false;
    QElapsedTimer clock;
    clock.start();
    QObject scope; // cancels the single shot if this function returns early
    QTimer::singleShot(50, Qt::PreciseTimer, &scope, [&] { fired = true; });
    int calls = 0;
    while (!fired && calls < 1000) {
        dispatcher()->processEvents(QEventLoop::ExcludeSocketNotifiers | QEventLoop::WaitForMoreEvents);
        ++calls;
    }
    if (isGlib()) QEXPECT_FAIL("", "QEventDispatcherGlib ignores ExcludeSocketNotifiers", Abort);
    QVERIFY(fired);
    QVERIFY(clock.elapsed() >= 50);
    QCOMPARE(activations.count, 0);
    // A readable socket must not make the excluded wait return at once, over and over.
    QVERIFY2(calls <= 5, qPrintable(QString::number(calls)));
}

void tst_EpollEventDispatcher::aboutToBlockAndAwake()
{
    QSignalSpy aboutToBlock(dispatcher(), &QAbstractEventDispatcher::aboutToBlock);
    QSignalSpy awake(dispatcher(), &QAbstractEventDispatcher::awake);
    int announcedBeforeTimer = -1;
    QObject scope; // cancels the single shot if this function returns early
    QTimer::singleShot(20, Qt::PreciseTimer, &scope, [&] { announcedBeforeTimer = int(aboutToBlock.count()); });
    for (int i = 0; i < 1000 && announcedBeforeTimer < 0; ++i)
        dispatcher()->processEvents(QEventLoop::WaitForMoreEvents);
    QVERIFY(announcedBeforeTimer >= 1);
    QVERIFY(awake.count() >= 1);

    // A call that may not wait does not announce blocking.
    drainEvents();
    aboutToBlock.clear();
    dispatcher()->processEvents(QEventLoop::AllEvents);
    QCOMPARE(aboutToBlock.count(), 0);
}

void tst_EpollEventDispatcher::nestedLoopInsideActivation()
{
    SocketPair first;
    SocketPair second;
    QVERIFY(first.makeReadable());
    QSocketNotifier outer(first.watched(), QSocketNotifier::Read);
    QSocketNotifier inner(second.watched(), QSocketNotifier::Read);
    Activations outerActivations;
    Activations innerActivations;
    bool innerSeenInsideNestedLoop = false;
    outerActivations.action = [&] {
        outer.setEnabled(false);
        QEventLoop nested;
        connect(&inner, &QSocketNotifier::activated, &nested, [&] {
            inner.setEnabled(false);
            nested.quit();
        });
        QTimer::singleShot(20000, &nested, [&] { nested.exit(1); });
        QVERIFY(second.makeReadable());
        innerSeenInsideNestedLoop = nested.exec() == 0;
    };
    outerActivations.watch(&outer);
    innerActivations.watch(&inner);
    QTRY_COMPARE(outerActivations.count, 1);
    QVERIFY(innerSeenInsideNestedLoop);
    QCOMPARE(innerActivations.count, 1);
}

void tst_EpollEventDispatcher::pendingNotifierDeliveredInNestedLoop()
{
    // Both ready in the same iteration; the first activated runs a nested loop, in which the
    // other one must be activated (once), not only after the nested loop returns.
    SocketPair first;
    SocketPair second;
    QVERIFY(first.makeReadable());
    QVERIFY(second.makeReadable());
    QSocketNotifier a(first.watched(), QSocketNotifier::Read);
    QSocketNotifier b(second.watched(), QSocketNotifier::Read);
    Activations activationsA;
    Activations activationsB;
    QEventLoop *nested = nullptr;
    bool otherSeenInsideNestedLoop = false;
    const auto firstOrSecond = [&](QSocketNotifier &self) {
        self.setEnabled(false);
        if (nested) {
            nested->quit();
            return;
        }
        QEventLoop loop;
        nested = &loop;
        QTimer::singleShot(20000, &loop, [&] { loop.exit(1); });
        otherSeenInsideNestedLoop = loop.exec() == 0;
        nested = nullptr;
    };
    activationsA.action = [&] { firstOrSecond(a); };
    activationsB.action = [&] { firstOrSecond(b); };
    activationsA.watch(&a);
    activationsB.watch(&b);
    QTRY_COMPARE(activationsA.count + activationsB.count, 2);
    QVERIFY(otherSeenInsideNestedLoop);
    spin(3);
    QCOMPARE(activationsA.count, 1);
    QCOMPARE(activationsB.count, 1);
}

void tst_EpollEventDispatcher::nestedLoopInsideTimerEvent()
{
    // A repeating timer whose timerEvent runs a nested loop is not re-entered by that loop, and
    // other timers keep firing inside it.
    Recorder target;
    int depth = 0;
    int deepest = 0;
    bool otherFiredInside = false;
    const int repeating = target.startTimer(5, Qt::PreciseTimer);
    target.onTimer = [&](int id) {
        if (id != repeating) return;
        ++depth;
        deepest = std::max(deepest, depth);
        if (depth == 1) {
            QEventLoop nested;
            QTimer::singleShot(50, Qt::PreciseTimer, &nested, [&] {
                otherFiredInside = true;
                nested.quit();
            });
            nested.exec();
            target.killTimer(repeating);
        }
        --depth;
    };
    QTRY_VERIFY(otherFiredInside);
    QCOMPARE(deepest, 1);
    QCOMPARE(target.fired.count(repeating), 1);
}

void tst_EpollEventDispatcher::signalSpyWaitInsideTimer()
{
    bool waited = false;
    bool done = false;
    QObject scope; // cancels the single shot if this function returns early
    QTimer::singleShot(0, &scope, [&] {
        QTimer other;
        other.setSingleShot(true);
        QSignalSpy spy(&other, &QTimer::timeout);
        other.start(20);
        waited = spy.wait(10000);
        done = true;
    });
    QTRY_VERIFY(done);
    QVERIFY(waited);
}

void tst_EpollEventDispatcher::workerThread_data()
{
    QTest::addColumn<EventLoop::Kind>("kind");
    QTest::addColumn<QByteArray>("expectedClass");
    QTest::addRow("qt") << EventLoop::Kind::Qt << QByteArray();
    QTest::addRow("epoll") << EventLoop::Kind::Epoll << QByteArray("EpollEventDispatcher");
}

void tst_EpollEventDispatcher::workerThread()
{
    QFETCH(EventLoop::Kind, kind);
    QFETCH(QByteArray, expectedClass);
    QThread thread;
    if (QAbstractEventDispatcher *threadDispatcher = EventLoop::create(kind))
        thread.setEventDispatcher(threadDispatcher);
    QPointer<QObject> worker = new QObject;
    worker->moveToThread(&thread);
    connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
    thread.start();

    SocketPair pair;
    QVERIFY(pair.makeReadable());
    QSemaphore done;
    QByteArray className;
    int timerShots = 0;
    int socketShots = 0;
    // Runs in the worker thread; the semaphore publishes what it wrote.
    QMetaObject::invokeMethod(
        worker,
        [&, worker = worker.data()] {
            className = QAbstractEventDispatcher::instance()->metaObject()->className();
            auto *timer = new QTimer(worker);
            connect(timer, &QTimer::timeout, worker, [&, timer] {
                if (++timerShots == 3) {
                    timer->stop();
                    done.release();
                }
            });
            timer->start(5);
            auto *notifier = new QSocketNotifier(pair.watched(), QSocketNotifier::Read, worker);
            connect(notifier, &QSocketNotifier::activated, worker, [&, notifier] {
                notifier->setEnabled(false);
                ++socketShots;
                done.release();
            });
        },
        Qt::QueuedConnection);
    QVERIFY(done.tryAcquire(2, 20000));
    QCOMPARE(timerShots, 3);
    QCOMPARE(socketShots, 1);
    if (expectedClass.isEmpty())
        QVERIFY(className != "EpollEventDispatcher");
    else
        QCOMPARE(className, expectedClass);

    // An event posted from this thread wakes the worker's blocked loop.
    QMetaObject::invokeMethod(
        worker, [&] { done.release(); }, Qt::QueuedConnection);
    QVERIFY(done.tryAcquire(1, 20000));

    thread.quit(); // interrupts the worker's blocked loop
    QVERIFY(thread.wait(20000));
    QTRY_VERIFY(worker.isNull());
}

QTEST_GUILESS_MAIN(tst_EpollEventDispatcher)
#include "tst_epolleventdispatcher.moc"
