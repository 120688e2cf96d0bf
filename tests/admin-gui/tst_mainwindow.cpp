// The console's window (offscreen) against a real in-process cluster: it lists the node and a user
// who connects, sends a private message from Compose that the user's Bayeux client receives, and
// says so clearly when the token is refused.
#include "adminclient.h"
#include "adminclusterfixture.h"
#include "composewidget.h"
#include "connectdialog.h"
#include "connectionsettings.h"
#include "consolemodels.h"
#include "loadchart.h"
#include "mainwindow.h"
#include "modelroles.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QBrush>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace AdminGui;

namespace {
// One console: client, models, settings and window, as main.cpp wires them.
struct Console
{
    QTemporaryDir dir;
    ConnectionSettings settings { dir.filePath(u"admin.ini"_s) };
    AdminClient client;
    ConsoleModels models { &client };
    MainWindow window { &client, &models, &settings };
};

bool logContains(const EventLogModel &log, const QString &text)
{
    for (int row = 0; row < log.rowCount(); ++row) {
        if (log.at(row).text.contains(text)) return true;
    }
    return false;
}
} // namespace

class tst_MainWindow : public QObject
{
    Q_OBJECT
    AdminClusterFixture f;

private Q_SLOTS:
    void init() { QVERIFY(f.start()); }
    void cleanup() { f.stop(); }

