// Rest::Credentials: the Authorization header of the delivery API, gettoken with tokenIssue apiKey,
// the admin API and the balancer's API (all go through it).
#include "credentials.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {
Http::Request requestWith(const QByteArray &authorization, const QHostAddress &peer = QHostAddress::LocalHost)
{
    Http::Request request;
    request.peer = peer;
    if (!authorization.isNull()) request.headers.append({ QByteArrayLiteral("Authorization"), authorization });
    return request;
}
} // namespace

class tst_Credentials : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void withKey_data()
    {
        QTest::addColumn<QByteArray>("authorization"); // null: no header
        QTest::addColumn<bool>("allowed");
        QTest::addRow("Bearer") << QByteArray("Bearer k3y") << true;
        QTest::addRow("bearer") << QByteArray("bearer k3y") << true;
        QTest::addRow("BEARER") << QByteArray("BEARER k3y") << true;
        QTest::addRow("bEaReR") << QByteArray("bEaReR k3y") << true;
        QTest::addRow("several spaces after the scheme") << QByteArray("Bearer   k3y") << true;
        QTest::addRow("trailing blanks") << QByteArray("bearer k3y  ") << true;
        QTest::addRow("wrong key") << QByteArray("Bearer k3z") << false;
        QTest::addRow("wrong key, lower-case scheme") << QByteArray("bearer k3z") << false;
        QTest::addRow("key prefix") << QByteArray("Bearer k3") << false;
        QTest::addRow("key with suffix") << QByteArray("Bearer k3yy") << false;
        QTest::addRow("Basic") << QByteArray("Basic xyz") << false;
        QTest::addRow("Basic with the key") << QByteArray("Basic k3y") << false;
        QTest::addRow("no space after the scheme") << QByteArray("Bearerk3y") << false;
        QTest::addRow("tab instead of space") << QByteArray("Bearer\tk3y") << false;
        QTest::addRow("scheme only") << QByteArray("Bearer") << false;
        QTest::addRow("scheme and spaces") << QByteArray("Bearer   ") << false;
        QTest::addRow("key alone") << QByteArray("k3y") << false;
        QTest::addRow("empty header") << QByteArray("") << false;
        QTest::addRow("no header") << QByteArray() << false;
    }
    void withKey()
    {
        QFETCH(QByteArray, authorization);
        QFETCH(bool, allowed);
        const Rest::Credentials credentials("k3y");
        QVERIFY(credentials.hasKey());
        QCOMPARE(credentials.allows(requestWith(authorization)), allowed);
        // A configured key is required from loopback callers too.
        QCOMPARE(credentials.allows(requestWith(authorization, QHostAddress(u"192.0.2.7"_s))), allowed);
    }

    void withoutKeyOnlyLoopback()
    {
        const Rest::Credentials credentials({});
        QVERIFY(!credentials.hasKey());
        QVERIFY(credentials.allows(requestWith({})));
        QVERIFY(credentials.allows(requestWith({}, QHostAddress::LocalHostIPv6)));
        QVERIFY(!credentials.allows(requestWith({}, QHostAddress(u"192.0.2.7"_s))));
        QVERIFY(!credentials.allows(requestWith("bearer anything", QHostAddress(u"192.0.2.7"_s))));
    }

    void bearerToken()
    {
        const auto tokenOf = [](QByteArrayView header) {
            const auto token = Rest::bearerToken(header);
            return token ? token->toByteArray() : QByteArray("<none>");
        };
        QCOMPARE(tokenOf("bearer  abc"), QByteArray("abc"));
        QCOMPARE(tokenOf("Bearer abc def"), QByteArray("abc def")); // compared whole, so never a key
        QCOMPARE(tokenOf("Bearers abc"), QByteArray("<none>"));
        QCOMPARE(tokenOf("Basic abc"), QByteArray("<none>"));
    }
};

QTEST_GUILESS_MAIN(tst_Credentials)
#include "tst_credentials.moc"
