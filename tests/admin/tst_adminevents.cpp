// The admin events stream against a console that stops reading: it is dropped once more than its
// budget (beyond its snapshot) waits for it, instead of the events piling up in the balancer.
#include "adminevents.h"
#include "livestats.h"
#include "memoryclusterstate.h"
#include "websocket.h"

#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

class tst_AdminEvents : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void consoleThatStopsReadingIsDropped_data()
    {
        QTest::addColumn<bool>("reads");
        QTest::addRow("reading console stays") << true;
        QTest::addRow("stalled console is dropped") << false;
    }

    void consoleThatStopsReadingIsDropped()
    {
        QFETCH(bool, reads);
        int fds[2];
        QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
        // Small kernel buffers, so that what waits is the balancer's, not the kernel's.
        const int small = 4096;
        ::setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
        ::setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small);

        Balancer::MemoryClusterState state({ NodeConfig::NodeEntry { u"1"_s, QUrl(u"http://127.0.0.1:1"_s), 10 } });
        Admin::LiveStats stats;
        Admin::AdminEvents events(&state, &stats, [] { return QJsonObject { { u"type"_s, u"snapshot"_s } }; });
        events.setMaxOutgoingBytes(8192);
        auto *console = new Http::WebSocket(fds[0], Http::Request {}, 65536);
        QSignalSpy gone(console, &Http::WebSocket::disconnected);
        events.adopt(console);
        console->start({});
        QCOMPARE(events.clientCount(), 1);

        qint64 drained = 0;
        char buffer[65536];
        for (int i = 0; i < 2000 && events.clientCount() == 1; ++i) {
            if (i % 2)
                state.undrain(u"1"_s);
            else
                state.drain(u"1"_s);
            if (reads) {
                for (ssize_t n; (n = ::read(fds[1], buffer, sizeof buffer)) > 0;)
                    drained += n;
                QCoreApplication::processEvents(); // the write notifier's turn
            }
        }
        if (reads) {
            QCOMPARE(events.clientCount(), 1);
            QVERIFY(drained > 2000 * 100); // every node event went out
        } else {
            QCOMPARE(events.clientCount(), 0);
            QCOMPARE(gone.size(), 1);
        }
        ::close(fds[1]);
    }
};

QTEST_GUILESS_MAIN(tst_AdminEvents)
#include "tst_adminevents.moc"
