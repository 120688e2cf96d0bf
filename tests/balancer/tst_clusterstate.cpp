#include "memoryclusterstate.h"
#include "placement.h"
#include <algorithm>

#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace Balancer;
using namespace Qt::StringLiterals;
using Entry = NodeConfig::NodeEntry;

namespace {

QString urlOf(const QString &id)
{
    return u"http://127.0.0.1:"_s + QString::number(8080 + id.toInt());
}

Entry entry(const QString &id, int maxConnection)
{
    return { id, QUrl(urlOf(id)), maxConnection };
}

QList<Entry> entries(const QList<int> &capacities)
{
    QList<Entry> nodes;
    for (qsizetype i = 0; i < capacities.size(); ++i)
        nodes.append(entry(QString::number(i + 1), capacities.at(i)));
    return nodes;
}

// The seed's cluster: node 1 with maxConnection 10, node 2 with 15.
QList<Entry> seedNodes()
{
    return entries({ 10, 15 });
}

NodeReport heartbeat(const QString &id, int maxConnection, QList<UserPresence> users = {}, bool fullList = false)
{
    NodeReport report;
    report.nodeId = id;
    report.url = urlOf(id);
    report.maxConnection = maxConnection;
    report.users = std::move(users);
    if (fullList) report.fullList = FullListPage { 1, 0, true }; // a whole full list in one page
    for (const UserPresence &presence : std::as_const(report.users))
        report.sessions += presence.sessions;
    return report;
}

const QDateTime Since = QDateTime(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);

// "a", the character, "b": names with a control character in the middle.
QString around(char16_t character)
{
    return u"a"_s + QChar(character) + u"b"_s;
}

UserPresence opened(const QString &user, int sessions = 1)
{
    return { user, sessions, true, u"long-polling"_s, Since };
}

UserPresence closed(const QString &user, int remaining = 0)
{
    return { user, remaining, false, u"long-polling"_s, remaining ? Since : QDateTime() };
}

// Every configured node reports once at `now` with an empty full list, as nodes do at start.
void bringUp(MemoryClusterState &state, const QList<Entry> &nodes, qint64 now = 0)
{
    for (const Entry &node : nodes)
        QCOMPARE(
            state.report(heartbeat(node.id, node.maxConnection, {}, true), now).status, ReportResult::Status::Accepted);
}

// The node id placement gave, or "full" / "invalid".
QString placeOn(ClusterState &state, const QString &user, qint64 now = 0)
{
    std::optional<PlaceResult> result;
    state.place(user, now, [&result](const PlaceResult &r) { result = r; });
    if (!result) return u"pending"_s; // the memory state answers at once
    switch (result->status) {
    case PlaceResult::Status::Placed:
        return result->nodeId;
    case PlaceResult::Status::Full:
        return u"full"_s;
    case PlaceResult::Status::Unavailable:
        return u"unavailable"_s;
    case PlaceResult::Status::InvalidUser:
        break;
    }
    return u"invalid"_s;
}

QString user(int i)
{
    return u"exo"_s + QString::number(i);
}

qint64 slotsOn(const ClusterState &state, const QString &nodeId)
{
    return state.node(nodeId).value_or(NodeInfo {}).users;
}

} // namespace

class tst_ClusterState : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void capacity_data();
    void capacity();
    void leastLoadedOrder_data();
    void leastLoadedOrder();
    void stickiness_data();
    void stickiness();
    void reservationExpiry_data();
    void reservationExpiry();
    void release_data();
    void release();
    void silentNodeGoesDownAndComesBack_data();
    void silentNodeGoesDownAndComesBack();
    void configuredNodesStartDown();
    void localNodeIsAlwaysUp();
    void drainAndUndrain();
    void drainSurvivesDowntime();
    void dynamicJoin();
    void rejectedReports_data();
    void rejectedReports();
    void severalSessionsHoldOneSlot();
    void privateMessagesAskTheReservedNode();
    void sessionOnAnotherNode_data();
    void sessionOnAnotherNode();
    void fullListReplacesNodeUsers();
    void pagedFullList();
    void pageOutOfSequence();
    void emptyHeartbeatKeepsUsers();
    void invalidUsers_data();
    void invalidUsers();
    void userEvents();
    void userPages_data();
    void userPages();
    void userInfoFromReports();
    void totals();
    void channelsSumOverLiveNodes();
    void nextDeadline();
};

void tst_ClusterState::initTestCase()
{
    QLoggingCategory::setFilterRules(u"cometd.balancer.info=false"_s);
}

void tst_ClusterState::capacity_data()
{
    QTest::addColumn<QList<int>>("capacities");
    QTest::addColumn<QList<bool>>("up");
    QTest::addColumn<int>("fits");

    QTest::addRow("seed: 25 users fit, the 26th is full") << QList<int> { 10, 15 } << QList<bool> { true, true } << 25;
    QTest::addRow("one node of 3") << QList<int> { 3 } << QList<bool> { true } << 3;
    QTest::addRow("seed with node 2 down: 10 fit") << QList<int> { 10, 15 } << QList<bool> { true, false } << 10;
    QTest::addRow("seed with node 1 down: 15 fit") << QList<int> { 10, 15 } << QList<bool> { false, true } << 15;
    QTest::addRow("no node up: none fits") << QList<int> { 10, 15 } << QList<bool> { false, false } << 0;
}

void tst_ClusterState::capacity()
{
    QFETCH(QList<int>, capacities);
    QFETCH(QList<bool>, up);
    QFETCH(int, fits);

    const QList<Entry> nodes = entries(capacities);
    MemoryClusterState state(nodes);
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        if (up.at(i)) state.report(heartbeat(nodes.at(i).id, nodes.at(i).maxConnection, {}, true), 0);
    }

    for (int i = 0; i < fits; ++i)
        QVERIFY2(placeOn(state, user(i)) != u"full"_s, qPrintable(user(i)));
    QCOMPARE(placeOn(state, user(fits)), u"full"_s);
    QCOMPARE(state.place(user(fits), 0).status, PlaceResult::Status::Full);

    for (qsizetype i = 0; i < nodes.size(); ++i)
        QCOMPARE(slotsOn(state, nodes.at(i).id), up.at(i) ? qint64(capacities.at(i)) : 0);
    QCOMPARE(state.totals().users, qsizetype(fits));
}