    void listsNodeAndUserAndSendsFromCompose()
    {
        Console console;
        MainWindow &window = console.window;
        QAbstractItemModelTester usersTester(
            window.usersView()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        window.show();
        console.client.connectToCluster(f.url(), AdminClusterFixture::AdminToken);
        QTRY_COMPARE_WITH_TIMEOUT(window.nodesView()->model()->rowCount(), 1, 10000);
        QVERIFY2(window.statusText().contains(u"Connected"_s), qPrintable(window.statusText()));
        QVERIFY(window.bannerText().isEmpty());
        QCOMPARE(window.nodesView()->model()->index(0, NodeModel::StateColumn).data().toString(), u"up"_s);

        RawHttpClient bayeux(f.node.port);
        const QString clientId = f.node.session(bayeux, u"exo3"_s, AdminClusterFixture::Channel);
        QVERIFY(!clientId.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(window.usersView()->model()->rowCount(), 1, 10000);
        const QModelIndex userIndex = window.usersView()->model()->index(0, UserModel::UserColumn);
        QCOMPARE(userIndex.data().toString(), u"exo3"_s);
        QTRY_VERIFY_WITH_TIMEOUT(logContains(console.models.eventLog(), u"exo3 joined"_s), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(window.tabs()->tabText(1), u"Users (1)"_s, 10000);
        // The user's subscription shows in Channels (channel events come with the stats tick).
        QTRY_VERIFY_WITH_TIMEOUT(console.models.channels().rowOf(AdminClusterFixture::Channel) >= 0, 10000);
        window.channelFilter()->setText(u"cometd"_s);
        QCOMPARE(window.channelsView()->model()->rowCount(), 1);
        QCOMPARE(window.channelsView()->model()->index(0, ChannelModel::SubscribersColumn).data().toLongLong(), 1);

        // The filter box filters through the proxy; the model keeps its row.
        window.userFilter()->setText(u"nobody"_s);
        QCOMPARE(window.usersView()->model()->rowCount(), 0);
        window.userFilter()->setText(u"EXO"_s);
        QCOMPARE(window.usersView()->model()->rowCount(), 1);

        // Users ▸ context menu ▸ send a private message: Compose opens prefilled.
        window.composeToUser(window.usersView()->model()->index(0, 0));
        QCOMPARE(window.tabs()->currentWidget(), window.compose());
        ComposeWidget *compose = window.compose();
        auto *user = compose->findChild<QLineEdit *>(u"composeUser"_s);
        QVERIFY(user);
        QCOMPARE(user->text(), u"exo3"_s);
        compose->setChannel(AdminClusterFixture::Channel);
        compose->setMessage(u"{\"text\": "_s, true);
        QVERIFY(!compose->canSend());
        QVERIFY(compose->validationText().startsWith(u"invalid JSON"_s));
        compose->setMessage(u"{\"text\": \"hi exo3\"}"_s, true);
        QVERIFY(compose->canSend());
        compose->setMessageId(u"m1"_s);
        auto *send = compose->findChild<QPushButton *>(u"composeSend"_s);
        QVERIFY(send && send->isEnabled());
        QTest::mouseClick(send, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(compose->resultText(), u"delivered 1"_s, 10000);
        // The id moves on after a send, typed or not: no second message with id m1 by accident.
        auto *id = compose->findChild<QLineEdit *>(u"composeId"_s);
        QVERIFY(id);
        QCOMPARE(id->text(), u"m2"_s);
        QCOMPARE(console.models.sendHistory().rowCount(), 1);

        const auto received = AdminClusterFixture::awaitMessage(bayeux, clientId, AdminClusterFixture::Channel);
        QVERIFY(received);
        QCOMPARE(received->value(u"data"_s).toObject().value(u"text"_s).toString(), u"hi exo3"_s);
        QCOMPARE(received->value(u"id"_s).toString(), u"m1"_s);

        // Stats feed the load chart; the window paints (load bars, chart) without trouble.
        QTRY_VERIFY_WITH_TIMEOUT(!console.models.loadHistory().nodeIds().isEmpty(), 10000);
        window.tabs()->setCurrentIndex(0);
        QVERIFY(!window.grab().isNull());
    }

    // Long channel and user names, and every transport of a user, show whole in their columns;
    // the tooltip has the name too.
    void namesAndTransportsShowWhole()
    {
        Console console;
        MainWindow &window = console.window;
        window.resize(1200, 760);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString channelName = u"/eXo/cometd/private/notifications/organization/department/team-1234567"_s;
        console.models.channels().setChannels({ Channel { channelName, 3, 1.5 } });
        User user;
        user.user = u"exo-a-rather-long-directory-user-name@example.org"_s;
        user.node = u"2"_s;
        user.sessions = 2;
        user.transport = u"long-polling, websocket"_s;
        console.models.users().setUsers({ user });

        window.tabs()->setCurrentIndex(2);
        QTableView *channels = window.channelsView();
        QTRY_VERIFY(channels->columnWidth(ChannelModel::ChannelColumn)
            > channels->fontMetrics().horizontalAdvance(channelName));
        QCOMPARE(
            channels->model()->index(0, ChannelModel::ChannelColumn).data(Qt::ToolTipRole).toString(), channelName);

        window.tabs()->setCurrentIndex(1);
        QTableView *users = window.usersView();
        QTRY_VERIFY(
            users->columnWidth(UserModel::TransportColumn) > users->fontMetrics().horizontalAdvance(user.transport));
        QTRY_VERIFY(users->columnWidth(UserModel::UserColumn) > users->fontMetrics().horizontalAdvance(user.user));
        QCOMPARE(users->model()->index(0, UserModel::TransportColumn).data(Qt::ToolTipRole).toString(), user.transport);
    }

    // A node that is up offers drain, only after a confirmation; a draining one offers undrain only.
    void drainAsksFirstAndUndrainOnlyWhenDraining()
    {
        Console console;
        MainWindow &window = console.window;
        window.show();
        console.client.connectToCluster(f.url(), AdminClusterFixture::AdminToken);
        QAbstractItemModel *nodes = window.nodesView()->model();
        QTRY_COMPARE_WITH_TIMEOUT(nodes->rowCount(), 1, 10000);
        const auto menuTexts = [&] {
            QMenu *menu = window.nodeMenu(nodes->index(0, 0));
            QStringList texts;
            for (QAction *action : menu->actions())
                texts.append(action->text());
            return std::pair { menu, texts };
        };

        auto [menu, texts] = menuTexts();
        QCOMPARE(texts.size(), 1);
        QVERIFY2(texts.at(0).startsWith(u"Drain node"_s), qPrintable(texts.at(0)));
        // Cancelled: the box goes, the node stays up.
        menu->actions().at(0)->trigger();
        auto *box = window.findChild<QMessageBox *>(u"drainConfirmation"_s);
        QVERIFY(box && box->isVisible());
        QTest::mouseClick(box->button(QMessageBox::Cancel), Qt::LeftButton);
        QTRY_VERIFY(!window.findChild<QMessageBox *>(u"drainConfirmation"_s));
        QCOMPARE(nodes->index(0, NodeModel::StateColumn).data().toString(), u"up"_s);
        delete menu;

        std::tie(menu, texts) = menuTexts();
        menu->actions().at(0)->trigger();
        box = window.findChild<QMessageBox *>(u"drainConfirmation"_s);
        QVERIFY(box);
        auto *confirm = box->findChild<QPushButton *>(u"drainConfirm"_s);
        QVERIFY(confirm);
        QTest::mouseClick(confirm, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(nodes->index(0, NodeModel::StateColumn).data().toString(), u"draining"_s, 10000);
        delete menu;

        std::tie(menu, texts) = menuTexts();
        QCOMPARE(texts, QStringList { u"Undrain node %1"_s.arg(nodes->index(0, 0).data(KeyRole).toString()) });
        menu->actions().at(0)->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(nodes->index(0, NodeModel::StateColumn).data().toString(), u"up"_s, 10000);
        delete menu;
    }

    // The balancer goes away: what the console shows is marked as last seen, not left "up" in
    // green, until it is back and a new snapshot replaces it.
    void staleWhileTheBalancerIsGone()
    {
        Console console;
        MainWindow &window = console.window;
        console.client.setBackoff(100, 300);
        window.show();
        console.client.connectToCluster(f.url(), AdminClusterFixture::AdminToken);
        QAbstractItemModel *nodes = window.nodesView()->model();
        QTRY_COMPARE_WITH_TIMEOUT(nodes->rowCount(), 1, 10000);
        const QModelIndex state = nodes->index(0, NodeModel::StateColumn);
        QCOMPARE(state.data().toString(), u"up"_s);
        QVERIFY(!state.data(StaleRole).toBool());
        QVERIFY(!console.models.loadHistory().staleSince().isValid());

        const quint16 port = f.node.port;
        f.stop();
        QTRY_VERIFY_WITH_TIMEOUT(state.data(StaleRole).toBool(), 10000);
        QVERIFY2(state.data().toString().startsWith(u"up, stale: last seen "_s), qPrintable(state.data().toString()));
        // Shown whole, not "up, stale: las…".
        QTRY_VERIFY(window.nodesView()->columnWidth(NodeModel::StateColumn)
            > window.nodesView()->fontMetrics().horizontalAdvance(state.data().toString()));
        QCOMPARE(state.data(Qt::ForegroundRole).value<QBrush>().color(), QColor(0x80, 0x80, 0x80));
        QVERIFY(nodes->index(0, NodeModel::LoadColumn).data(StaleRole).toBool());
        QVERIFY(console.models.loadHistory().staleSince().isValid());
        QTRY_VERIFY_WITH_TIMEOUT(window.bannerText().contains(u"as last seen at"_s), 10000);
        QVERIFY(!window.grab().isNull()); // the chart paints its stale notice

        QVERIFY(f.start(port));
        QTRY_COMPARE_WITH_TIMEOUT(state.data().toString(), u"up"_s, 15000);
        QVERIFY(!state.data(StaleRole).toBool());
        QVERIFY(!console.models.loadHistory().staleSince().isValid());
        QTRY_VERIFY(window.bannerText().isEmpty());
    }

    // Selection survives live updates: events change rows in place, never reset the model.
    void selectionSurvivesEvents()
    {
        Console console;
        MainWindow &window = console.window;
        window.show();
        console.client.connectToCluster(f.url(), AdminClusterFixture::AdminToken);
        RawHttpClient a(f.node.port);
        RawHttpClient b(f.node.port);
        QVERIFY(!f.node.session(a, u"alice"_s, AdminClusterFixture::Channel).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(window.usersView()->model()->rowCount(), 1, 10000);
        window.usersView()->selectRow(0);
        QSignalSpy resets(&console.models.users(), &QAbstractItemModel::modelReset);
        QVERIFY(!f.node.session(b, u"bob"_s, AdminClusterFixture::Channel).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(window.usersView()->model()->rowCount(), 2, 10000);
        const QModelIndexList selected = window.usersView()->selectionModel()->selectedRows();
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.at(0).data(KeyRole).toString(), u"alice"_s);
        QCOMPARE(resets.size(), 0);
    }

    void refusedTokenIsShown()
    {
        Console console;
        console.window.show();
        console.client.connectToCluster(f.url(), u"not-the-token"_s);
        QTRY_VERIFY_WITH_TIMEOUT(console.window.statusText().contains(u"refused the admin token"_s), 10000);
        QVERIFY(console.window.bannerText().contains(u"refused the admin token"_s));
        // The connect dialog comes back, prefilled, with the reason.
        QTRY_VERIFY(console.window.connectDialog() && console.window.connectDialog()->isVisible());
        QCOMPARE(console.window.connectDialog()->url(), f.url());
        QCOMPARE(console.window.nodesView()->model()->rowCount(), 0);
    }

    void unreachableIsShown()
    {
        const QUrl url = f.url();
        f.stop();
        Console console;
        console.client.setBackoff(200, 200);
        console.window.show();
        console.client.connectToCluster(url, AdminClusterFixture::AdminToken);
        QTRY_VERIFY_WITH_TIMEOUT(console.window.statusText().contains(u"unreachable"_s), 10000);
        QVERIFY(console.window.bannerText().contains(u"reconnecting in"_s));
    }
};

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
