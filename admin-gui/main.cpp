// cometd-admin: the desktop console of a cometd cluster (SPEC §1, §2 Admin API).
#include "adminclient.h"
#include "appicon.h"
#include "connectdialog.h"
#include "connectionsettings.h"
#include "consolemodels.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>
#include <optional>

using namespace Qt::StringLiterals;

namespace {

// The command line, built twice: once without a display for --help and --version, once under
// QApplication for everything else.
struct Options
{
    QCommandLineOption url { { u"url"_s, u"connect"_s },
        u"Connect at start to the balancer at URL (http://host:port)."_s, u"URL"_s };
    QCommandLineOption token { u"token"_s,
        u"The admin token (adminToken); default: $COMETD_ADMIN_TOKEN, then the one remembered for URL."_s, u"TOKEN"_s };
    QCommandLineOption tab { u"tab"_s, u"Show this tab first: 0 nodes, 1 users, 2 channels, 3 compose, 4 log."_s,
        u"N"_s, u"0"_s };
    QCommandLineOption screenshot { u"screenshot"_s,
        u"Save a picture of the window to FILE after the delay, then quit."_s, u"FILE"_s };
    QCommandLineOption screenshotDelay { u"screenshot-delay-ms"_s, u"Delay before --screenshot (default 5000)."_s,
        u"MS"_s, u"5000"_s };

    void addTo(QCommandLineParser &parser) const
    {
        parser.setApplicationDescription(u"Desktop console of a cometd cluster."_s);
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addOptions({ url, token, tab, screenshot, screenshotDelay });
    }
};

void setApplicationIdentity()
{
    QCoreApplication::setOrganizationName(u"cometd-cluster"_s);
    QCoreApplication::setApplicationName(u"cometd-admin"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(COMETD_VERSION));
}

// QApplication aborts when there is no display, and `--help` must work over ssh or in a package
// check all the same: answer those two under a QCoreApplication that is gone before the GUI starts.
// Errors are left to the second parse, which knows the GUI's own options (-platform, ...).
std::optional<int> answerWithoutDisplay(int argc, char *argv[])
{
    const QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const Options options;
    options.addTo(parser);
    parser.parse(QCoreApplication::arguments());
    if (parser.isSet(u"help"_s) || parser.isSet(u"help-all"_s)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (parser.isSet(u"version"_s)) {
        std::printf("cometd-admin %s\n", COMETD_VERSION);
        return 0;
    }
    return std::nullopt;
}

} // namespace

int main(int argc, char *argv[])
{
    setApplicationIdentity();
    if (const auto answered = answerWithoutDisplay(argc, argv)) return *answered;

    QApplication app(argc, argv);
    QApplication::setWindowIcon(AdminGui::appIcon());
    QApplication::setDesktopFileName(u"cometd-admin"_s);

    QCommandLineParser parser;
    const Options options;
    options.addTo(parser);
    parser.process(app);
    const auto &[url, token, tab, screenshot, screenshotDelay] = options;

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