void tst_ClusterState::leastLoadedOrder_data()
{
    QTest::addColumn<QList<int>>("capacities");
    QTest::addColumn<QStringList>("expected");

    QTest::addRow("equal capacities alternate, first listed wins ties")
        << QList<int> { 2, 2 } << QStringList { u"1"_s, u"2"_s, u"1"_s, u"2"_s, u"full"_s };
    QTest::addRow("seed 10/15 by lowest slots/maxConnection")
        << QList<int> { 10, 15 } << QStringList { u"1"_s, u"2"_s, u"2"_s, u"1"_s, u"2"_s, u"1"_s };
    QTest::addRow("1/10 and 2/20 tie exactly")
        << QList<int> { 10, 20 } << QStringList { u"1"_s, u"2"_s, u"2"_s, u"1"_s };
    QTest::addRow("three nodes, the larger fills faster")
        << QList<int> { 1, 1, 2 } << QStringList { u"1"_s, u"2"_s, u"3"_s, u"3"_s, u"full"_s };
    QTest::addRow("a full node is skipped even when listed first")
        << QList<int> { 1, 100 } << QStringList { u"1"_s, u"2"_s, u"2"_s, u"2"_s };
}

void tst_ClusterState::leastLoadedOrder()
{
    QFETCH(QList<int>, capacities);
    QFETCH(QStringList, expected);

    const QList<Entry> nodes = entries(capacities);
    MemoryClusterState state(nodes);
    bringUp(state, nodes);
    QStringList placed;
    for (qsizetype i = 0; i < expected.size(); ++i)
        placed.append(placeOn(state, user(int(i))));
    QCOMPARE(placed, expected);
}

void tst_ClusterState::stickiness_data()
{
    QTest::addColumn<bool>("liveSession");
    QTest::addColumn<bool>("drainHome");

    QTest::addRow("pending reservation") << false << false;
    QTest::addRow("live session") << true << false;
    QTest::addRow("pending reservation on a draining node") << false << true;
    QTest::addRow("live session on a draining node") << true << true;
}

void tst_ClusterState::stickiness()
{
    QFETCH(bool, liveSession);
    QFETCH(bool, drainHome);

    const QList<Entry> nodes = entries({ 10, 10 });
    MemoryClusterState state(nodes);
    bringUp(state, nodes);

    QCOMPARE(placeOn(state, u"alice"_s), u"1"_s);
    if (liveSession) state.report(heartbeat(u"1"_s, 10, { opened(u"alice"_s) }), 100);
    if (drainHome) QVERIFY(state.drain(u"1"_s));

    // Node 2 is now less loaded, yet alice keeps node 1 and holds one slot there.
    for (int i = 0; i < 3; ++i) {
        const PlaceResult again = state.place(u"alice"_s, 200 + i);
        QCOMPARE(again.status, PlaceResult::Status::Placed);
        QCOMPARE(again.nodeId, u"1"_s);
        QCOMPARE(again.url, urlOf(u"1"_s));
    }
    QCOMPARE(slotsOn(state, u"1"_s), 1);
    QCOMPARE(slotsOn(state, u"2"_s), 0);
    QCOMPARE(state.nodeOf(u"alice"_s).value_or(QString()), u"1"_s);
    QCOMPARE(placeOn(state, u"bob"_s), u"2"_s);
}

void tst_ClusterState::reservationExpiry_data()
{
    QTest::addColumn<qint64>("timeout");
    QTest::addColumn<qint64>("renewAt"); // -1: not renewed
    QTest::addColumn<bool>("handshake");
    QTest::addColumn<qint64>("releasedAt"); // -1: never released

    QTest::addRow("default 30 s") << qint64(30000) << qint64(-1) << false << qint64(30000);
    QTest::addRow("configured 5 s") << qint64(5000) << qint64(-1) << false << qint64(5000);
    QTest::addRow("renewed by a second cometdurl") << qint64(30000) << qint64(20000) << false << qint64(50000);
    QTest::addRow("followed by a handshake: kept") << qint64(30000) << qint64(-1) << true << qint64(-1);
}

void tst_ClusterState::reservationExpiry()
{
    QFETCH(qint64, timeout);
    QFETCH(qint64, renewAt);
    QFETCH(bool, handshake);
    QFETCH(qint64, releasedAt);

    const QList<Entry> nodes = seedNodes();
    MemoryClusterState state(nodes, { 1000000, timeout, {} });
    bringUp(state, nodes);
    QSignalSpy left(&state, &ClusterState::userLeft);

    QCOMPARE(placeOn(state, u"alice"_s, 0), u"1"_s);
    if (renewAt >= 0) {
        state.expire(renewAt);
        QCOMPARE(placeOn(state, u"alice"_s, renewAt), u"1"_s);
    }
    if (handshake) state.report(heartbeat(u"1"_s, 10, { opened(u"alice"_s) }), 10);

    const qint64 deadline = releasedAt >= 0 ? releasedAt : timeout;
    QCOMPARE(state.nextDeadline().value_or(-1), handshake ? 1000000 : deadline); // else the nodes' expiry
    state.expire(deadline - 1);
    QCOMPARE(slotsOn(state, u"1"_s), 1);
    QVERIFY(left.isEmpty());

    state.expire(deadline);
    QCOMPARE(slotsOn(state, u"1"_s), releasedAt >= 0 ? 0 : 1);
    QCOMPARE(state.nodeOf(u"alice"_s).has_value(), releasedAt < 0);
    QCOMPARE(left.size(), releasedAt >= 0 ? 1 : 0);
    if (releasedAt < 0) QVERIFY(!state.user(u"alice"_s)->reserved);
}

