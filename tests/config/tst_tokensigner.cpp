#include "tokensigner.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

const QByteArray Secret = "test-secret-0123456789";

// A clock the test moves by hand.
struct FakeClock
{
    std::shared_ptr<std::chrono::system_clock::time_point> now
        = std::make_shared<std::chrono::system_clock::time_point>(
            std::chrono::sys_days { std::chrono::year(2024) / 1 / 1 });

    TokenSigner::Clock clock() const
    {
        return [now = now] { return *now; };
    }
    void advance(std::chrono::seconds by) { *now += by; }
};

QString flipChar(const QString &token, qsizetype index)
{
    QString result = token;
    const QChar c = result.at(index);
    result[index] = c == u'A' ? u'B' : u'A';
    return result;
}

} // namespace

class TestTokenSigner : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addRow("ascii") << u"exo1"_s;
        QTest::addRow("space and punctuation") << u"john doe@example.com/x?y"_s;
        QTest::addRow("dot and equals") << u"a.b=c"_s;
        QTest::addRow("cyrillic") << u"пользователь"_s;
        QTest::addRow("cjk and emoji") << u"用户😀"_s;
        QTest::addRow("256 bytes") << QString(256, u'x');
    }
    void roundTrip()
    {
        QFETCH(QString, user);
        const TokenSigner signer(Secret, 3600s);
        const QString token = signer.issue(user);
        QVERIFY(!token.isEmpty());
        QCOMPARE(signer.verify(user, token), TokenCheck::Valid);
        // Another process with the same secret accepts it: no shared state.
        const TokenSigner other(Secret, 60s);
        QCOMPARE(other.verify(user, token), TokenCheck::Valid);
        // Safe in a URL path or query without escaping.
        for (const QChar c : token)
            QVERIFY2(c.isLetterOrNumber() || c == u'-' || c == u'_' || c == u'.', qPrintable(token));
    }

    void tokensDiffer()
    {
        const TokenSigner signer(Secret, 3600s);
        QVERIFY(signer.issue(u"exo1"_s) != signer.issue(u"exo1"_s));
    }

    void expiry()
    {
        FakeClock clock;
        const TokenSigner signer(Secret, 100s, clock.clock());
        const QString token = signer.issue(u"exo1"_s);
        clock.advance(99s);
        QCOMPARE(signer.verify(u"exo1"_s, token), TokenCheck::Valid);
        clock.advance(1s);
        QCOMPARE(signer.verify(u"exo1"_s, token), TokenCheck::Expired);
        clock.advance(1000s);
        QCOMPARE(signer.verify(u"exo1"_s, token), TokenCheck::Expired);
    }

    void wrongUser_data()
    {
        QTest::addColumn<QString>("issuedFor");
        QTest::addColumn<QString>("presentedBy");
        QTest::addRow("other user") << u"exo1"_s << u"exo2"_s;
        QTest::addRow("prefix") << u"exo1"_s << u"exo"_s;
        QTest::addRow("longer") << u"exo"_s << u"exo1"_s;
        QTest::addRow("case") << u"Exo1"_s << u"exo1"_s;
        QTest::addRow("empty user") << u"exo1"_s << QString();
        QTest::addRow("unicode normalisation is not applied") << u"é"_s << u"e\u0301"_s;
    }
    void wrongUser()
    {
        QFETCH(QString, issuedFor);
        QFETCH(QString, presentedBy);
        const TokenSigner signer(Secret, 3600s);
        QCOMPARE(signer.verify(presentedBy, signer.issue(issuedFor)), TokenCheck::WrongUser);
    }

    void wrongSecret()
    {
        const TokenSigner signer(Secret, 3600s);
        const TokenSigner other("another secret", 3600s);
        QCOMPARE(other.verify(u"exo1"_s, signer.issue(u"exo1"_s)), TokenCheck::BadSignature);
    }

    void tampering()
    {
        const TokenSigner signer(Secret, 3600s);
        const QString token = signer.issue(u"exo1"_s);
        const qsizetype dot = token.indexOf(u'.');
        // Every character of the payload and of the mac, except each part's last one (whose low bits
        // carry no data and so make a non-canonical spelling instead).
        for (qsizetype i = 0; i < token.size(); ++i) {
            if (i == dot || i == dot - 1 || i == token.size() - 1) continue;
            const TokenCheck check = signer.verify(u"exo1"_s, flipChar(token, i));
            QVERIFY2(check == TokenCheck::BadSignature,
                qPrintable(u"flipped at %1: %2"_s.arg(i).arg(tokenCheckName(check))));
        }
        QVERIFY(signer.verify(u"exo1"_s, flipChar(token, dot - 1)) != TokenCheck::Valid);
        QVERIFY(signer.verify(u"exo1"_s, flipChar(token, token.size() - 1)) != TokenCheck::Valid);
    }

    void swappedParts()
    {
        // A valid token for another user with its mac: the mac binds the user.
        const TokenSigner signer(Secret, 3600s);
        const QString a = signer.issue(u"exo1"_s);
        const QString b = signer.issue(u"exo2"_s);
        const QString mixed = a.section(u'.', 0, 0) + u'.' + b.section(u'.', 1, 1);
        QCOMPARE(signer.verify(u"exo1"_s, mixed), TokenCheck::BadSignature);
    }

    void malformed_data()
    {
        const TokenSigner signer(Secret, 3600s);
        const QString token = signer.issue(u"exo1"_s);
        const QString payload = token.section(u'.', 0, 0);
        const QString mac = token.section(u'.', 1, 1);
        QTest::addColumn<QString>("token");
        QTest::addRow("empty") << QString();
        QTest::addRow("no dot") << payload + mac;
        QTest::addRow("two dots") << payload + u'.' + mac + u".x"_s;
        QTest::addRow("only a dot") << u"."_s;
        QTest::addRow("empty payload") << u'.' + mac;
        QTest::addRow("empty mac") << payload + u'.';
        QTest::addRow("bad base64 in payload") << u"!!!!"_s + payload + u'.' + mac;
        QTest::addRow("bad base64 in mac") << payload + u".*"_s + mac;
        QTest::addRow("standard base64 padding") << payload + u'.' + mac + u"="_s;
        QTest::addRow("short mac") << payload + u'.' + mac.left(20);
        QTest::addRow("non-ascii") << payload + u"é."_s + mac;
        QTest::addRow("blank") << u" "_s + token;
        QTest::addRow("huge") << QString(5000, u'A') + u'.' + mac;
        QTest::addRow("garbage") << u"hello world"_s;
    }
    void malformed()
    {
        QFETCH(QString, token);
        const TokenSigner signer(Secret, 3600s);
        QCOMPARE(signer.verify(u"exo1"_s, token), TokenCheck::Malformed);
    }

    void invalidUsers_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addRow("empty") << QString();
        QTest::addRow("newline") << u"exo\n1"_s;
        QTest::addRow("nul") << QString(u"exo\0"_s);
        QTest::addRow("tab") << u"a\tb"_s;
        QTest::addRow("del") << u"a\x7f"_s;
        QTest::addRow("257 bytes") << QString(257, u'x');
        QTest::addRow("129 two-byte characters") << QString(129, QChar(0xe9));
        QTest::addRow("lone surrogate") << QString(QChar(0xd800));
    }
    void invalidUsers()
    {
        QFETCH(QString, user);
        const TokenSigner signer(Secret, 3600s);
        QVERIFY(!TokenSigner::isValidUser(user));
        QVERIFY(signer.issue(user).isEmpty());
    }

    void generatedSecrets()
    {
        const QByteArray a = TokenSigner::generateSecret();
        const QByteArray b = TokenSigner::generateSecret();
        QCOMPARE(a.size(), 64);
        QVERIFY(a != b);
        QCOMPARE(QByteArray::fromHex(a).size(), 32);
        const TokenSigner signer(a, 60s);
        QCOMPARE(signer.verify(u"exo1"_s, signer.issue(u"exo1"_s)), TokenCheck::Valid);
        QCOMPARE(TokenSigner(b, 60s).verify(u"exo1"_s, signer.issue(u"exo1"_s)), TokenCheck::BadSignature);
    }
};

QTEST_GUILESS_MAIN(TestTokenSigner)
#include "tst_tokensigner.moc"
