#include "channelindex.h"
#include "session.h"

#include <QTest>

#include <algorithm>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using Bayeux::ChannelIndex;
using Bayeux::ChannelName;
using Bayeux::Session;

namespace {

ChannelName name(const QString &text)
{
    const auto parsed = ChannelName::parse(text);
    Q_ASSERT(parsed);
    return *parsed;
}

std::vector<std::unique_ptr<Session>> makeSessions(int count)
{
    std::vector<std::unique_ptr<Session>> sessions;
    for (int i = 0; i < count; ++i) {
        sessions.push_back(std::make_unique<Session>(QByteArray::number(i), u"user"_s + QString::number(i),
            QLatin1StringView("long-polling"), Bayeux::QueueLimits { 10 }, nullptr));
    }
    return sessions;
}

} // namespace

class tst_ChannelIndex : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void subscribers_data();
    void subscribers();
    void subscribeTwiceAndUnsubscribe();
    void emptyChannelsDisappear();
    void patternCountTracksUnsubscribe();
};

void tst_ChannelIndex::subscribers_data()
{
    // Session i subscribes to subscriptions[i]; a message on `channel` must reach `expected`.
    QTest::addColumn<QList<QStringList>>("subscriptions");
    QTest::addColumn<QString>("channel");
    QTest::addColumn<QList<int>>("expected");

    QTest::addRow("exact subscribers only")
        << QList<QStringList> { { u"/a/b"_s }, { u"/a/c"_s }, { u"/a/b"_s } } << u"/a/b"_s << QList<int> { 0, 2 };
    QTest::addRow("no subscriber") << QList<QStringList> { { u"/a/b"_s } } << u"/x"_s << QList<int> {};
    QTest::addRow("single wildcard covers one level")
        << QList<QStringList> { { u"/a/*"_s }, { u"/a/b/*"_s } } << u"/a/b"_s << QList<int> { 0 };
    QTest::addRow("single wildcard not deeper")
        << QList<QStringList> { { u"/a/*"_s }, { u"/a/b/*"_s } } << u"/a/b/c"_s << QList<int> { 1 };
    QTest::addRow("deep wildcard covers every level")
        << QList<QStringList> { { u"/a/**"_s }, { u"/**"_s }, { u"/b/**"_s } } << u"/a/b/c/d"_s << QList<int> { 0, 1 };
    QTest::addRow("deep wildcard not its own parent")
        << QList<QStringList> { { u"/a/**"_s } } << u"/a"_s << QList<int> {};
    QTest::addRow("session through several patterns counted once")
        << QList<QStringList> { { u"/a/b"_s, u"/a/*"_s, u"/a/**"_s, u"/**"_s }, { u"/a/b"_s } } << u"/a/b"_s
        << QList<int> { 0, 1 };
    QTest::addRow("duplicates across small and large sets")
        << QList<QStringList> { { u"/**"_s }, { u"/**"_s }, { u"/**"_s, u"/a/b"_s }, { u"/a/*"_s, u"/a/b"_s } }
        << u"/a/b"_s << QList<int> { 0, 1, 2, 3 };
    QTest::addRow("prefix is not a parent")
        << QList<QStringList> { { u"/ab/*"_s }, { u"/a/**"_s } } << u"/abc/d"_s << QList<int> {};
}

void tst_ChannelIndex::subscribers()
{
    QFETCH(QList<QStringList>, subscriptions);
    QFETCH(QString, channel);
    QFETCH(QList<int>, expected);

    auto sessions = makeSessions(int(subscriptions.size()));
    ChannelIndex index;
    for (qsizetype i = 0; i < subscriptions.size(); ++i) {
        for (const QString &subscription : subscriptions.at(i))
            QVERIFY(index.subscribe(name(subscription), sessions[size_t(i)].get()));
    }

    QList<int> found;
    for (Session *session : index.subscribers(name(channel)))
        found.append(session->clientId.toInt());
    std::sort(found.begin(), found.end());
    QCOMPARE(found, expected); // sorted and without duplicates
}

void tst_ChannelIndex::subscribeTwiceAndUnsubscribe()
{
    auto sessions = makeSessions(2);
    ChannelIndex index;
    QVERIFY(index.subscribe(name(u"/a"_s), sessions[0].get()));
    QVERIFY(!index.subscribe(name(u"/a"_s), sessions[0].get()));
    QVERIFY(index.subscribe(name(u"/a"_s), sessions[1].get()));
    QCOMPARE(index.subscriberCount(u"/a"_s), qsizetype(2));
    QVERIFY(index.hasSubscribers(u"/a"_s));

    QVERIFY(index.unsubscribe(u"/a"_s, sessions[0].get()));
    QVERIFY(!index.unsubscribe(u"/a"_s, sessions[0].get()));
    QVERIFY(!index.unsubscribe(u"/never"_s, sessions[0].get()));
    QCOMPARE(index.subscribers(name(u"/a"_s)), QList<Session *> { sessions[1].get() });
}

void tst_ChannelIndex::emptyChannelsDisappear()
{
    auto sessions = makeSessions(1);
    ChannelIndex index;
    index.subscribe(name(u"/a"_s), sessions[0].get());
    index.subscribe(name(u"/b/*"_s), sessions[0].get());
    QCOMPARE(index.channelCount(), qsizetype(2));
    index.unsubscribe(u"/a"_s, sessions[0].get());
    index.unsubscribe(u"/b/*"_s, sessions[0].get());
    QCOMPARE(index.channelCount(), qsizetype(0));
    QVERIFY(!index.hasSubscribers(u"/a"_s));
    QVERIFY(index.channels().isEmpty());
}

void tst_ChannelIndex::patternCountTracksUnsubscribe()
{
    // After the last pattern goes, lookups must still find exact subscribers, and a pattern added
    // again must be found again.
    auto sessions = makeSessions(2);
    ChannelIndex index;
    index.subscribe(name(u"/a/*"_s), sessions[0].get());
    index.subscribe(name(u"/a/b"_s), sessions[1].get());
    index.unsubscribe(u"/a/*"_s, sessions[0].get());
    QCOMPARE(index.subscribers(name(u"/a/b"_s)), QList<Session *> { sessions[1].get() });
    index.subscribe(name(u"/a/**"_s), sessions[0].get());
    QCOMPARE(index.subscribers(name(u"/a/b"_s)).size(), qsizetype(2));
}

QTEST_GUILESS_MAIN(tst_ChannelIndex)
#include "tst_channelindex.moc"
