// SendHistoryModel: what was sent, then its answer filled in place.
#include "samplejson.h"
#include "sendhistorymodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace AdminGui;

class tst_SendHistoryModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sentThenAnswered()
    {
        SendHistoryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const auto privateMessage
            = checkCompose(false, u"exo1"_s, u"/a"_s, u"{\"x\":1}"_s, true, u"1"_s).message.value();
        const auto broadcast = checkCompose(true, {}, u"/b"_s, u"hello"_s, false, u"2"_s).message.value();
        model.addSent(10, privateMessage);
        model.addSent(11, broadcast);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, SendHistoryModel::TargetColumn).data().toString(), u"exo1"_s);
        QCOMPARE(model.index(0, SendHistoryModel::MessageColumn).data().toString(), u"{\"x\":1}"_s);
        QCOMPARE(model.index(1, SendHistoryModel::TypeColumn).data().toString(), u"broadcast"_s);
        QCOMPARE(model.index(1, SendHistoryModel::MessageColumn).data().toString(), u"hello"_s);
        QCOMPARE(model.index(0, SendHistoryModel::ResultColumn).data().toString(), u"sending…"_s);

        const QPersistentModelIndex first = model.index(0, SendHistoryModel::ResultColumn);
        model.setResult(11, parseSendReply(200, R"({"delivered":4})", {}));
        model.setResult(10, parseSendReply(404, R"({"error":"no session"})", {}));
        model.setResult(99, parseSendReply(200, R"({"delivered":1})", {})); // unknown: ignored
        QCOMPARE(changed.size(), 2);
        QCOMPARE(model.index(1, SendHistoryModel::ResultColumn).data().toString(), u"delivered 4"_s);
        QCOMPARE(first.data().toString(), u"error 404: no session"_s);
        QVERIFY(model.index(0, SendHistoryModel::ResultColumn).data(Qt::ForegroundRole).isValid());
    }
};

QTEST_GUILESS_MAIN(tst_SendHistoryModel)
#include "tst_sendhistorymodel.moc"