void tst_ClusterState::release_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<int>("sessions"); // live sessions of alice on node 1 before the release
    QTest::addColumn<bool>("known");
    QTest::addColumn<qint64>("slotsAfter");

    QTest::addRow("reservation only: released") << u"alice"_s << 0 << true << qint64(0);
    QTest::addRow("live session: known, slot kept until it closes") << u"alice"_s << 1 << true << qint64(1);
    QTest::addRow("unknown user: 404") << u"nobody"_s << 0 << false << qint64(1);
    QTest::addRow("invalid user: 404") << QString() << 0 << false << qint64(1);
}

void tst_ClusterState::release()
{
    QFETCH(QString, user);
    QFETCH(int, sessions);
    QFETCH(bool, known);
    QFETCH(qint64, slotsAfter);

    const QList<Entry> nodes = seedNodes();
    MemoryClusterState state(nodes);
    bringUp(state, nodes);
    QCOMPARE(placeOn(state, u"alice"_s), u"1"_s);
    if (sessions) state.report(heartbeat(u"1"_s, 10, { opened(u"alice"_s, sessions) }), 1);

    QCOMPARE(state.release(user), known);
    QCOMPARE(slotsOn(state, u"1"_s), slotsAfter);
    QCOMPARE(state.release(u"alice"_s), slotsAfter == 1);

    // The slot of a live user goes when the node reports the last session closed.
    state.report(heartbeat(u"1"_s, 10, { closed(u"alice"_s) }), 2);
    QCOMPARE(slotsOn(state, u"1"_s), 0);
    QVERIFY(!state.nodeOf(u"alice"_s));
    QVERIFY(!state.release(u"alice"_s));
}

void tst_ClusterState::silentNodeGoesDownAndComesBack_data()
{
    QTest::addColumn<qint64>("timeout");

    QTest::addRow("default 3 s") << qint64(3000);
    QTest::addRow("configured 1 s") << qint64(1000);
}

void tst_ClusterState::silentNodeGoesDownAndComesBack()
{
    QFETCH(qint64, timeout);

    const QList<Entry> nodes = seedNodes();
    MemoryClusterState state(nodes, { timeout, 30000, {} });
    bringUp(state, nodes, 0);
    QCOMPARE(placeOn(state, u"alice"_s, 0), u"1"_s); // live
    QCOMPARE(placeOn(state, u"bob"_s, 0), u"2"_s);
    QCOMPARE(placeOn(state, u"carol"_s, 0), u"2"_s);
    QCOMPARE(placeOn(state, u"dave"_s, 0), u"1"_s); // reserved only
    state.report(heartbeat(u"1"_s, 10, { opened(u"alice"_s) }), 0);

    // Node 2 keeps reporting; node 1 falls silent after its report at 0.
    QSignalSpy nodeChanged(&state, &ClusterState::nodeChanged);
    QSignalSpy left(&state, &ClusterState::userLeft);
    state.report(heartbeat(u"2"_s, 15), timeout - 1);
    state.expire(timeout - 1);
    QCOMPARE(state.node(u"1"_s)->state, NodeState::Up);
    QCOMPARE(state.nextDeadline().value_or(-1), timeout);

    state.expire(timeout);
    QCOMPARE(state.node(u"1"_s)->state, NodeState::Down);
    QCOMPARE(state.node(u"1"_s)->users, 0);
    QCOMPARE(state.node(u"1"_s)->sessions, 0);
    QCOMPARE(state.node(u"2"_s)->state, NodeState::Up);
    QCOMPARE(nodeChanged.size(), 1);
    QCOMPARE(nodeChanged.at(0).at(0).value<NodeInfo>().state, NodeState::Down);
    QCOMPARE(left.size(), 2);
    QVERIFY(!state.nodeOf(u"alice"_s));
    QVERIFY(!state.nodeOf(u"dave"_s));
    QCOMPARE(state.liveNodes().size(), 1);

    // New users, and the released ones, go to the other node.
    QCOMPARE(placeOn(state, u"alice"_s, timeout), u"2"_s);
    QCOMPARE(placeOn(state, u"erin"_s, timeout), u"2"_s);

    // Reports resume: up again, and the state asks for the node's full list.
    const ReportResult delta = state.report(heartbeat(u"1"_s, 10), timeout + 500);
    QCOMPARE(delta.status, ReportResult::Status::Accepted);
    QVERIFY(delta.wantFullList);
    QCOMPARE(state.node(u"1"_s)->state, NodeState::Up);
    QCOMPARE(nodeChanged.size(), 2);
    QCOMPARE(placeOn(state, u"frank"_s, timeout + 500), u"1"_s);

    // dave's session survived on node 1 (a network blip): the full list brings it back.
    const ReportResult full = state.report(heartbeat(u"1"_s, 10, { opened(u"dave"_s) }, true), timeout + 600);
    QVERIFY(!full.wantFullList);
    QCOMPARE(state.nodeOf(u"dave"_s).value_or(QString()), u"1"_s);
    QCOMPARE(slotsOn(state, u"1"_s), 2); // frank reserved, dave live
}

void tst_ClusterState::configuredNodesStartDown()
{
    const QList<Entry> nodes = seedNodes();
    MemoryClusterState state(nodes);
    QCOMPARE(state.nodes().size(), 2);
    for (const NodeInfo &node : state.nodes()) {
        QCOMPARE(node.state, NodeState::Down);
        QVERIFY(!node.lastReport);
        QVERIFY(!node.dynamic);
    }
    QVERIFY(state.liveNodes().isEmpty());
    QCOMPARE(placeOn(state, u"alice"_s), u"full"_s);
    QVERIFY(!state.nextDeadline());
    state.expire(1000000); // nothing to expire: never reported
    QCOMPARE(state.node(u"2"_s)->state, NodeState::Down);

    const ReportResult first = state.report(heartbeat(u"2"_s, 15), 5);
    QCOMPARE(first.status, ReportResult::Status::Accepted);
    QVERIFY(first.wantFullList);
    QCOMPARE(state.node(u"2"_s)->lastReport.value_or(-1), 5);
    QCOMPARE(placeOn(state, u"alice"_s), u"2"_s);
}

