#include "channelname.h"

#include <QTest>

using namespace Qt::StringLiterals;
using Bayeux::ChannelName;

class tst_ChannelName : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void metaAndService_data();
    void metaAndService();
    void matchingPatterns_data();
    void matchingPatterns();
    void matches_data();
    void matches();
};

void tst_ChannelName::parse_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("depth");

    const int concrete = int(ChannelName::Kind::Concrete);
    const int wild = int(ChannelName::Kind::Wildcard);
    const int deep = int(ChannelName::Kind::DeepWildcard);
    QTest::addRow("eXo test channel") << u"/eXo/cometd/test"_s << true << concrete << 3;
    QTest::addRow("one segment") << u"/a"_s << true << concrete << 1;
    QTest::addRow("allowed punctuation") << u"/a-b_c!d~e(f)g$h@i.j+k#l{m}"_s << true << concrete << 1;
    QTest::addRow("user as segment") << u"/eXo/Application/john.smith@example.com"_s << true << concrete << 3;
    QTest::addRow("meta connect") << u"/meta/connect"_s << true << concrete << 2;
    QTest::addRow("single wildcard") << u"/a/*"_s << true << wild << 2;
    QTest::addRow("deep wildcard") << u"/a/b/**"_s << true << deep << 3;
    QTest::addRow("root single wildcard") << u"/*"_s << true << wild << 1;
    QTest::addRow("root deep wildcard") << u"/**"_s << true << deep << 1;
    QTest::addRow("empty") << QString() << false << 0 << 0;
    QTest::addRow("slash only") << u"/"_s << false << 0 << 0;
    QTest::addRow("no leading slash") << u"a/b"_s << false << 0 << 0;
    QTest::addRow("trailing slash") << u"/a/"_s << false << 0 << 0;
    QTest::addRow("empty segment") << u"/a//b"_s << false << 0 << 0;
    QTest::addRow("wildcard not last") << u"/a/*/b"_s << false << 0 << 0;
    QTest::addRow("deep wildcard not last") << u"/**/b"_s << false << 0 << 0;
    QTest::addRow("star inside a segment") << u"/a/b*"_s << false << 0 << 0;
    QTest::addRow("triple star") << u"/a/***"_s << false << 0 << 0;
    QTest::addRow("space") << u"/a b"_s << false << 0 << 0;
    QTest::addRow("question mark") << u"/a?b"_s << false << 0 << 0;
    QTest::addRow("non-ASCII letter") << u"/caf\u00e9"_s << false << 0 << 0;
    QTest::addRow("control character") << u"/a\nb"_s << false << 0 << 0;
    QTest::addRow("longest allowed") << (u"/"_s + QString(ChannelName::MaxLength - 1, u'x')) << true << concrete << 1;
    QTest::addRow("too long") << (u"/"_s + QString(ChannelName::MaxLength, u'x')) << false << 0 << 0;
    QTest::addRow("1,024 bytes, deep") << (QString(u"/"_s + QString(7, u'x')).repeated(128)) << true << concrete
                                       << 128; // SPEC §4
    QTest::addRow("1,025 bytes") << (u"/"_s + QString(1024, u'x')) << false << 0 << 0;
    QTest::addRow("1,025 bytes as a pattern") << (u"/"_s + QString(1021, u'x') + u"/**"_s) << false << 0 << 0;
    // 1,024 QChars but more UTF-8 bytes: refused for the character anyway, never for being short.
    QTest::addRow("non-ASCII at the limit") << (u"/"_s + QString(1022, u'x') + u"\u00e9"_s) << false << 0 << 0;
}

void tst_ChannelName::parse()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QFETCH(int, kind);
    QFETCH(int, depth);

    const std::optional<ChannelName> parsed = ChannelName::parse(name);
    QCOMPARE(parsed.has_value(), valid);
    QCOMPARE(ChannelName::isValid(name), valid);
    if (!valid) return;
    QCOMPARE(parsed->toString(), name);
    QCOMPARE(int(parsed->kind()), kind);
    QCOMPARE(parsed->isWildcard(), kind != int(ChannelName::Kind::Concrete));
    QCOMPARE(parsed->depth(), depth);
}

