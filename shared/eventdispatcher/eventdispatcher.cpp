#include "eventdispatcher.h"

#include "eventlooplogging.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

#ifdef COMETD_HAVE_EPOLL_DISPATCHER
#include "epolleventdispatcher.h"
#endif

Q_LOGGING_CATEGORY(lcEventLoop, "cometd.eventloop", QtInfoMsg)

namespace EventLoop {

std::optional<Kind> parseKind(QStringView name)
{
    if (name.compare(u"qt", Qt::CaseInsensitive) == 0) return Kind::Qt;
    if (name.compare(u"epoll", Qt::CaseInsensitive) == 0) return Kind::Epoll;
    return std::nullopt;
}

QStringView kindName(Kind kind)
{
    switch (kind) {
    case Kind::Qt:
        return u"qt";
    case Kind::Epoll:
        return u"epoll";
    }
    Q_UNREACHABLE();
}

Kind defaultKind()
{
#ifdef COMETD_HAVE_EPOLL_DISPATCHER
    return Kind::Epoll;
#else
    return Kind::Qt;
#endif
}

QAbstractEventDispatcher *create(Kind kind)
{
    switch (kind) {
    case Kind::Qt:
        return nullptr;
    case Kind::Epoll:
#ifdef COMETD_HAVE_EPOLL_DISPATCHER
        return new EpollEventDispatcher;
#else
        return nullptr;
#endif
    }
    Q_UNREACHABLE();
}

bool install(Kind kind)
{
    if (kind == Kind::Qt) return true;
    if (QCoreApplication::instance() || QAbstractEventDispatcher::instance()) {
        qCWarning(lcEventLoop).noquote() << "an event dispatcher already exists; keeping it instead of"
                                         << kindName(kind);
        return false;
    }
    QAbstractEventDispatcher *dispatcher = create(kind);
    if (!dispatcher) {
        qCWarning(lcEventLoop).noquote() << "event loop" << kindName(kind) << "is not available on this platform";
        return false;
    }
    QCoreApplication::setEventDispatcher(dispatcher);
    qCDebug(lcEventLoop) << "installed" << dispatcher->metaObject()->className();
    return true;
}

bool installFromEnvironment()
{
    const QString value = qEnvironmentVariable("COMETD_EVENT_LOOP");
    if (value.isEmpty()) return install(defaultKind());
    const std::optional<Kind> kind = parseKind(value);
    if (!kind) {
        qCWarning(lcEventLoop).noquote() << "COMETD_EVENT_LOOP must be qt or epoll, not" << value;
        return false;
    }
    return install(*kind);
}

qint64 raiseFileLimit()
{
#ifdef Q_OS_UNIX
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    return qint64(limit.rlim_cur);
#else
    return -1;
#endif
}

} // namespace EventLoop