void tst_ClusterState::localNodeIsAlwaysUp()
{
    // Role all with no nodes listed: this process is node 1, its own (only) node.
    MemoryClusterState state({ entry(u"1"_s, 20000) }, { 3000, 30000, u"1"_s });
    QCOMPARE(state.node(u"1"_s)->state, NodeState::Up);
    QCOMPARE(placeOn(state, u"alice"_s), u"1"_s);
    QVERIFY(!state.report(heartbeat(u"1"_s, 20000, { opened(u"alice"_s) }), 10).wantFullList);
    state.expire(10'000'000);
    QCOMPARE(state.node(u"1"_s)->state, NodeState::Up);
    QCOMPARE(state.nodeOf(u"alice"_s).value_or(QString()), u"1"_s);
}

void tst_ClusterState::drainAndUndrain()
{
    const QList<Entry> nodes = entries({ 10, 10 });
    MemoryClusterState state(nodes);
    bringUp(state, nodes);
    QCOMPARE(placeOn(state, u"alice"_s), u"1"_s);
    state.report(heartbeat(u"1"_s, 10, { opened(u"alice"_s) }), 1);

    QSignalSpy nodeChanged(&state, &ClusterState::nodeChanged);
    const std::optional<NodeInfo> drained = state.drain(u"1"_s);
    QVERIFY(drained);
    QCOMPARE(drained->state, NodeState::Draining);
    QVERIFY(drained->draining);
    QCOMPARE(drained->users, 1); // its users stay
    QCOMPARE(nodeChanged.size(), 1);
    QVERIFY(state.drain(u"1"_s)); // again: no change, no event
    QCOMPARE(nodeChanged.size(), 1);

    for (int i = 0; i < 5; ++i)
        QCOMPARE(placeOn(state, user(i)), u"2"_s);
    QCOMPARE(placeOn(state, u"alice"_s), u"1"_s);
    QCOMPARE(state.liveNodes().size(), 2); // a draining node still receives broadcasts

    const std::optional<NodeInfo> undrained = state.undrain(u"1"_s);
    QVERIFY(undrained);
    QCOMPARE(undrained->state, NodeState::Up);
    QCOMPARE(nodeChanged.size(), 2);
    QCOMPARE(placeOn(state, u"zoe"_s), u"1"_s); // 1/10 against 5/10

    QVERIFY(!state.drain(u"9"_s));
    QVERIFY(!state.undrain(u"9"_s));
}

void tst_ClusterState::drainSurvivesDowntime()
{
    const QList<Entry> nodes = seedNodes();
    MemoryClusterState state(nodes);
    bringUp(state, nodes, 0);
    QVERIFY(state.drain(u"1"_s));
    state.report(heartbeat(u"2"_s, 15), 2000);
    state.expire(3000);
    QCOMPARE(state.node(u"1"_s)->state, NodeState::Down);
    QVERIFY(state.node(u"1"_s)->draining);
    state.report(heartbeat(u"1"_s, 10), 4000);
    QCOMPARE(state.node(u"1"_s)->state, NodeState::Draining);
    QCOMPARE(placeOn(state, u"alice"_s, 4000), u"2"_s);
}

void tst_ClusterState::dynamicJoin()
{
    const QList<Entry> nodes = entries({ 5 });
    MemoryClusterState state(nodes);
    bringUp(state, nodes);
    QSignalSpy nodeChanged(&state, &ClusterState::nodeChanged);

    NodeReport report = heartbeat(u"9"_s, 5, {}, true);
    report.url = u"http://10.0.0.9:9000/"_s;
    const ReportResult joined = state.report(report, 10);
    QCOMPARE(joined.status, ReportResult::Status::Joined);
    QVERIFY(!joined.wantFullList);
    QCOMPARE(nodeChanged.size(), 1);

    const QList<NodeInfo> all = state.nodes();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all.at(1).id, u"9"_s);
    QVERIFY(all.at(1).dynamic);
    QCOMPARE(all.at(1).url, u"http://10.0.0.9:9000"_s); // normalised: no trailing slash
    QCOMPARE(all.at(1).state, NodeState::Up);
    QCOMPARE(all.at(1).maxConnection, 5);

    // Static nodes come first on ties.
    QCOMPARE(placeOn(state, u"a"_s), u"1"_s);
    const PlaceResult second = state.place(u"b"_s, 0);
    QCOMPARE(second.nodeId, u"9"_s);
    QCOMPARE(second.url, u"http://10.0.0.9:9000"_s);

    // A second report is an ordinary one; a dynamic node expires like any other.
    QCOMPARE(state.report(heartbeat(u"9"_s, 5), 20).status, ReportResult::Status::Accepted);
    state.expire(3020);
    QCOMPARE(state.node(u"9"_s)->state, NodeState::Down);
    QVERIFY(state.node(u"9"_s)->dynamic);
}

void tst_ClusterState::rejectedReports_data()
{
    QTest::addColumn<QString>("nodeId");
    QTest::addColumn<QString>("url");
    QTest::addColumn<int>("maxConnection");

    QTest::addRow("empty id") << QString() << u"http://127.0.0.1:9000"_s << 10;
    QTest::addRow("id with a slash") << u"a/b"_s << u"http://127.0.0.1:9000"_s << 10;
    QTest::addRow("id with a blank") << u"a b"_s << u"http://127.0.0.1:9000"_s << 10;
    QTest::addRow("not http") << u"3"_s << u"ftp://127.0.0.1:9000"_s << 10;
    QTest::addRow("no host") << u"3"_s << u"http://"_s << 10;
    QTest::addRow("with a query") << u"3"_s << u"http://127.0.0.1:9000/?x=1"_s << 10;
    QTest::addRow("zero maxConnection") << u"3"_s << u"http://127.0.0.1:9000"_s << 0;
    QTest::addRow("known node, negative maxConnection") << u"1"_s << u"http://127.0.0.1:8081"_s << -1;
}

