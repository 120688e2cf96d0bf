// ConnectionSettings: recent clusters newest first, a token kept only when asked.
#include "connectionsettings.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace AdminGui;

class tst_ConnectionSettings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void recentAndTokens()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(u"admin.ini"_s);
        {
            ConnectionSettings settings(file);
            QVERIFY(settings.recentClusters().isEmpty());
            settings.remember(u"http://a:1"_s, u"ta"_s, true);
            settings.remember(u"http://b:2"_s, u"tb"_s, false);
            settings.remember(u"http://a:1"_s, u"ta2"_s, true);
        }
        ConnectionSettings reopened(file);
        QCOMPARE(reopened.recentClusters(), (QStringList { u"http://a:1"_s, u"http://b:2"_s }));
        QCOMPARE(reopened.savedToken(u"http://a:1"_s), u"ta2"_s);
        QCOMPARE(reopened.savedToken(u"http://b:2"_s), QString());
        reopened.remember(u"http://a:1"_s, u"ta2"_s, false); // unticking forgets it
        QCOMPARE(reopened.savedToken(u"http://a:1"_s), QString());
        for (int i = 0; i < 15; ++i)
            reopened.remember(u"http://h%1:1"_s.arg(i), {}, false);
        QCOMPARE(reopened.recentClusters().size(), ConnectionSettings::MaxRecent);
        QCOMPARE(reopened.recentClusters().first(), u"http://h14:1"_s);
    }
};

QTEST_GUILESS_MAIN(tst_ConnectionSettings)
#include "tst_connectionsettings.moc"
