#include "httpresponder.h"
#include "router.h"

#include <QTest>

using Http::Method;
using Http::Router;

class tst_Router : public QObject
{
    Q_OBJECT

private:
    static Router makeRouter()
    {
        Router r;
        const auto noop = [](Http::Request &&, Http::Responder &&, const Router::Params &) {};
        r.add({ Method::Get }, u"/rest/gettoken/{}", noop);
        r.add({ Method::Get }, u"/rest/haschannel", noop);
        r.add({ Method::Post }, u"/rest/sendprivatemessage", noop, Router::Access::Protected);
        r.add({ Method::Get, Method::Post }, u"/cometd/cometd", noop);
        r.add({ Method::Get }, u"/a/{}/c", noop);
        r.add({ Method::Get }, u"/a/b/c", noop);
        return r;
    }

    static QList<QString> split(const QString &path) { return Router::splitPattern(path); }

private slots:
    void match_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status"); // 200 = matched
        QTest::addColumn<QStringList>("params");

        QTest::addRow("param") << int(Method::Get) << QStringLiteral("/rest/gettoken/exo1") << 200
                               << QStringList { QStringLiteral("exo1") };
        QTest::addRow("param keeps encoded slash") << int(Method::Get) << QStringLiteral("/rest/gettoken/a%2Fb") << 200
                                                   << QStringList { QStringLiteral("a%2Fb") };
        QTest::addRow("no param") << int(Method::Get) << QStringLiteral("/rest/haschannel") << 200 << QStringList {};
        QTest::addRow("HEAD served by GET")
            << int(Method::Head) << QStringLiteral("/rest/haschannel") << 200 << QStringList {};
        QTest::addRow("wrong method is 405")
            << int(Method::Get) << QStringLiteral("/rest/sendprivatemessage") << 405 << QStringList {};
        QTest::addRow("unknown path is 404")
            << int(Method::Get) << QStringLiteral("/rest/nothing") << 404 << QStringList {};
        QTest::addRow("too many segments is 404")
            << int(Method::Get) << QStringLiteral("/rest/gettoken/a/b") << 404 << QStringList {};
        QTest::addRow("missing param is 404")
            << int(Method::Get) << QStringLiteral("/rest/gettoken") << 404 << QStringList {};
        QTest::addRow("literal beats param") << int(Method::Get) << QStringLiteral("/a/b/c") << 200 << QStringList {};
        QTest::addRow("param when literal differs")
            << int(Method::Get) << QStringLiteral("/a/x/c") << 200 << QStringList { QStringLiteral("x") };
        QTest::addRow("two methods") << int(Method::Post) << QStringLiteral("/cometd/cometd") << 200 << QStringList {};
    }

    void match()
    {
        QFETCH(int, method);
        QFETCH(QString, path);
        QFETCH(int, status);
        QFETCH(QStringList, params);
        const Router router = makeRouter();
        const auto result = router.match(Method(method), split(path));
        if (status == 200) {
            const auto *m = std::get_if<Router::Match>(&result);
            QVERIFY(m);
            QCOMPARE(QStringList(m->params), params);
        } else {
            const auto *miss = std::get_if<Router::NoMatch>(&result);
            QVERIFY(miss);
            QCOMPARE(miss->status, status);
        }
    }

    void emptySegmentIsAParameter()
    {
        // "/rest/gettoken//" reaches the handler with an empty user, which answers 400 (SPEC §2)
        const Router router = makeRouter();
        const auto result
            = router.match(Method::Get, { QStringLiteral("rest"), QStringLiteral("gettoken"), QString() });
        const auto *m = std::get_if<Router::Match>(&result);
        QVERIFY(m);
        QCOMPARE(m->params, QList<QString> { QString() });
    }

    void notAllowedListsMethods()
    {
        const Router router = makeRouter();
        const auto result = router.match(Method::Put, split(QStringLiteral("/cometd/cometd")));
        const auto *miss = std::get_if<Router::NoMatch>(&result);
        QVERIFY(miss);
        QCOMPARE(miss->status, 405);
        QVERIFY(miss->allowed.contains(Method::Get));
        QVERIFY(miss->allowed.contains(Method::Post));
        QVERIFY(miss->open);
    }
};

QTEST_GUILESS_MAIN(tst_Router)
#include "tst_router.moc"