void tst_ClusterState::rejectedReports()
{
    QFETCH(QString, nodeId);
    QFETCH(QString, url);
    QFETCH(int, maxConnection);

    MemoryClusterState state(seedNodes());
    NodeReport report = heartbeat(nodeId, maxConnection, { opened(u"alice"_s) }, true);
    report.url = url;
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^rejected a report from node"_s));
    const ReportResult result = state.report(report, 0);
    QCOMPARE(result.status, ReportResult::Status::Rejected);
    QVERIFY(!result.error.isEmpty());
    QCOMPARE(state.nodes().size(), 2);
    QVERIFY(state.liveNodes().isEmpty());
    QVERIFY(!state.nodeOf(u"alice"_s));
}

void tst_ClusterState::severalSessionsHoldOneSlot()
{
    const QList<Entry> nodes = entries({ 1 });
    MemoryClusterState state(nodes);
    bringUp(state, nodes);
    QCOMPARE(placeOn(state, u"alice"_s), u"1"_s);
    state.report(heartbeat(u"1"_s, 1, { opened(u"alice"_s, 3) }), 1);
    QCOMPARE(state.node(u"1"_s)->users, 1);
    QCOMPARE(state.node(u"1"_s)->sessions, 3);
    QCOMPARE(state.user(u"alice"_s)->sessions, 3);

    // A fourth tab asks again: same node, still one slot; nobody else fits.
    QCOMPARE(placeOn(state, u"alice"_s), u"1"_s);
    QCOMPARE(placeOn(state, u"bob"_s), u"full"_s);

    // Tabs close one by one; the slot goes with the last (the fourth tab's reservation was consumed
    // when its session opened).
    state.report(heartbeat(u"1"_s, 1, { opened(u"alice"_s, 4) }), 2);
    state.report(heartbeat(u"1"_s, 1, { closed(u"alice"_s, 2) }), 3);
    QCOMPARE(state.node(u"1"_s)->users, 1);
    QCOMPARE(placeOn(state, u"bob"_s), u"full"_s);
    state.report(heartbeat(u"1"_s, 1, { closed(u"alice"_s, 0) }), 4);
    QCOMPARE(state.node(u"1"_s)->users, 0);
    QCOMPARE(placeOn(state, u"bob"_s), u"1"_s);
}

// A user placed but not yet reported may have handshaken on its node already: a private message asks
// that node, which answers with what it holds. Once its last session closes, nowhere.
void tst_ClusterState::privateMessagesAskTheReservedNode()
{
    const QList<Entry> nodes = entries({ 10, 10 });
    MemoryClusterState state(nodes);
    bringUp(state, nodes);
    QCOMPARE(state.privateTargetsOf(u"alice"_s), QStringList());
    QCOMPARE(placeOn(state, u"alice"_s), u"1"_s);
    QCOMPARE(state.privateTargetsOf(u"alice"_s), QStringList { u"1"_s });
    state.report(heartbeat(u"1"_s, 10, { opened(u"alice"_s) }), 1);
    QCOMPARE(state.privateTargetsOf(u"alice"_s), QStringList { u"1"_s }); // once, not twice
    state.report(heartbeat(u"1"_s, 10, { closed(u"alice"_s) }), 2);
    QCOMPARE(state.privateTargetsOf(u"alice"_s), QStringList());
}

void tst_ClusterState::sessionOnAnotherNode_data()
{
    QTest::addColumn<bool>("liveOnFirst");

    // A client that skipped (or raced) cometdurl: the session is where the user really is.
    QTest::addRow("reservation on 1, session opens on 2: the user moves") << false;
    QTest::addRow("live on 1, session opens on 2: a slot on each") << true;
}

void tst_ClusterState::sessionOnAnotherNode()
{
    QFETCH(bool, liveOnFirst);

    const QList<Entry> nodes = entries({ 10, 10 });
    MemoryClusterState state(nodes);
    bringUp(state, nodes);
    QCOMPARE(placeOn(state, u"alice"_s), u"1"_s);
    if (liveOnFirst) state.report(heartbeat(u"1"_s, 10, { opened(u"alice"_s) }), 1);
    QSignalSpy changed(&state, &ClusterState::userChanged);

    state.report(heartbeat(u"2"_s, 10, { opened(u"alice"_s) }), 2);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(slotsOn(state, u"2"_s), 1);
    QCOMPARE(slotsOn(state, u"1"_s), liveOnFirst ? 1 : 0);
    const QString home = liveOnFirst ? u"1"_s : u"2"_s;
    QCOMPARE(state.nodeOf(u"alice"_s).value_or(QString()), home);
    const QStringList sessionNodes = liveOnFirst ? QStringList { u"1"_s, u"2"_s } : QStringList { u"2"_s };
    QCOMPARE(state.privateTargetsOf(u"alice"_s), sessionNodes);
    const UserInfo info = *state.user(u"alice"_s);
    QCOMPARE(info.nodeId, home);
    QCOMPARE(info.sessions, liveOnFirst ? 2 : 1);

    if (liveOnFirst) {
        // The first node's sessions close: node 2 becomes home.
        state.report(heartbeat(u"1"_s, 10, { closed(u"alice"_s) }), 3);
        QCOMPARE(slotsOn(state, u"1"_s), 0);
        QCOMPARE(state.nodeOf(u"alice"_s).value_or(QString()), u"2"_s);
    }
    QCOMPARE(placeOn(state, u"alice"_s), u"2"_s);
    QCOMPARE(state.totals().users, 1);
}

