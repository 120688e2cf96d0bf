// The Prometheus text format of /metrics, without sockets.
#include "metricsformatter.h"
#include "processmetrics.h"

#include <QTest>

using namespace Qt::StringLiterals;

class tst_MetricsFormatter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void values_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QByteArray>("text");
        QTest::addRow("zero") << 0.0 << QByteArray("0");
        QTest::addRow("integer") << 42.0 << QByteArray("42");
        QTest::addRow("large integer") << 1e12 << QByteArray("1000000000000");
        QTest::addRow("fraction") << 0.5 << QByteArray("0.5");
        QTest::addRow("nan") << qQNaN() << QByteArray("NaN");
        QTest::addRow("+inf") << qInf() << QByteArray("+Inf");
        QTest::addRow("-inf") << -qInf() << QByteArray("-Inf");
    }
    void values()
    {
        QFETCH(double, value);
        QFETCH(QByteArray, text);
        QCOMPARE(MetricsFormatter::formatValue(value), text);
    }

    void labelEscaping_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QByteArray>("escaped");
        QTest::addRow("plain") << u"node-1"_s << QByteArray("node-1");
        QTest::addRow("quote") << u"a\"b"_s << QByteArray("a\\\"b");
        QTest::addRow("backslash") << u"a\\b"_s << QByteArray("a\\\\b");
        QTest::addRow("newline") << u"a\nb"_s << QByteArray("a\\nb");
        QTest::addRow("utf-8") << u"n\u00e9"_s << QByteArray("n\xc3\xa9");
    }
    void labelEscaping()
    {
        QFETCH(QString, value);
        QFETCH(QByteArray, escaped);
        QCOMPARE(MetricsFormatter::escapeLabelValue(value), escaped);
    }

    void familiesAreGroupedWithOneHeader()
    {
        MetricsFormatter f;
        f.gauge("a_up"_L1, "Up."_L1, 1, { { u"node"_s, u"1"_s } });
        f.counter("b_total"_L1, "Bs."_L1, 7);
        f.gauge("a_up"_L1, "Up."_L1, 0, { { u"node"_s, u"2"_s } });
        QCOMPARE(f.text(),
            QByteArray("# HELP a_up Up.\n# TYPE a_up gauge\na_up{node=\"1\"} 1\na_up{node=\"2\"} 0\n"
                       "# HELP b_total Bs.\n# TYPE b_total counter\nb_total 7\n"));
    }

    void severalLabels()
    {
        MetricsFormatter f;
        f.gauge("x"_L1, "X."_L1, 3, { { u"a"_s, u"1"_s }, { u"b"_s, u"q\""_s } });
        QVERIFY(f.text().contains("x{a=\"1\",b=\"q\\\"\"} 3\n"));
    }

    void nodeMetrics()
    {
        MetricsFormatter f;
        Admin::NodeSample s;
        s.sessions = 3;
        s.users = 2;
        s.heldConnects = 1;
        s.queuedMessages = 5;
        s.deliveries = 99;
        Admin::appendNodeMetrics(f, s);
        const QByteArray text = f.text();
        QVERIFY(text.contains("\ncometd_sessions 3\n"));
        QVERIFY(text.contains("\ncometd_users 2\n"));
        QVERIFY(text.contains("\ncometd_held_connects 1\n"));
        QVERIFY(text.contains("\ncometd_queued_messages 5\n"));
        QVERIFY(text.contains("# TYPE cometd_deliveries_total counter\ncometd_deliveries_total 99\n"));
    }

    void clusterMetrics()
    {
        Balancer::NodeInfo up;
        up.id = u"1"_s;
        up.state = Balancer::NodeState::Up;
        up.sessions = 4;
        up.users = 3;
        Balancer::NodeInfo down;
        down.id = u"2"_s;
        down.state = Balancer::NodeState::Down;
        Balancer::NodeInfo draining;
        draining.id = u"3"_s;
        draining.state = Balancer::NodeState::Draining;
        Balancer::ClusterTotals totals;
        totals.nodes = 3;
        totals.liveNodes = 2;
        totals.sessions = 4;
        totals.users = 3;
        totals.messagesOut = 12;
        MetricsFormatter f;
        Admin::appendClusterMetrics(f, { up, down, draining }, totals);
        const QByteArray text = f.text();
        QVERIFY(text.contains("cometd_node_sessions{node=\"1\"} 4\n"));
        QVERIFY(text.contains("cometd_node_users{node=\"1\"} 3\n"));
        QVERIFY(text.contains("cometd_node_up{node=\"1\"} 1\n"));
        QVERIFY(text.contains("cometd_node_up{node=\"2\"} 0\n"));
        QVERIFY(text.contains("cometd_node_up{node=\"3\"} 1\n"));
        QVERIFY(text.contains("cometd_node_draining{node=\"1\"} 0\n"));
        QVERIFY(text.contains("cometd_node_draining{node=\"2\"} 0\n"));
        QVERIFY(text.contains("cometd_node_draining{node=\"3\"} 1\n"));
        QVERIFY(text.contains("\ncometd_cluster_nodes 3\n"));
        QVERIFY(text.contains("\ncometd_cluster_sessions 4\n"));
        QVERIFY(text.contains("\ncometd_cluster_messages_out_total 12\n"));
        QCOMPARE(text.count("# TYPE cometd_node_up gauge"), 1);
    }
};

QTEST_GUILESS_MAIN(tst_MetricsFormatter)
#include "tst_metricsformatter.moc"
