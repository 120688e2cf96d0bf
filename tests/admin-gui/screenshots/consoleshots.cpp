// console-shots: pictures of cometd-admin in each state the README and the closing notes show,
// taken from a real cluster (tests/admin-gui/screenshots/take-screenshots.sh starts one). Drives the
// same MainWindow main.cpp builds, offscreen: nodes, users, channels, a message sent from Compose,
// the event log, the drain confirmation and the node menu of a draining node; then waits for the
// balancer to go (the script kills it) and takes the stale state. Not a test: it asserts nothing.
#include "adminclient.h"
#include "composewidget.h"
#include "connectdialog.h"
#include "connectionsettings.h"
#include "consolemodels.h"
#include "mainwindow.h"
#include "modelroles.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QDir>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <functional>

using namespace AdminGui;
using namespace Qt::StringLiterals;

namespace {

bool waitFor(const std::function<bool()> &condition, int ms = 30000)
{
    return QTest::qWaitFor(condition, ms);
}

void say(const QString &line)
{
    std::printf("%s\n", line.toUtf8().constData());
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption url(u"url"_s, u"The balancer."_s, u"URL"_s);
    const QCommandLineOption out(u"out"_s, u"Directory for the PNG files."_s, u"DIR"_s);
    const QCommandLineOption users(u"users"_s, u"Users connected before the console."_s, u"N"_s, u"1"_s);
    const QCommandLineOption more(u"more"_s,
        u"Users who join once the console says it is connected (the event log shows them)."_s, u"N"_s, u"0"_s);
    parser.addOptions({ url, out, users, more });
    parser.process(app);
    const QDir dir(parser.value(out));
    const int expectedUsers = parser.value(users).toInt();
    const int laterUsers = parser.value(more).toInt();

    QTemporaryDir settingsDir;
    ConnectionSettings settings(settingsDir.filePath(u"admin.ini"_s));
    AdminClient client;
    client.setBackoff(200, 500);
    ConsoleModels models(&client);
    MainWindow window(&client, &models, &settings);
    window.resize(1200, 720);
    window.show();
    const auto shot = [&](QWidget *widget, const QString &name) {
        QCoreApplication::processEvents();
        const QString path = dir.filePath(name + u".png"_s);
        if (!widget->grab().save(path)) {
            say(u"cannot write "_s + path);
            std::exit(1);
        }
        say(u"wrote "_s + path);
    };

    client.connectToCluster(QUrl(parser.value(url)), QString());
    QAbstractItemModel *nodes = window.nodesView()->model();
    if (!waitFor([&] { return nodes->rowCount() >= 2 && models.users().rowCount() >= expectedUsers; })) {
        say(u"the cluster did not show %1 users"_s.arg(expectedUsers));
        return 1;
    }
    say(u"console connected"_s);
    if (!waitFor([&] { return models.users().rowCount() >= expectedUsers + laterUsers; })) {
        say(u"the cluster did not show %1 users"_s.arg(expectedUsers + laterUsers));
        return 1;
    }
    // A few stats ticks (one a second), so that the chart has a line to draw.
    waitFor([&] {
        const QStringList ids = models.loadHistory().nodeIds();
        return !ids.isEmpty() && models.loadHistory().samples(ids.first()).size() >= 6;
    });

    window.tabs()->setCurrentIndex(0);
    shot(&window, u"nodes"_s);
    window.tabs()->setCurrentIndex(1);
    shot(&window, u"users"_s);
    window.tabs()->setCurrentIndex(2);
    shot(&window, u"channels"_s);

    window.composeToUser(window.usersView()->model()->index(0, 0));
    ComposeWidget *compose = window.compose();
    compose->setChannel(u"/eXo/cometd/test"_s);
    compose->setMessage(u"{\"text\": \"hello from the console\"}"_s, true);
    compose->findChild<QPushButton *>(u"composeSend"_s)->click();
    waitFor([&] { return compose->resultText().startsWith(u"delivered"_s); }, 10000);
    shot(&window, u"compose"_s);

    window.tabs()->setCurrentIndex(4);
    shot(&window, u"eventlog"_s);

    // Drain node 2: the confirmation first, then the menu of a draining node offers undrain only.
    window.tabs()->setCurrentIndex(0);
    int row = 0;
    while (row < nodes->rowCount() && nodes->index(row, 0).data(KeyRole).toString() != u"2"_s)
        ++row;
    QMenu *menu = window.nodeMenu(nodes->index(row, 0));
    menu->actions().at(0)->trigger();
    auto *box = window.findChild<QMessageBox *>(u"drainConfirmation"_s);
    if (box) {
        shot(box, u"drain-confirmation"_s);
        box->findChild<QPushButton *>(u"drainConfirm"_s)->click();
    }
    delete menu;
    waitFor([&] { return nodes->index(row, NodeModel::StateColumn).data().toString() == u"draining"_s; }, 10000);
    shot(&window, u"nodes-draining"_s);
    menu = window.nodeMenu(nodes->index(row, 0));
    menu->adjustSize();
    shot(menu, u"node-menu-draining"_s);
    menu->actions().at(0)->trigger();
    delete menu;
    waitFor([&] { return nodes->index(row, NodeModel::StateColumn).data().toString() == u"up"_s; }, 10000);

    say(u"ready for the balancer to go"_s);
    if (!waitFor([&] { return nodes->index(0, NodeModel::StateColumn).data(StaleRole).toBool(); }, 60000)) {
        say(u"the console never marked the nodes stale"_s);
        return 1;
    }
    // The banner says since when and when the next attempt is.
    waitFor([&] { return window.bannerText().contains(u"last seen"_s); }, 10000);
    shot(&window, u"stale"_s);
    return 0;
}