void tst_ClusterState::fullListReplacesNodeUsers()
{
    const QList<Entry> nodes = entries({ 10 });
    MemoryClusterState state(nodes);
    bringUp(state, nodes);
    state.report(heartbeat(u"1"_s, 10, { opened(u"alice"_s), opened(u"bob"_s) }), 1);
    QCOMPARE(placeOn(state, u"carol"_s), u"1"_s); // reserved, no session yet
    QCOMPARE(slotsOn(state, u"1"_s), 3);

    QSignalSpy left(&state, &ClusterState::userLeft);
    state.report(heartbeat(u"1"_s, 10, { { u"alice"_s, 2, false, u"websocket"_s, Since } }, true), 2);
    QCOMPARE(left.size(), 1);
    QCOMPARE(left.at(0).at(0).value<UserInfo>().user, u"bob"_s);
    QCOMPARE(slotsOn(state, u"1"_s), 2); // alice live, carol's reservation kept
    QCOMPARE(state.user(u"alice"_s)->sessions, 2);
    QCOMPARE(state.user(u"alice"_s)->transport, u"websocket"_s);
    QVERIFY(state.user(u"carol"_s)->reserved);
}

// A full list in pages: each page upserts, changes between pages count as mentioned, and only the
// last page drops what the epoch did not mention (users and channels).
void tst_ClusterState::pagedFullList()
{
    const QList<Entry> nodes = entries({ 10 });
    MemoryClusterState state(nodes);
    bringUp(state, nodes);
    NodeReport before = heartbeat(u"1"_s, 10, { opened(u"alice"_s), opened(u"bob"_s), opened(u"gone"_s) });
    before.channels = { { u"/a"_s, 1, 0 }, { u"/stale"_s, 1, 0 } };
    state.report(before, 1);

    NodeReport page0 = heartbeat(u"1"_s, 10, { { u"alice"_s, 2, false, u"websocket"_s, Since } });
    page0.fullList = FullListPage { 77, 0, false };
    page0.channels = { { u"/a"_s, 2, 5 } };
    QVERIFY(!state.report(page0, 2).wantFullList); // under way
    QCOMPARE(state.user(u"alice"_s)->sessions, 2);
    QVERIFY(state.user(u"gone"_s)); // nothing dropped before the end

    // A change between pages: a user who arrived after the snapshot.
    QVERIFY(!state.report(heartbeat(u"1"_s, 10, { opened(u"dave"_s) }), 3).wantFullList);

    QSignalSpy left(&state, &ClusterState::userLeft);
    NodeReport page1 = heartbeat(u"1"_s, 10, { { u"bob"_s, 1, false, u"websocket"_s, Since } });
    page1.fullList = FullListPage { 77, 1, true };
    QVERIFY(!state.report(page1, 4).wantFullList);
    QCOMPARE(left.size(), 1);
    QCOMPARE(left.at(0).at(0).value<UserInfo>().user, u"gone"_s);
    QVERIFY(state.user(u"alice"_s) && state.user(u"bob"_s) && state.user(u"dave"_s));
    QCOMPARE(state.channels(), (QList<ChannelPresence> { { u"/a"_s, 2, 5 } }));
}

// A page that is not the one expected (a page lost, or a balancer that restarted mid-list) applies
// as an upsert, drops nothing, and the answer asks for a new full list.
void tst_ClusterState::pageOutOfSequence()
{
    const QList<Entry> nodes = entries({ 10 });
    MemoryClusterState state(nodes);
    NodeReport page2 = heartbeat(u"1"_s, 10, { opened(u"alice"_s) });
    page2.fullList = FullListPage { 5, 2, true };
    QVERIFY(state.report(page2, 0).wantFullList); // this balancer never saw pages 0 and 1
    QVERIFY(state.user(u"alice"_s));

    bringUp(state, nodes, 1); // a whole list: alice is not in it
    QVERIFY(!state.user(u"alice"_s));
    state.report(heartbeat(u"1"_s, 10, { opened(u"bob"_s) }), 2);
    NodeReport page0 = heartbeat(u"1"_s, 10, {});
    page0.fullList = FullListPage { 6, 0, false };
    QVERIFY(!state.report(page0, 3).wantFullList);
    NodeReport skipped = heartbeat(u"1"_s, 10, {});
    skipped.fullList = FullListPage { 6, 2, true }; // page 1 never came
    QVERIFY(state.report(skipped, 4).wantFullList);
    QVERIFY(state.user(u"bob"_s)); // not dropped on a broken sequence
    QVERIFY(!state.report(heartbeat(u"1"_s, 10), 5).wantFullList); // the node still knows its users
}

void tst_ClusterState::emptyHeartbeatKeepsUsers()
{
    const QList<Entry> nodes = entries({ 10 });
    MemoryClusterState state(nodes);
    bringUp(state, nodes);
    state.report(heartbeat(u"1"_s, 10, { opened(u"alice"_s) }), 1);
    QSignalSpy joined(&state, &ClusterState::userJoined);
    QSignalSpy left(&state, &ClusterState::userLeft);
    QSignalSpy changed(&state, &ClusterState::userChanged);
    QSignalSpy nodeChanged(&state, &ClusterState::nodeChanged);
    for (qint64 now = 1000; now <= 10000; now += 1000) {
        NodeReport beat = heartbeat(u"1"_s, 10);
        beat.sessions = 1;
        QVERIFY(!state.report(beat, now).wantFullList);
        state.expire(now);
    }
    QCOMPARE(state.nodeOf(u"alice"_s).value_or(QString()), u"1"_s);
    QCOMPARE(state.node(u"1"_s)->sessions, 1);
    QVERIFY(joined.isEmpty());
    QVERIFY(left.isEmpty());
    QVERIFY(changed.isEmpty());
    QVERIFY(nodeChanged.isEmpty());
}

