#pragma once

#include <QStringView>

#include <optional>

class QAbstractEventDispatcher;

// Chooses and installs the event dispatcher of the process or of a thread.
namespace EventLoop {

enum class Kind { Qt, Epoll };

// "qt" or "epoll" (case-insensitive); nullopt for anything else.
std::optional<Kind> parseKind(QStringView name);
// The dispatcher's name as parseKind() accepts it.
QStringView kindName(Kind kind);
// Epoll on Linux, Qt elsewhere.
Kind defaultKind();

// Creates the dispatcher for `kind`: nullptr for Qt's default, or when `kind` is unavailable on
// this platform. Also meant for QThread::setEventDispatcher() before the thread starts.
QAbstractEventDispatcher *create(Kind kind);

// Installs the dispatcher for the main thread; call BEFORE the Q*Application object is created.
// Returns false if `kind` is unavailable here or a dispatcher already exists (Qt's default stays).
bool install(Kind kind);

// Reads COMETD_EVENT_LOOP=qt|epoll (default: defaultKind()) and installs it, so that a whole test
// suite can be run on either dispatcher. Returns false for an unknown value (nothing installed).
bool installFromEnvironment();

// Raises RLIMIT_NOFILE to its hard limit, because a server or load driver holds one descriptor per
// client; returns the soft limit now in force, or -1 where there is no such limit.
qint64 raiseFileLimit();

} // namespace EventLoop
