// server/redis against real redis-server processes on loopback ports: replies, pipelining, the
// server killed, restarted empty, unreachable, frozen; AUTH and SELECT; scripts; pub/sub; Sentinel.
#include "eventdispatcher.h"
#include "redisconnection.h"
#include "redisoptions.h"
#include "redisscript.h"
#include "redisserver.h"
#include "redissubscriber.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using Redis::Reply;

namespace Redis {
// For QCOMPARE's failure messages.
char *toString(const Reply &reply)
{
    return qstrdup(reply.toDebugText().constData());
}
} // namespace Redis

namespace {

Reply string(const QByteArray &text)
{
    return { Reply::Type::String, text, 0, {} };
}

Reply integer(qint64 value)
{
    return { Reply::Type::Integer, {}, value, {} };
}

Reply array(const QList<Reply> &elements)
{
    return { Reply::Type::Array, {}, 0, elements };
}

// The reply to one command, waiting for it with the event loop running. The callback may come after
// a timeout, so what it writes to outlives this call.
Reply call(Redis::Connection &connection, const QList<QByteArray> &args, int timeoutMs = 5000)
{
    const auto reply = std::make_shared<std::optional<Reply>>();
    connection.command(args, [reply](const Reply &r) { *reply = r; });
    if (!QTest::qWaitFor([&] { return reply->has_value(); }, timeoutMs)) return Reply::error("TEST no reply in time");
    return **reply;
}

Redis::Options optionsFor(const QString &url)
{
    QString error;
    const std::optional<Redis::Options> options = Redis::parseUrl(url, &error);
    if (!options) qFatal("%s: %s", qPrintable(url), qPrintable(error));
    Redis::Options result = *options;
    result.name = u"test"_s;
    return result;
}

// Records every callback of a batch of commands: how many times each was called, and with what.
struct Tally
{
    explicit Tally(qsizetype n)
        : calls(n, 0)
        , replies(n)
    { }
    Redis::Connection::Callback at(qsizetype i)
    {
        return [this, i](const Reply &reply) {
            ++calls[i];
            replies[i] = reply;
            ++total;
        };
    }
    bool everyOnce() const
    {
        return std::all_of(calls.cbegin(), calls.cend(), [](int c) { return c == 1; });
    }
    bool allDown() const
    {
        return std::all_of(
            replies.cbegin(), replies.cend(), [](const Reply &r) { return r.isError() && r.text.startsWith("DOWN"); });
    }
    QList<int> calls;
    QList<Reply> replies;
    qsizetype total = 0;
};

// Log lines, to show that the password never appears in them.
QStringList g_log;
QtMessageHandler g_previousHandler = nullptr;
void recordLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_log.append(message);
    if (g_previousHandler) g_previousHandler(type, context, message);
}

} // namespace

class tst_RedisConnection : public QObject
{
    Q_OBJECT

    std::unique_ptr<RedisServer> m_server;

    // A connection to m_server, up.
    std::unique_ptr<Redis::Connection> connectTo(const Redis::Options &options)
    {
        auto connection = std::make_unique<Redis::Connection>(options);
        QSignalSpy up(connection.get(), &Redis::Connection::up);
        connection->start();
        if (!up.wait(5000)) return nullptr;
        return connection;
    }

private Q_SLOTS:
    void initTestCase() { COMETD_REQUIRE_REDIS_SERVER(); }

    void init()
    {
        m_server = std::make_unique<RedisServer>();
        QVERIFY2(m_server->start(), m_server->output().constData());
    }

    void cleanup() { m_server.reset(); }