void tst_ClusterState::invalidUsers_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<bool>("valid");

    QTest::addRow("empty") << QString() << false;
    QTest::addRow("256 ASCII bytes") << QString(256, u'a') << true;
    QTest::addRow("257 ASCII bytes") << QString(257, u'a') << false;
    QTest::addRow("128 two-byte characters: 256 bytes") << QString(128, QChar(0xe9)) << true;
    QTest::addRow("129 two-byte characters: 258 bytes") << QString(129, QChar(0xe9)) << false;
    QTest::addRow("NUL") << around(0x00) << false;
    QTest::addRow("tab") << around(u'\t') << false;
    QTest::addRow("unit separator") << around(0x1f) << false;
    QTest::addRow("DEL") << around(0x7f) << false;
    QTest::addRow("lone surrogate") << QString(QChar(0xd800)) << false;
    QTest::addRow("space and slash are fine") << u"a b/c"_s << true;
    QTest::addRow("non-ASCII name") << u"žluťoučký kůň"_s << true;
}

void tst_ClusterState::invalidUsers()
{
    QFETCH(QString, user);
    QFETCH(bool, valid);

    const QList<Entry> nodes = seedNodes();
    MemoryClusterState state(nodes);
    bringUp(state, nodes);
    QSignalSpy joined(&state, &ClusterState::userJoined);
    QCOMPARE(placeOn(state, user), valid ? u"1"_s : u"invalid"_s);
    QCOMPARE(joined.size(), valid ? 1 : 0);
    QCOMPARE(state.totals().users, valid ? 1 : 0);

    // A node reporting such a name is ignored for that user, not rejected.
    if (!valid) QTest::ignoreMessage(QtWarningMsg, "node 2 reported an invalid user name; ignored");
    state.report(heartbeat(u"2"_s, 15, { opened(user) }), 1);
    QCOMPARE(state.privateTargetsOf(user), valid ? QStringList(u"2"_s) : QStringList());
}

void tst_ClusterState::userEvents()
{
    const QList<Entry> nodes = entries({ 10 });
    MemoryClusterState state(nodes);
    bringUp(state, nodes);
    QSignalSpy joined(&state, &ClusterState::userJoined);
    QSignalSpy left(&state, &ClusterState::userLeft);
    QSignalSpy changed(&state, &ClusterState::userChanged);

    QCOMPARE(placeOn(state, u"alice"_s), u"1"_s);
    QCOMPARE(joined.size(), 1);
    UserInfo info = joined.at(0).at(0).value<UserInfo>();
    QCOMPARE(info.user, u"alice"_s);
    QCOMPARE(info.nodeId, u"1"_s);
    QVERIFY(info.reserved);
    QCOMPARE(info.sessions, 0);

    QCOMPARE(placeOn(state, u"alice"_s, 10), u"1"_s); // renewal: nothing visible changed
    QVERIFY(changed.isEmpty());

    state.report(heartbeat(u"1"_s, 10, { opened(u"alice"_s) }), 20);
    QCOMPARE(changed.size(), 1);
    info = changed.at(0).at(0).value<UserInfo>();
    QCOMPARE(info.sessions, 1);
    QVERIFY(!info.reserved);

    state.report(heartbeat(u"1"_s, 10, { closed(u"alice"_s) }), 30);
    QCOMPARE(left.size(), 1);
    QCOMPARE(left.at(0).at(0).value<UserInfo>().sessions, 1); // as it was
    QCOMPARE(joined.size(), 1);
    QCOMPARE(changed.size(), 1);

    // A receiver may call back into the state while it is being notified.
    connect(&state, &ClusterState::userLeft, this, [&state](const UserInfo &gone) {
        QCOMPARE(state.place(gone.user + u"-again"_s, 40).status, PlaceResult::Status::Placed);
    });
    QCOMPARE(placeOn(state, u"bob"_s, 40), u"1"_s);
    QVERIFY(state.release(u"bob"_s));
    QVERIFY(state.nodeOf(u"bob-again"_s));
}

void tst_ClusterState::userPages_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<qsizetype>("offset");
    QTest::addColumn<qsizetype>("limit");
    QTest::addColumn<qsizetype>("total");
    QTest::addColumn<QStringList>("expected");

    const QStringList all { u"Alicia"_s, u"alice"_s, u"bob"_s, u"carol"_s, u"malice"_s };
    QTest::addRow("all, by name") << QString() << qsizetype(0) << qsizetype(1000) << qsizetype(5) << all;
    QTest::addRow("filter is case-insensitive") << u"ALI"_s << qsizetype(0) << qsizetype(1000) << qsizetype(3)
                                                << QStringList { u"Alicia"_s, u"alice"_s, u"malice"_s };
    QTest::addRow("offset and limit") << QString() << qsizetype(1) << qsizetype(2) << qsizetype(5)
                                      << QStringList { u"alice"_s, u"bob"_s };
    QTest::addRow("offset past the end") << QString() << qsizetype(10) << qsizetype(5) << qsizetype(5)
                                         << QStringList {};
    QTest::addRow("filtered page") << u"ali"_s << qsizetype(2) << qsizetype(5) << qsizetype(3)
                                   << QStringList { u"malice"_s };
    QTest::addRow("no match") << u"zed"_s << qsizetype(0) << qsizetype(5) << qsizetype(0) << QStringList {};
}

void tst_ClusterState::userPages()
{
    QFETCH(QString, filter);
    QFETCH(qsizetype, offset);
    QFETCH(qsizetype, limit);
    QFETCH(qsizetype, total);
    QFETCH(QStringList, expected);

    const QList<Entry> nodes = entries({ 100 });
    MemoryClusterState state(nodes);
    bringUp(state, nodes);
    for (const QString &name : { u"carol"_s, u"alice"_s, u"malice"_s, u"bob"_s, u"Alicia"_s })
        QCOMPARE(placeOn(state, name), u"1"_s);

    const UserPage page = state.users(filter, offset, limit);
    QCOMPARE(page.total, total);
    QStringList names;
    for (const UserInfo &info : page.users)
        names.append(info.user);
    QCOMPARE(names, expected);
}

