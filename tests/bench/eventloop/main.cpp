// bench-eventloop [--event-loop qt|epoll] [--iterations K] N
// Holds N idle loopback TCP connections (server side: QTcpSockets with a readyRead connection, so
// their read notifiers stay enabled), then turns the event loop K times with a zero-interval timer
// and prints the CPU time per iteration.
#include "eventdispatcher.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Options
{
    EventLoop::Kind kind = EventLoop::defaultKind();
    int sockets = 1000;
    int iterations = 20000;
};

std::optional<Options> parseOptions(int argc, char **argv)
{
    Options options;
    for (int i = 1; i < argc; ++i) {
        const QLatin1StringView arg(argv[i]);
        if (arg == QLatin1StringView("--event-loop") && i + 1 < argc) {
            const auto kind = EventLoop::parseKind(QString::fromLocal8Bit(argv[++i]));
            if (!kind) return std::nullopt;
            options.kind = *kind;
        } else if (arg == QLatin1StringView("--iterations") && i + 1 < argc) {
            options.iterations = std::atoi(argv[++i]);
        } else if (!arg.startsWith(QLatin1Char('-'))) {
            options.sockets = std::atoi(argv[i]);
        } else {
            return std::nullopt;
        }
    }
    if (options.sockets < 0 || options.iterations < 1) return std::nullopt;
    return options;
}

double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Returns how many sockets fit under the descriptor limit (each process holds one end of each).
int raiseDescriptorLimit(int sockets)
{
    constexpr int reserve = 32; // stdio, the listening socket, the dispatcher's own descriptors
    rlimit limit {};
    getrlimit(RLIMIT_NOFILE, &limit);
    const auto needed = rlim_t(sockets) + rlim_t(reserve);
    if (limit.rlim_cur >= needed) return sockets;
    // Raising the hard limit needs CAP_SYS_RESOURCE; without it, go as far as the hard limit.
    const rlimit wanted { needed, limit.rlim_max == RLIM_INFINITY ? RLIM_INFINITY : std::max(needed, limit.rlim_max) };
    if (setrlimit(RLIMIT_NOFILE, &wanted) == 0) return sockets;
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    const int fitting = int(std::min<rlim_t>(limit.rlim_cur, INT_MAX)) - reserve;
    std::fprintf(stderr, "warning: RLIMIT_NOFILE hard limit is %llu: holding %d sockets instead of %d\n",
        static_cast<unsigned long long>(limit.rlim_cur), fitting, sockets);
    return fitting;
}

// The client ends live in a child process, so that each process needs only N descriptors. The
// parent sends the port, then the size of the next batch once it has accepted the previous one,
// so the listen backlog never overflows (an overflow costs a one-second SYN retransmission).
[[noreturn]] void runClients(int control)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    quint16 port = 0;
    if (::read(control, &port, sizeof port) != sizeof port) _exit(1);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::vector<int> fds;
    qint32 batch = 0;
    // Each batch request carries its size; 0 means "done, hold them until the parent exits".
    while (::read(control, &batch, sizeof batch) == sizeof batch && batch > 0) {
        for (qint32 i = 0; i < batch; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
                std::perror("bench-eventloop client");
                _exit(1);
            }
            fds.push_back(fd);
        }
    }
    char byte;
    while (::read(control, &byte, 1) > 0) { }
    _exit(0);
}

} // namespace

int main(int argc, char **argv)
{
    const std::optional<Options> options = parseOptions(argc, argv);
    if (!options) {
        std::fprintf(stderr, "usage: %s [--event-loop qt|epoll] [--iterations K] N\n", argv[0]);
        return 2;
    }
    const int socketCount = raiseDescriptorLimit(options->sockets);
    int control[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, control) != 0) {
        std::perror("socketpair");
        return 1;
    }
    // Forked before any thread or Qt object exists.
    const pid_t child = ::fork();
    if (child < 0) {
        std::perror("fork");
        return 1;
    }
    if (child == 0) {
        ::close(control[0]);
        runClients(control[1]);
    }
    ::close(control[1]);
    const int toClients = control[0];
    const auto send = [toClients](const auto &value) {
        if (::write(toClients, &value, sizeof value) != sizeof value) std::perror("bench-eventloop control");
    };

    if (!EventLoop::install(options->kind)) return 1;
    QCoreApplication app(argc, argv);

    QTcpServer server;
    server.setListenBacklogSize(1024);
    server.setMaxPendingConnections(socketCount + 1);
    if (!server.listen(QHostAddress::LocalHost, 0)) {
        std::fprintf(stderr, "listen: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    send(server.serverPort());
    // The child only ever closes its end: when it fails to connect, or dies.
    QSocketNotifier clientsGone(toClients, QSocketNotifier::Read);
    QObject::connect(&clientsGone, &QSocketNotifier::activated, &app, [] {
        std::fprintf(stderr, "bench-eventloop: the client process failed\n");
        QCoreApplication::exit(1);
    });
    constexpr int batchSize = 500;
    int requested = 0;

    std::vector<QTcpSocket *> sockets;
    sockets.reserve(std::size_t(socketCount));
    int iterations = 0;
    double startCpu = 0;
    QTimer tick;
    tick.setInterval(0);
    QObject::connect(&tick, &QTimer::timeout, &app, [&] {
        if (++iterations < options->iterations) return;
        tick.stop();
        const double usPerIteration = (cpuSeconds() - startCpu) * 1e6 / iterations;
        std::printf("dispatcher=%s sockets=%zu iterations=%d cpu_us_per_iteration=%.2f\n",
            QAbstractEventDispatcher::instance()->metaObject()->className(), sockets.size(), iterations,
            usPerIteration);
        std::fflush(stdout);
        QCoreApplication::quit();
    });
    const auto startIfReady = [&] {
        if (int(sockets.size()) < socketCount) {
            if (int(sockets.size()) == requested) {
                const qint32 batch = std::min(batchSize, socketCount - requested);
                requested += batch;
                send(batch);
            }
            return;
        }
        if (tick.isActive() || iterations > 0) return;
        send(qint32(0));
        startCpu = cpuSeconds();
        tick.start();
    };
    QObject::connect(&server, &QTcpServer::newConnection, &app, [&] {
        while (QTcpSocket *socket = server.nextPendingConnection()) {
            sockets.push_back(socket);
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
        }
        startIfReady();
    });
    QTimer::singleShot(0, &app, startIfReady);
    const int status = QCoreApplication::exec();
    ::close(toClients);
    ::waitpid(child, nullptr, 0);
    return status;
}
