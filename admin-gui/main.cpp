// cometd-admin: the desktop console of a cometd cluster (SPEC §1, §2 Admin API).
#include "adminclient.h"
#include "appicon.h"
#include "connectdialog.h"
#include "connectionsettings.h"
#include "consolemodels.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"cometd-cluster"_s);
    QApplication::setApplicationName(u"cometd-admin"_s);
    QApplication::setApplicationVersion(QStringLiteral(COMETD_VERSION));
    QApplication::setWindowIcon(AdminGui::appIcon());
    QApplication::setDesktopFileName(u"cometd-admin"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Desktop console of a cometd cluster."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption url(
        { u"url"_s, u"connect"_s }, u"Connect at start to the balancer at URL (http://host:port)."_s, u"URL"_s);
    const QCommandLineOption token(u"token"_s,
        u"The admin token (adminToken); default: $COMETD_ADMIN_TOKEN, then the one remembered for URL."_s, u"TOKEN"_s);
    const QCommandLineOption tab(
        u"tab"_s, u"Show this tab first: 0 nodes, 1 users, 2 channels, 3 compose, 4 log."_s, u"N"_s, u"0"_s);
    const QCommandLineOption screenshot(
        u"screenshot"_s, u"Save a picture of the window to FILE after the delay, then quit."_s, u"FILE"_s);
    const QCommandLineOption screenshotDelay(
        u"screenshot-delay-ms"_s, u"Delay before --screenshot (default 5000)."_s, u"MS"_s, u"5000"_s);
    parser.addOptions({ url, token, tab, screenshot, screenshotDelay });
    parser.process(app);

    AdminGui::ConnectionSettings settings;
    AdminGui::AdminClient client;
    AdminGui::ConsoleModels models(&client);
    AdminGui::MainWindow window(&client, &models, &settings);
    window.tabs()->setCurrentIndex(parser.value(tab).toInt());
    window.show();

    if (parser.isSet(url)) {
        const QUrl baseUrl = AdminGui::ConnectDialog::parseUrl(parser.value(url));
        if (baseUrl.isEmpty()) {
            std::fprintf(
                stderr, "cometd-admin: --url %s: not an http(s)://host:port URL\n", qPrintable(parser.value(url)));
            return 2;
        }
        QString adminToken = parser.value(token);
        if (adminToken.isEmpty()) adminToken = qEnvironmentVariable("COMETD_ADMIN_TOKEN");
        if (adminToken.isEmpty()) adminToken = settings.savedToken(baseUrl.toString());
        client.connectToCluster(baseUrl, adminToken);
    } else {
        QTimer::singleShot(0, &window, &AdminGui::MainWindow::openConnectDialog);
    }

    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        QTimer::singleShot(parser.value(screenshotDelay).toInt(), &window, [&window, file] {
            const bool saved = window.grab().save(file);
            if (!saved) std::fprintf(stderr, "cometd-admin: cannot write %s\n", qPrintable(file));
            QApplication::exit(saved ? 0 : 1);
        });
    }
    return app.exec();
}