void tst_ClusterState::userInfoFromReports()
{
    const QList<Entry> nodes = entries({ 10 });
    MemoryClusterState state(nodes);
    bringUp(state, nodes);
    const QDateTime later = Since.addSecs(60);
    state.report(heartbeat(u"1"_s, 10, { { u"alice"_s, 1, true, u"websocket"_s, Since } }), 1);
    state.report(heartbeat(u"1"_s, 10, { { u"alice"_s, 2, true, u"callback-polling"_s, Since } }), 2);
    state.report(heartbeat(u"1"_s, 10, { { u"bob"_s, 1, true, QString(), later } }), 3);

    const UserPage page = state.users({}, 0, 10);
    QCOMPARE(page.total, 2);
    const UserInfo alice = page.users.at(0);
    QCOMPARE(alice.user, u"alice"_s);
    QCOMPARE(alice.nodeId, u"1"_s);
    QCOMPARE(alice.nodeIds, QStringList { u"1"_s });
    QCOMPARE(alice.sessions, 2);
    QCOMPARE(alice.transport, u"callback-polling"_s);
    QCOMPARE(alice.connectedSince, Since);
    QCOMPARE(alice.connectedSince.timeSpec(), Qt::UTC);
    QCOMPARE(page.users.at(1).connectedSince, later);
    QVERIFY(page.users.at(1).transport.isEmpty());
}

void tst_ClusterState::channelsSumOverLiveNodes()
{
    const QList<Entry> nodes = seedNodes();
    MemoryClusterState state(nodes);
    const auto sorted = [&state] {
        QList<ChannelPresence> channels = state.channels();
        std::sort(channels.begin(), channels.end(),
            [](const ChannelPresence &a, const ChannelPresence &b) { return a.channel < b.channel; });
        return channels;
    };
    NodeReport one = heartbeat(u"1"_s, 10, {}, true);
    one.channels = { { u"/a"_s, 2, 10 }, { u"/b"_s, 1, 0 } };
    NodeReport two = heartbeat(u"2"_s, 15, {}, true);
    two.channels = { { u"/a"_s, 3, 5 } };
    state.report(one, 0);
    state.report(two, 0);
    QCOMPARE(sorted(), (QList<ChannelPresence> { { u"/a"_s, 5, 15 }, { u"/b"_s, 1, 0 } }));

    // A change: /b gone from node 1, /a counted further.
    NodeReport change = heartbeat(u"1"_s, 10, {}, false);
    change.channels = { { u"/a"_s, 2, 12 }, { u"/b"_s, 0, 0 } };
    state.report(change, 1000);
    state.report(heartbeat(u"2"_s, 15, {}, false), 1000);
    QCOMPARE(sorted(), (QList<ChannelPresence> { { u"/a"_s, 5, 17 } }));

    // Node 2 falls silent: its subscribers no longer count.
    state.report(heartbeat(u"1"_s, 10, {}, false), 3500);
    state.expire(4500);
    QCOMPARE(sorted(), (QList<ChannelPresence> { { u"/a"_s, 2, 12 } }));

    // Back up, its first report is a change list: ignored until the full list the answer asks for.
    NodeReport back = heartbeat(u"2"_s, 15, {}, false);
    back.channels = { { u"/c"_s, 1, 0 } };
    QVERIFY(state.report(back, 5000).wantFullList);
    QCOMPARE(sorted(), (QList<ChannelPresence> { { u"/a"_s, 2, 12 } }));
}

void tst_ClusterState::totals()
{
    const QList<Entry> nodes = seedNodes();
    MemoryClusterState state(nodes);
    NodeReport one = heartbeat(u"1"_s, 10, { opened(u"alice"_s, 2) }, true);
    one.messagesIn = 5;
    one.messagesOut = 7;
    NodeReport two = heartbeat(u"2"_s, 15, { opened(u"bob"_s) }, true);
    two.messagesIn = 1;
    two.messagesOut = 2;
    state.report(one, 0);
    state.report(two, 0);
    QCOMPARE(placeOn(state, u"carol"_s), u"2"_s); // 1/10 against 1/15

    ClusterTotals totals = state.totals();
    QCOMPARE(totals.nodes, 2);
    QCOMPARE(totals.liveNodes, 2);
    QCOMPARE(totals.sessions, 3);
    QCOMPARE(totals.users, 3);
    QCOMPARE(totals.messagesIn, 6);
    QCOMPARE(totals.messagesOut, 9);
    const NodeInfo node1 = *state.node(u"1"_s);
    QCOMPARE(node1.messagesIn, 5);
    QCOMPARE(node1.messagesOut, 7);
    QCOMPARE(node1.url, urlOf(u"1"_s));
    QCOMPARE(nodeStateName(node1.state), QLatin1StringView("up"));

    state.report(heartbeat(u"2"_s, 15, { opened(u"bob"_s) }), 2000);
    state.expire(3000); // node 1 silent since 0
    totals = state.totals();
    QCOMPARE(totals.liveNodes, 1);
    QCOMPARE(totals.sessions, 1);
    QCOMPARE(totals.users, 2);
    QCOMPARE(nodeStateName(state.node(u"1"_s)->state), QLatin1StringView("down"));
}

void tst_ClusterState::nextDeadline()
{
    const QList<Entry> nodes = seedNodes();
    MemoryClusterState state(nodes, { 3000, 30000, {} });
    QVERIFY(!state.nextDeadline());
    state.report(heartbeat(u"1"_s, 10), 100);
    QCOMPARE(state.nextDeadline().value_or(-1), 3100);
    state.report(heartbeat(u"2"_s, 15), 50);
    QCOMPARE(state.nextDeadline().value_or(-1), 3050);
    QCOMPARE(placeOn(state, u"alice"_s, 60), u"1"_s);
    QCOMPARE(state.nextDeadline().value_or(-1), 3050);
    state.report(heartbeat(u"1"_s, 10), 29000);
    state.report(heartbeat(u"2"_s, 15), 29000);
    QCOMPARE(state.nextDeadline().value_or(-1), 30060); // alice's reservation
}

QTEST_GUILESS_MAIN(tst_ClusterState)
#include "tst_clusterstate.moc"
