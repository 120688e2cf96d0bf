#pragma once

#include <QByteArray>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

#include <csignal>
#include <memory>
#include <vector>

// Tests that need redis-server skip when it is not installed, unless COMETD_REQUIRE_REDIS=1 (CI sets
// it) makes them fail instead; in initTestCase():  COMETD_REQUIRE_REDIS_SERVER();
#define COMETD_REQUIRE_REDIS_SERVER()                                                                                  \
    do {                                                                                                               \
        if (!RedisServer::available()) {                                                                               \
            if (RedisServer::redisRequired()) QFAIL("redis-server is not installed and COMETD_REQUIRE_REDIS=1");       \
            QSKIP("redis-server is not installed (scripts/setup.sh installs it)");                                     \
        }                                                                                                              \
    } while (false)

// A redis-server (or, as Sentinel, a redis-sentinel) process for tests, on a free port of 127.0.0.1
// (never 6379, where Debian's own daemon may run) with no persistence: started, signalled, restarted
// empty on the same port, stopped; killed when the object goes.
class RedisServer
{
    Q_DISABLE_COPY_MOVE(RedisServer)
public:
    enum class Mode { Server, Sentinel };

    explicit RedisServer(Mode mode = Mode::Server);
    ~RedisServer();

    static bool available(); // redis-server is on the PATH
    // COMETD_REQUIRE_REDIS=1: a test that needs redis-server fails rather than skips without it.
    static bool redisRequired();
    static bool required() { return redisRequired(); }

    // Sentinel mode: the configuration file's lines (sentinel monitor ...); the process rewrites it.
    void setConfig(const QByteArray &lines) { m_config = lines; }

    // Launches on a free port with `extra` arguments (--requirepass secret, --replicaof host port)
    // and waits until it accepts connections; false (see output()) if it does not within 10 s.
    bool start(const QStringList &extra = {});
    // Kills it if it runs, and starts it again on the same port and arguments, with no data.
    bool restart();
    // Sends `signal` (SIGSTOP, SIGCONT, ...); for SIGKILL, waits until the process is gone.
    void kill(int signal = SIGKILL);
    void stop() { kill(SIGKILL); }
    bool isRunning() const;
    qint64 processId() const { return m_process ? m_process->processId() : 0; }

    quint16 port() const { return m_port; }
    QString endpoint() const; // 127.0.0.1:port
    QString url() const; // redis://127.0.0.1:port
    // Everything it printed, for failure messages.
    QByteArray output() const;

private:
    bool launch();

    Mode m_mode;
    QTemporaryDir m_dir;
    QByteArray m_config;
    QStringList m_extra;
    quint16 m_port = 0;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_output;
};

// Redis behind Sentinel on loopback: a master, two replicas and three sentinels watching the master
// as "m" (quorum 2, down after 1 s, failover timeout 3 s).
class SentinelGroup
{
    Q_DISABLE_COPY_MOVE(SentinelGroup)
public:
    SentinelGroup();
    ~SentinelGroup();

    // Returns once the replicas are in sync and every sentinel knows both replicas and the two other
    // sentinels (so that a failover can be agreed on); false, with error(), after 30 s.
    bool start();
    QString error() const { return m_error; }

    QByteArray masterName() const { return QByteArrayLiteral("m"); }
    // The sentinels, as host:port.
    QStringList endpoints() const;
    // The master the group started with.
    quint16 masterPort() const;
    QList<quint16> replicaPorts() const;
    // SIGKILLs the master the group started with: the sentinels promote a replica.
    void killMaster();

private:
    std::vector<std::unique_ptr<RedisServer>> m_servers; // the master first
    std::vector<std::unique_ptr<RedisServer>> m_sentinels;
    QString m_error;
};