    void parseUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QByteArray>("password");
        QTest::addColumn<int>("db");
        QTest::addRow("host and port") << u"redis://127.0.0.1:6380"_s << true << u"127.0.0.1"_s << 6380 << QByteArray()
                                       << 0;
        QTest::addRow("default port") << u"redis://redis.example"_s << true << u"redis.example"_s << 6379
                                      << QByteArray() << 0;
        QTest::addRow("password and db") << u"redis://:s%40cret@h:7000/3"_s << true << u"h"_s << 7000 << "s@cret"_ba
                                         << 3;
        QTest::addRow("trailing slash") << u"redis://h:7000/"_s << true << u"h"_s << 7000 << QByteArray() << 0;
        QTest::addRow("ipv6") << u"redis://[::1]:7000/1"_s << true << u"::1"_s << 7000 << QByteArray() << 1;
        QTest::addRow("tls scheme") << u"rediss://h:7000"_s << false << QString() << 0 << QByteArray() << 0;
        QTest::addRow("http scheme") << u"http://h:7000"_s << false << QString() << 0 << QByteArray() << 0;
        QTest::addRow("user name") << u"redis://admin:secret@h:7000"_s << false << QString() << 0 << QByteArray() << 0;
        QTest::addRow("db not a number") << u"redis://:secret@h:7000/x"_s << false << QString() << 0 << QByteArray()
                                         << 0;
        QTest::addRow("negative db") << u"redis://h:7000/-1"_s << false << QString() << 0 << QByteArray() << 0;
        QTest::addRow("deeper path") << u"redis://h:7000/1/2"_s << false << QString() << 0 << QByteArray() << 0;
        QTest::addRow("no host") << u"redis://:7000"_s << false << QString() << 0 << QByteArray() << 0;
        QTest::addRow("port out of range")
            << u"redis://:secret@h:70000"_s << false << QString() << 0 << QByteArray() << 0;
        QTest::addRow("query") << u"redis://h:7000?db=1"_s << false << QString() << 0 << QByteArray() << 0;
        QTest::addRow("not a url") << u"secret"_s << false << QString() << 0 << QByteArray() << 0;
    }

    void parseUrl()
    {
        QFETCH(QString, url);
        QFETCH(bool, valid);
        QString error;
        const std::optional<Redis::Options> options = Redis::parseUrl(url, &error);
        QCOMPARE(options.has_value(), valid);
        if (!valid) {
            QVERIFY(!error.isEmpty());
            QVERIFY2(!error.contains(u"secret"_s), qPrintable(error)); // never repeats the password
            return;
        }
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QByteArray, password);
        QFETCH(int, db);
        QCOMPARE(options->server.host, host);
        QCOMPARE(options->server.port, port);
        QCOMPARE(options->password, password);
        QCOMPARE(options->db, db);
    }

    void parseEndpoint_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addRow("host:port") << u"sentinel-1:26380"_s << true << u"sentinel-1"_s << 26380;
        QTest::addRow("host alone") << u"10.0.0.7"_s << true << u"10.0.0.7"_s << 26379;
        QTest::addRow("ipv6") << u"[::1]:26380"_s << true << u"::1"_s << 26380;
        QTest::addRow("empty") << QString() << false << QString() << 0;
        QTest::addRow("port out of range") << u"h:99999"_s << false << QString() << 0;
        QTest::addRow("user info") << u"a@h:1"_s << false << QString() << 0;
    }

    void parseEndpoint()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QString error;
        const std::optional<Redis::Endpoint> endpoint = Redis::parseEndpoint(text, 26379, &error);
        QCOMPARE(endpoint.has_value(), valid);
        if (!valid) {
            QVERIFY(!error.isEmpty());
            return;
        }
        QFETCH(QString, host);
        QFETCH(int, port);
        QCOMPARE(endpoint->host, host);
        QCOMPARE(endpoint->port, port);
    }

    void replyTypes()
    {
        const auto redis = connectTo(optionsFor(m_server->url()));
        QVERIFY(redis);
        QVERIFY(redis->isUp());
        QCOMPARE(redis->server().port, m_server->port());

        const Reply set = call(*redis, { "SET", "k", QByteArray("a\0b\r\nc", 6) });
        QCOMPARE(set.type, Reply::Type::Status);
        QVERIFY(set.isOk());
        QCOMPARE(call(*redis, { "GET", "k" }), string(QByteArray("a\0b\r\nc", 6))); // binary-safe
        QVERIFY(call(*redis, { "GET", "missing" }).isNil());
        QCOMPARE(call(*redis, { "INCR", "n" }), integer(1));
        QCOMPARE(call(*redis, { "INCRBY", "n", "-5" }), integer(-4));

        const Reply error = call(*redis, { "INCR", "k" });
        QVERIFY(error.isError());
        QVERIFY2(error.text.startsWith("ERR"), error.text.constData());
        QVERIFY(call(*redis, { "NOSUCHCOMMAND" }).isError());

        QCOMPARE(call(*redis, { "LRANGE", "missing", "0", "-1" }), array({}));
        const Reply nested = call(*redis, { "EVAL", "return {1, 'two', {3, {'four'}}, {}}", "0" });
        QCOMPARE(
            nested, array({ integer(1), string("two"), array({ integer(3), array({ string("four") }) }), array({}) }));
        // A nil inside an array.
        call(*redis, { "SET", "a", "1" });
        QCOMPARE(call(*redis, { "MGET", "a", "missing" }), array({ string("1"), Reply() }));
        QCOMPARE(call(*redis, { "PING" }).text, "PONG"_ba);
    }

    void pipelining()
    {
        const auto redis = connectTo(optionsFor(m_server->url()));
        QVERIFY(redis);
        constexpr int N = 10000;
        QList<qint64> seen;
        seen.reserve(N);
        int errors = 0;
        for (int i = 0; i < N; ++i) {
            redis->command({ "INCR", "counter" }, [&seen, &errors](const Reply &reply) {
                if (reply.isError()) ++errors;
                seen.append(reply.integer);
            });
        }
        QVERIFY(seen.isEmpty()); // nothing is called from inside command()
        QTRY_COMPARE_WITH_TIMEOUT(seen.size(), N, 20000);
        QCOMPARE(errors, 0);
        for (int i = 0; i < N; ++i)
            QCOMPARE(seen.at(i), i + 1); // each once, in order
        QCOMPARE(call(*redis, { "GET", "counter" }), string(QByteArray::number(N)));
        QTest::qWait(50);
        QCOMPARE(seen.size(), N); // and no second call
    }

    void commandsWhileDown()
    {
        Redis::Connection redis(optionsFor(m_server->url())); // not started
        std::optional<Reply> reply;
        redis.command({ "PING" }, [&reply](const Reply &r) { reply = r; });
        QVERIFY(!reply); // never from inside command()
        QTRY_VERIFY(reply.has_value());
        QVERIFY(reply->isError());
        QVERIFY2(reply->text.startsWith("DOWN"), reply->text.constData());

        // SUBSCRIBE has one reply per channel: not a command for Connection.
        redis.start();
        QTRY_VERIFY(redis.isUp());
        QVERIFY(call(redis, { "subscribe", "x" }).text.startsWith("DOWN"));
        QCOMPARE(call(redis, { "PING" }).text, "PONG"_ba);
    }

    void serverKilledThenRestartedEmpty()
    {
        const auto redis = connectTo(optionsFor(m_server->url()));
        QVERIFY(redis);
        QVERIFY(call(*redis, { "SET", "k", "v" }).isOk());

        // BLPOP blocks the connection on the server side: everything behind it waits for a reply.
        Tally tally(101);
        redis->command({ "BLPOP", "nothing", "0" }, tally.at(0));
        for (int i = 1; i < 101; ++i)
            redis->command({ "GET", "k" }, tally.at(i));
        QTest::qWait(100);
        QCOMPARE(tally.total, 0);

        QSignalSpy down(redis.get(), &Redis::Connection::down);
        QSignalSpy up(redis.get(), &Redis::Connection::up);
        QSignalSpy failed(redis.get(), &Redis::Connection::connectFailed);
        m_server->kill(SIGKILL);
        QTRY_COMPARE_WITH_TIMEOUT(down.size(), 1, 5000);
        QVERIFY(!redis->isUp());
        QCOMPARE(tally.total, 101);
        QVERIFY(tally.everyOnce());
        QVERIFY(tally.allDown());
        QVERIFY(call(*redis, { "GET", "k" }).text.startsWith("DOWN"));

        // Let the backoff reach its cap (100, 200, 400, 800, 1000 ms) before Redis comes back.
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() >= 6, 15000);
        QVERIFY2(failed.last().at(0).toString().contains(QString::number(m_server->port())),
            qPrintable(failed.last().at(0).toString()));
        QVERIFY(m_server->restart());
        QVERIFY(up.wait(2000)); // the cap is 1 s
        QCOMPARE(down.size(), 1);
        QVERIFY(call(*redis, { "GET", "k" }).isNil()); // restarted empty
        QVERIFY(call(*redis, { "SET", "k", "v2" }).isOk());
        QCOMPARE(tally.total, 101);
    }

    void unreachableAtStart()
    {
        const QString url = m_server->url();
        m_server->stop();
        Redis::Connection redis(optionsFor(url));
        QSignalSpy up(&redis, &Redis::Connection::up);
        QSignalSpy failed(&redis, &Redis::Connection::connectFailed);
        redis.start();
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() >= 4, 10000); // keeps trying
        QVERIFY(!redis.isUp());
        QCOMPARE(up.size(), 0);
        QVERIFY(m_server->restart());
        QVERIFY(up.wait(2000));
        QCOMPARE(call(redis, { "PING" }).text, "PONG"_ba);
    }

    void frozenServerAtConnect()
    {
        // The kernel accepts the TCP connection of a stopped server; only the timeout ends the wait.
        m_server->kill(SIGSTOP);
        Redis::Options options = optionsFor(m_server->url());
        options.connectTimeoutMs = 300;
        Redis::Connection redis(options);
        QSignalSpy up(&redis, &Redis::Connection::up);
        QSignalSpy failed(&redis, &Redis::Connection::connectFailed);
        redis.start();
        QVERIFY(failed.wait(3000));
        QVERIFY2(failed.at(0).at(0).toString().contains(u"no answer in 300 ms"_s),
            qPrintable(failed.at(0).at(0).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() >= 3, 5000); // and it keeps trying
        QVERIFY(!redis.isUp());
        m_server->kill(SIGCONT);
        QVERIFY(up.wait(3000));
        QCOMPARE(call(redis, { "PING" }).text, "PONG"_ba);
    }

    void frozenServerWhileUp()
    {
        Redis::Options options = optionsFor(m_server->url());
        options.pingIntervalMs = 100;
        options.replyTimeoutMs = 1000;
        options.connectTimeoutMs = 300;
        const auto redis = connectTo(options);
        QVERIFY(redis);
        QSignalSpy down(redis.get(), &Redis::Connection::down);
        QSignalSpy up(redis.get(), &Redis::Connection::up);

        m_server->kill(SIGSTOP);
        std::optional<Reply> reply;
        redis->command({ "GET", "k" }, [&reply](const Reply &r) { reply = r; });
        QVERIFY(down.wait(4000)); // instead of hanging for ever
        QVERIFY(reply.has_value());
        QVERIFY2(reply->text.startsWith("DOWN no reply in"), reply->text.constData());

        m_server->kill(SIGCONT);
        QVERIFY(up.wait(3000));
        QVERIFY(call(*redis, { "GET", "k" }).isNil());
    }

    void passwordAndDatabase()
    {
        g_log.clear();
        g_previousHandler = qInstallMessageHandler(recordLog);
        const auto restoreHandler = qScopeGuard([] { qInstallMessageHandler(g_previousHandler); });

        RedisServer secured;
        QVERIFY2(secured.start({ u"--requirepass"_s, u"pw-s3cret"_s }), secured.output().constData());
        const QString base = u"redis://:pw-s3cret@127.0.0.1:%1"_s.arg(secured.port());

        const auto db3 = connectTo(optionsFor(base + u"/3"_s));
        QVERIFY(db3);
        QVERIFY(call(*db3, { "SET", "k", "in three" }).isOk());
        const auto db0 = connectTo(optionsFor(base));
        QVERIFY(db0);
        QVERIFY(call(*db0, { "GET", "k" }).isNil());
        QCOMPARE(call(*db3, { "GET", "k" }), string("in three"));

        // A wrong password: attempts fail with Redis' word for it, and never come up.
        Redis::Connection wrong(optionsFor(u"redis://:pw-wr0ng@127.0.0.1:%1/3"_s.arg(secured.port())));
        QSignalSpy failed(&wrong, &Redis::Connection::connectFailed);
        wrong.start();
        QVERIFY(failed.wait(3000));
        const QString reason = failed.at(0).at(0).toString();
        QVERIFY2(reason.contains(u"AUTH failed"_s), qPrintable(reason));
        QVERIFY(!wrong.isUp());
        // No password on a server that wants one.
        Redis::Connection none(optionsFor(u"redis://127.0.0.1:%1"_s.arg(secured.port())));
        QSignalSpy noneFailed(&none, &Redis::Connection::connectFailed);
        none.start();
        QVERIFY(noneFailed.wait(3000));
        QVERIFY(!none.isUp());

        for (const QString &line : std::as_const(g_log)) {
            QVERIFY2(!line.contains(u"s3cret"_s) && !line.contains(u"wr0ng"_s), qPrintable(line));
        }
    }

    void destroyedWithCommandsInFlight()
    {
        Redis::Options options = optionsFor(m_server->url());
        auto redis = connectTo(options);
        QVERIFY(redis);
        Tally tally(50);
        redis->command({ "BLPOP", "nothing", "0" }, tally.at(0));
        for (int i = 1; i < 50; ++i)
            redis->command({ "PING" }, tally.at(i));
        QTest::qWait(50);
        redis.reset();
        QCOMPARE(tally.total, 50); // answered by the destructor
        QVERIFY(tally.everyOnce());
        QVERIFY(tally.allDown());
    }

    void destroyedFromItsOwnCallback()
    {
        // hiredis is in the middle of its reply loop when the first callback destroys the Connection.
        auto redis = connectTo(optionsFor(m_server->url()));
        QVERIFY(redis);
        Tally tally(20);
        int destroyedAt = -1;
        for (int i = 0; i < 20; ++i) {
            redis->command({ "PING" }, [&, i, record = tally.at(i)](const Reply &reply) {
                record(reply);
                if (i == 0) {
                    destroyedAt = i;
                    redis.reset();
                }
            });
        }
        QTRY_COMPARE(tally.total, 20);
        QCOMPARE(destroyedAt, 0);
        QVERIFY(tally.everyOnce());
        QCOMPARE(tally.replies.at(0).text, "PONG"_ba);
        QTest::qWait(50); // the deferred deletion runs; nothing else is called
        QCOMPARE(tally.total, 20);
    }

    void destroyedWhenDown()
    {
        auto redis = connectTo(optionsFor(m_server->url()));
        QVERIFY(redis);
        bool downSeen = false;
        connect(redis.get(), &Redis::Connection::down, this, [&] {
            downSeen = true;
            redis.reset();
        });
        m_server->kill(SIGKILL);
        QTRY_VERIFY(downSeen);
        QVERIFY(!redis);
        QTest::qWait(200);
    }

    void scriptReloadsWhenForgotten()
    {
        const auto redis = connectTo(optionsFor(m_server->url()));
        QVERIFY(redis);
        const Redis::Script script("return ARGV[1] .. ':' .. redis.call('INCR', KEYS[1])");
        QCOMPARE(call(*redis, { "SCRIPT", "LOAD", script.source() }), string(script.sha1())); // the same SHA1

        auto run = [&](const QByteArray &arg) {
            const auto reply = std::make_shared<std::optional<Reply>>();
            script.run(*redis, { "n" }, { arg }, [reply](const Reply &r) { *reply = r; });
            if (!QTest::qWaitFor([&] { return reply->has_value(); }, 5000))
                return Reply::error("TEST no reply in time");
            return **reply;
        };
        QCOMPARE(run("a"), string("a:1"));
        QVERIFY(call(*redis, { "SCRIPT", "FLUSH" }).isOk());
        QCOMPARE(run("b"), string("b:2")); // NOSCRIPT, loaded again, run

        // Restarted empty: the script is gone with the data.
        QSignalSpy up(redis.get(), &Redis::Connection::up);
        QVERIFY(m_server->restart());
        QVERIFY(up.wait(3000));
        QCOMPARE(call(*redis, { "SCRIPT", "EXISTS", script.sha1() }), array({ integer(0) }));
        QCOMPARE(run("c"), string("c:1"));
        QCOMPARE(call(*redis, { "SCRIPT", "EXISTS", script.sha1() }), array({ integer(1) }));

        // A script error reaches the caller as it is.
        const Redis::Script broken("return redis.call('NOSUCHCOMMAND')");
        const auto reply = std::make_shared<std::optional<Reply>>();
        broken.run(*redis, {}, {}, [reply](const Reply &r) { *reply = r; });
        QTRY_VERIFY(reply->has_value());
        QVERIFY((*reply)->isError());
        QVERIFY(!(*reply)->text.startsWith("NOSCRIPT"));
    }

    void subscriberResubscribes()
    {
        const auto redis = connectTo(optionsFor(m_server->url()));
        QVERIFY(redis);
        Redis::Options options = optionsFor(m_server->url());
        Redis::Subscriber subscriber(options, { "alpha", "beta", "alpha" });
        QCOMPARE(subscriber.channels(), (QList<QByteArray> { "alpha", "beta" }));
        QSignalSpy up(&subscriber, &Redis::Subscriber::up);
        QSignalSpy down(&subscriber, &Redis::Subscriber::down);
        QSignalSpy messages(&subscriber, &Redis::Subscriber::message);
        subscriber.start();
        QVERIFY(up.wait(5000));
        QVERIFY(subscriber.isUp());

        QCOMPARE(call(*redis, { "PUBLISH", "alpha", "one" }), integer(1));
        const QByteArray binary("\0\r\n{}", 5);
        QCOMPARE(call(*redis, { "PUBLISH", "beta", binary }), integer(1));
        QCOMPARE(call(*redis, { "PUBLISH", "gamma", "not ours" }), integer(0));
        QTRY_COMPARE(messages.size(), 2);
        QCOMPARE(messages.at(0), (QVariantList { "alpha"_ba, "one"_ba }));
        QCOMPARE(messages.at(1), (QVariantList { "beta"_ba, binary }));

        // The liveness probe (a channel subscribed again) neither drops nor duplicates anything.
        QTest::qWait(2500);
        QCOMPARE(down.size(), 0);
        QCOMPARE(up.size(), 1);

        QSignalSpy redisUp(redis.get(), &Redis::Connection::up);
        QVERIFY(m_server->restart());
        QTRY_COMPARE_WITH_TIMEOUT(down.size(), 1, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(up.size(), 2, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(redisUp.size(), 1, 3000);
        QCOMPARE(call(*redis, { "PUBLISH", "alpha", "two" }), integer(1));
        QTRY_COMPARE(messages.size(), 3);
        QCOMPARE(messages.at(2), (QVariantList { "alpha"_ba, "two"_ba }));
    }

    void frozenSubscriberServer()
    {
        Redis::Options options = optionsFor(m_server->url());
        options.pingIntervalMs = 100;
        options.replyTimeoutMs = 1000;
        options.connectTimeoutMs = 300;
        Redis::Subscriber subscriber(options, { "alpha" });
        QSignalSpy up(&subscriber, &Redis::Subscriber::up);
        QSignalSpy down(&subscriber, &Redis::Subscriber::down);
        subscriber.start();
        QVERIFY(up.wait(5000));
        m_server->kill(SIGSTOP);
        QVERIFY(down.wait(4000));
        m_server->kill(SIGCONT);
        QVERIFY(up.wait(3000));
    }

    void sentinelFailover()
    {
        SentinelGroup group;
        QVERIFY2(group.start(), qPrintable(group.error()));

        Redis::Options options;
        options.name = u"sentinel test"_s;
        options.master = group.masterName();
        for (const QString &endpoint : group.endpoints()) {
            QString error;
            const std::optional<Redis::Endpoint> parsed = Redis::parseEndpoint(endpoint, 26379, &error);
            QVERIFY2(parsed, qPrintable(error));
            options.sentinels.append(*parsed);
        }
        // The first sentinel listed is not there: the next ones are asked.
        options.sentinels.prepend({ u"127.0.0.1"_s, 1 });

        const auto redis = connectTo(options);
        QVERIFY(redis);
        QCOMPARE(redis->server().port, group.masterPort());
        QVERIFY(call(*redis, { "SET", "k", "v" }).isOk());
        Redis::Subscriber subscriber(options, { "events" });
        QSignalSpy subscriberUp(&subscriber, &Redis::Subscriber::up);
        QSignalSpy messages(&subscriber, &Redis::Subscriber::message);
        subscriber.start();
        QVERIFY(subscriberUp.wait(5000));

        QSignalSpy down(redis.get(), &Redis::Connection::down);
        QSignalSpy up(redis.get(), &Redis::Connection::up);
        QElapsedTimer sinceKill;
        sinceKill.start();
        group.killMaster();
        QTRY_COMPARE_WITH_TIMEOUT(down.size(), 1, 3000);
        QVERIFY(up.wait(int(std::max<qint64>(1, 10000 - sinceKill.elapsed()))));
        qInfo() << "back on the promoted replica after" << sinceKill.elapsed() << "ms";
        QVERIFY(group.replicaPorts().contains(redis->server().port));
        QCOMPARE(call(*redis, { "ROLE" }).elements.value(0).text, "master"_ba);
        QVERIFY(call(*redis, { "SET", "k2", "v2" }).isOk());
        QCOMPARE(call(*redis, { "GET", "k2" }), string("v2"));

        QTRY_VERIFY_WITH_TIMEOUT(subscriberUp.size() == 2, 10000);
        QCOMPARE(subscriber.server().port, redis->server().port);
        QCOMPARE(call(*redis, { "PUBLISH", "events", "after failover" }), integer(1));
        QTRY_COMPARE(messages.size(), 1);
    }
};

int main(int argc, char **argv)
{
    EventLoop::installFromEnvironment();
    QCoreApplication app(argc, argv);
    tst_RedisConnection test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_redisconnection.moc"