void tst_ChannelName::metaAndService_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("meta");
    QTest::addColumn<bool>("service");

    QTest::addRow("meta root") << u"/meta"_s << true << false;
    QTest::addRow("meta handshake") << u"/meta/handshake"_s << true << false;
    QTest::addRow("meta wildcard") << u"/meta/**"_s << true << false;
    QTest::addRow("service root") << u"/service"_s << false << true;
    QTest::addRow("service child") << u"/service/echo"_s << false << true;
    QTest::addRow("prefix metadata is not meta") << u"/metadata"_s << false << false;
    QTest::addRow("prefix services is not service") << u"/services/x"_s << false << false;
    QTest::addRow("meta below root is not meta") << u"/a/meta"_s << false << false;
    QTest::addRow("broadcast") << u"/eXo/cometd/test"_s << false << false;
}

void tst_ChannelName::metaAndService()
{
    QFETCH(QString, name);
    QFETCH(bool, meta);
    QFETCH(bool, service);
    const auto parsed = ChannelName::parse(name);
    QVERIFY(parsed);
    QCOMPARE(parsed->isMeta(), meta);
    QCOMPARE(parsed->isService(), service);
}

void tst_ChannelName::matchingPatterns_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("patterns");

    QTest::addRow("three segments") << u"/a/b/c"_s << QStringList { u"/a/b/*"_s, u"/a/b/**"_s, u"/a/**"_s, u"/**"_s };
    QTest::addRow("two segments") << u"/a/b"_s << QStringList { u"/a/*"_s, u"/a/**"_s, u"/**"_s };
    QTest::addRow("one segment") << u"/a"_s << QStringList { u"/*"_s, u"/**"_s };
    QTest::addRow("a pattern has none") << u"/a/*"_s << QStringList {};
    QTest::addRow("a deep pattern has none") << u"/a/**"_s << QStringList {};
}

void tst_ChannelName::matchingPatterns()
{
    QFETCH(QString, name);
    QFETCH(QStringList, patterns);
    const auto parsed = ChannelName::parse(name);
    QVERIFY(parsed);
    QCOMPARE(parsed->matchingPatterns(), patterns);
}

void tst_ChannelName::matches_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("channel");
    QTest::addColumn<bool>("expected");

    QTest::addRow("exact name") << u"/a/b"_s << u"/a/b"_s << true;
    QTest::addRow("other name") << u"/a/b"_s << u"/a/c"_s << false;
    QTest::addRow("star covers one segment") << u"/a/*"_s << u"/a/b"_s << true;
    QTest::addRow("star not two segments") << u"/a/*"_s << u"/a/b/c"_s << false;
    QTest::addRow("star not the parent") << u"/a/*"_s << u"/a"_s << false;
    QTest::addRow("star needs the prefix") << u"/a/*"_s << u"/ab/c"_s << false;
    QTest::addRow("double star one segment") << u"/a/**"_s << u"/a/b"_s << true;
    QTest::addRow("double star deeper") << u"/a/**"_s << u"/a/b/c/d"_s << true;
    QTest::addRow("double star not the parent") << u"/a/**"_s << u"/a"_s << false;
    QTest::addRow("double star needs the prefix") << u"/a/**"_s << u"/ab/c"_s << false;
    QTest::addRow("root double star") << u"/**"_s << u"/x/y"_s << true;
    QTest::addRow("root star") << u"/*"_s << u"/x"_s << true;
    QTest::addRow("root star not deeper") << u"/*"_s << u"/x/y"_s << false;
    QTest::addRow("pattern does not match a pattern") << u"/a/**"_s << u"/a/*"_s << false;
}

void tst_ChannelName::matches()
{
    QFETCH(QString, pattern);
    QFETCH(QString, channel);
    QFETCH(bool, expected);
    const auto p = ChannelName::parse(pattern);
    const auto c = ChannelName::parse(channel);
    QVERIFY(p && c);
    QCOMPARE(p->matches(*c), expected);
    // matchingPatterns() and matches() must agree.
    if (!c->isWildcard() && p->isWildcard()) QCOMPARE(c->matchingPatterns().contains(pattern), expected);
}

QTEST_GUILESS_MAIN(tst_ChannelName)
#include "tst_channelname.moc"
