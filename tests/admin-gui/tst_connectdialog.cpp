// ConnectDialog: what it accepts as a balancer URL, and what it keeps in the settings.
#include "connectdialog.h"
#include "connectionsettings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace AdminGui;

class tst_ConnectDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parseUrl_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected"); // empty: refused
        QTest::addRow("http") << u"http://127.0.0.1:8080"_s << u"http://127.0.0.1:8080"_s;
        QTest::addRow("https") << u"https://cluster.example:443"_s << u"https://cluster.example:443"_s;
        QTest::addRow("host:port gets http") << u"  localhost:8080 "_s << u"http://localhost:8080"_s;
        QTest::addRow("empty") << QString() << QString();
        QTest::addRow("other scheme") << u"ftp://host:21"_s << QString();
        QTest::addRow("no host") << u"http://"_s << QString();
    }
    void parseUrl()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(ConnectDialog::parseUrl(text).toString(), expected);
    }

    void acceptRemembers()
    {
        QTemporaryDir dir;
        ConnectionSettings settings(dir.filePath(u"admin.ini"_s));
        ConnectDialog dialog(&settings);
        auto *url = dialog.findChild<QComboBox *>(u"connectUrl"_s);
        auto *token = dialog.findChild<QLineEdit *>(u"connectToken"_s);
        auto *error = dialog.findChild<QLabel *>(u"connectError"_s);
        QVERIFY(url && token && error);
        url->setEditText(u"127.0.0.1:9000"_s);
        dialog.accept(); // no token: refused with a message
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY(!error->text().isEmpty());
        token->setText(u"secret-token"_s);
        dialog.findChild<QCheckBox *>()->setChecked(true);
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.url().toString(), u"http://127.0.0.1:9000"_s);
        QCOMPARE(settings.recentClusters(), QStringList { u"http://127.0.0.1:9000"_s });
        QCOMPARE(settings.savedToken(u"http://127.0.0.1:9000"_s), u"secret-token"_s);

        // A second dialog offers the recent cluster with its kept token.
        ConnectDialog again(&settings);
        QCOMPARE(again.url().toString(), u"http://127.0.0.1:9000"_s);
        QCOMPARE(again.token(), u"secret-token"_s);
        QVERIFY(again.keepToken());
    }
};

QTEST_MAIN(tst_ConnectDialog)
#include "tst_connectdialog.moc"
