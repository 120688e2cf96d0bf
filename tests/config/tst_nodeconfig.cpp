#include "configloader.h"
#include "nodecommandline.h"
#include "nodeconfig.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

const QString File = u"cluster.json"_s;

// The eXo kernel configuration exactly as the seed design gives it (one line).
const QByteArray SeedXml
    = "<configuration> <component> <type>org.exoplatform.ws.frameworks.cometd.ContinuationService</type> </component> "
      "<component> <key>org.mortbay.cometd.continuation.AbstractBayeux</key> "
      "<type>org.mortbay.cometd.continuation.EXoContinuationBayeux</type> </component> <component> "
      "<key>org.exoplatform.ws.frameworks.cometd.transport.ContinuationServiceDelegate</key> "
      "<type>org.exoplatform.ws.frameworks.cometd.transport.ContinuationServiceRemoteDelegate</type> </component> "
      "<component> <type>org.exoplatform.ws.frameworks.cometd.transport.RESTContinuationService</type> </component> "
      "<component> <type>org.exoplatform.ws.frameworks.cometd.loadbalancer.RESTLoadBalancerService</type> </component> "
      "<component> <key>org.exoplatform.ws.frameworks.cometd.loadbalancer.LoadBalancer</key> "
      "<type>org.exoplatform.ws.frameworks.cometd.loadbalancer.LoadBalancerImpl</type> <init-params> <object-param> "
      "<name>cometd.lb.configuration</name> <description>cometd lb nodes</description> <object "
      "type=\"org.exoplatform.ws.frameworks.cometd.loadbalancer.LoadBalancerImpl$LoadBalancerConf\"> <field "
      "name=\"nodes\"> <collection type=\"java.util.ArrayList\"> <value> <object "
      "type=\"org.exoplatform.ws.frameworks.cometd.loadbalancer.Node\"> <field name=\"id\"> <string>1</string> "
      "</field> <field name=\"url\"> <string>http://localhost:8080</string> </field> <field name=\"maxConnection\"> "
      "<int>10</int> </field> </object> </value> <value> <object "
      "type=\"org.exoplatform.ws.frameworks.cometd.loadbalancer.Node\"> <field name=\"id\"> <string>2</string> "
      "</field> <field name=\"url\"> <string>http://localhost:8081</string> </field> <field name=\"maxConnection\"> "
      "<int>15</int> </field> </object> </value> </collection> </field> </object> </object-param> </init-params> "
      "</component> </configuration>";

// The object-param alone, with an XML declaration and comments.
const QByteArray BareObjectParam
    = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- the load balancer's nodes -->\n<object-param>\n  <name> "
      "cometd.lb.configuration </name>\n  <object "
      "type=\"org.exoplatform.ws.frameworks.cometd.loadbalancer.LoadBalancerImpl$LoadBalancerConf\">\n    <field "
      "name=\"nodes\"><collection type=\"java.util.ArrayList\">\n      <value><object "
      "type=\"org.exoplatform.ws.frameworks.cometd.loadbalancer.Node\">\n        <field "
      "name=\"id\"><string>a</string></field>\n        <field "
      "name=\"url\"><string>https://node-a.example.com/</string></field>\n      </object></value>\n    "
      "</collection></field>\n  </object>\n</object-param>\n";

QByteArray xmlWithNode(const QByteArray &fields)
{
    return "<object-param><name>cometd.lb.configuration</name><object><field "
           "name=\"nodes\"><collection>\n<value><object>"
        + fields + "</object></value></collection></field></object></object-param>";
}

// One setting of a NodeConfig as text, so that data rows can name what they expect.
QString render(const NodeConfig &config, const QString &key)
{
    const auto ms = [](std::chrono::milliseconds value) { return QString::number(value.count()); };
    if (key == u"role") return roleName(config.role);
    if (key == u"listen") return config.listen.toString();
    if (key == u"nodeId") return config.nodeId;
    if (key == u"balancerUrl") return config.balancerUrl.toString();
    if (key == u"secret") return config.secret;
    if (key == u"apiKey") return config.apiKey;
    if (key == u"adminToken") return config.adminToken;
    if (key == u"tokenIssue") return tokenIssueName(config.tokenIssue);
    if (key == u"tokenTtl") return QString::number(config.tokenTtl.count());
    if (key == u"nodes") {
        QStringList nodes;
        for (const auto &node : config.nodes)
            nodes << node.id + u'@' + node.baseUrl() + u'/' + QString::number(node.maxConnection);
        return nodes.join(u' ');
    }
    if (key == u"bayeux.timeout") return ms(config.bayeux.timeout);
    if (key == u"bayeux.interval") return ms(config.bayeux.interval);
    if (key == u"bayeux.maxInterval") return ms(config.bayeux.maxInterval);
    if (key == u"bayeux.maxMessageBytes") return QString::number(config.bayeux.maxMessageBytes);
    if (key == u"bayeux.maxSessionsPerUser") return QString::number(config.bayeux.maxSessionsPerUser);
    if (key == u"limits.maxConnections") return QString::number(config.limits.maxConnections);
    if (key == u"limits.maxRequestBytes") return QString::number(config.limits.maxRequestBytes);
    if (key == u"limits.headerTimeout") return ms(config.limits.headerTimeout);
    if (key == u"limits.idleTimeout") return ms(config.limits.idleTimeout);
    if (key == u"limits.maxOutgoingBytes") return QString::number(config.limits.maxOutgoingBytes);
    if (key == u"cors.origins") return config.cors.origins.join(u' ');
    qFatal("render: unknown key");
    return {};
}

// JSON written with single quotes, so that the rows stay readable without escapes.
QByteArray json(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

QString errorOf(const ConfigResult<NodeConfig> &result)
{
    return result ? u"<no error>"_s : result.error().toString();
}

} // namespace

class TestNodeConfig : public QObject
{
    Q_OBJECT

private slots:
    void defaults_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("expected");
        QTest::addRow("role") << u"role"_s << u"all"_s;
        QTest::addRow("listen") << u"listen"_s << u"127.0.0.1:8080"_s;
        QTest::addRow("nodeId") << u"nodeId"_s << u"1"_s;
        QTest::addRow("balancerUrl") << u"balancerUrl"_s << u"http://127.0.0.1:8080"_s;
        QTest::addRow("secret") << u"secret"_s << QString();
        QTest::addRow("apiKey") << u"apiKey"_s << QString();
        QTest::addRow("adminToken") << u"adminToken"_s << QString();
        QTest::addRow("tokenIssue") << u"tokenIssue"_s << u"open"_s;
        QTest::addRow("tokenTtl") << u"tokenTtl"_s << u"86400"_s;
        QTest::addRow("nodes") << u"nodes"_s << QString();
        QTest::addRow("bayeux.timeout") << u"bayeux.timeout"_s << u"30000"_s;
        QTest::addRow("bayeux.interval") << u"bayeux.interval"_s << u"0"_s;
        QTest::addRow("bayeux.maxInterval") << u"bayeux.maxInterval"_s << u"10000"_s;
        QTest::addRow("bayeux.maxMessageBytes") << u"bayeux.maxMessageBytes"_s << u"65536"_s;
        QTest::addRow("bayeux.maxSessionsPerUser") << u"bayeux.maxSessionsPerUser"_s << u"16"_s;
        QTest::addRow("limits.maxConnections") << u"limits.maxConnections"_s << u"50000"_s;
        QTest::addRow("limits.maxRequestBytes") << u"limits.maxRequestBytes"_s << u"65536"_s;
        QTest::addRow("limits.headerTimeout") << u"limits.headerTimeout"_s << u"10000"_s;
        QTest::addRow("limits.idleTimeout") << u"limits.idleTimeout"_s << u"60000"_s;
        QTest::addRow("limits.maxOutgoingBytes") << u"limits.maxOutgoingBytes"_s << u"1048576"_s;
        QTest::addRow("cors.origins") << u"cors.origins"_s << u"*"_s;
    }
    void defaults()
    {
        QFETCH(QString, key);
        QFETCH(QString, expected);
        QCOMPARE(render(NodeConfig(), key), expected);
        const auto parsed = ConfigLoader::parse("{}", File);
        QVERIFY2(parsed, qPrintable(errorOf(parsed)));
        QCOMPARE(render(parsed.value(), key), expected);
        QVERIFY(!parsed->isSet(key));
    }

    void emptyObjectIsTheDefault()
    {
        auto parsed = ConfigLoader::parse(" \n{ }\n", File);
        QVERIFY(parsed);
        QCOMPARE(parsed->source, File);
        NodeConfig expected;
        expected.source = File;
        QVERIFY(parsed.value() == expected);
    }

    void parsesEachKey_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("expected");
        QTest::addRow("role balancer") << json("{'role': 'balancer'}") << u"role"_s << u"balancer"_s;
        QTest::addRow("role node") << json("{'role': 'node'}") << u"role"_s << u"node"_s;
        QTest::addRow("role all") << json("{'role': 'all'}") << u"role"_s << u"all"_s;
        QTest::addRow("listen ipv4") << json("{'listen': '0.0.0.0:9000'}") << u"listen"_s << u"0.0.0.0:9000"_s;
        QTest::addRow("listen ipv6") << json("{'listen': '[::1]:9000'}") << u"listen"_s << u"[::1]:9000"_s;
        QTest::addRow("listen hostname") << json("{'listen': 'localhost:1'}") << u"listen"_s << u"localhost:1"_s;
        QTest::addRow("listen port 0") << json("{'listen': '127.0.0.1:0'}") << u"listen"_s << u"127.0.0.1:0"_s;
        QTest::addRow("listen port 65535")
            << json("{'listen': '127.0.0.1:65535'}") << u"listen"_s << u"127.0.0.1:65535"_s;
        QTest::addRow("nodeId") << json("{'nodeId': 'node-7'}") << u"nodeId"_s << u"node-7"_s;
        QTest::addRow("balancerUrl") << json("{'balancerUrl': 'https://lb.example.com:8443/'}") << u"balancerUrl"_s
                                     << u"https://lb.example.com:8443"_s;
        QTest::addRow("secret") << json("{'secret': 's3cret with spaces'}") << u"secret"_s << u"s3cret with spaces"_s;
        QTest::addRow("apiKey") << json("{'apiKey': 'key-1'}") << u"apiKey"_s << u"key-1"_s;
        QTest::addRow("adminToken") << json("{'adminToken': 'adm'}") << u"adminToken"_s << u"adm"_s;
        QTest::addRow("tokenIssue apiKey") << json("{'tokenIssue': 'apiKey'}") << u"tokenIssue"_s << u"apiKey"_s;
        QTest::addRow("tokenIssue open") << json("{'tokenIssue': 'open'}") << u"tokenIssue"_s << u"open"_s;
        QTest::addRow("tokenTtl") << json("{'tokenTtl': 60}") << u"tokenTtl"_s << u"60"_s;
        QTest::addRow("tokenTtl as 60.0") << json("{'tokenTtl': 60.0}") << u"tokenTtl"_s << u"60"_s;
        QTest::addRow("nodes") << json("{'nodes': [{'id': '1', 'url': 'http://127.0.0.1:8081', 'maxConnection': 10}, "
                                       "{'url': 'http://127.0.0.1:8082/', 'id': '2'}]}")
                               << u"nodes"_s << u"1@http://127.0.0.1:8081/10 2@http://127.0.0.1:8082/20000"_s;
        QTest::addRow("nodes behind a proxy path")
            << json("{'nodes': [{'id': 'a', 'url': 'https://example.com/push/a/'}]}") << u"nodes"_s
            << u"a@https://example.com/push/a/20000"_s;
        QTest::addRow("nodes empty") << json("{'nodes': []}") << u"nodes"_s << QString();
        QTest::addRow("bayeux.timeout") << json("{'bayeux': {'timeout': 20000}}") << u"bayeux.timeout"_s << u"20000"_s;
        QTest::addRow("bayeux.interval") << json("{'bayeux': {'interval': 250}}") << u"bayeux.interval"_s << u"250"_s;
        QTest::addRow("bayeux.maxInterval")
            << json("{'bayeux': {'maxInterval': 5000}}") << u"bayeux.maxInterval"_s << u"5000"_s;
        QTest::addRow("bayeux.maxMessageBytes")
            << json("{'bayeux': {'maxMessageBytes': 1024}}") << u"bayeux.maxMessageBytes"_s << u"1024"_s;
        QTest::addRow("bayeux.maxSessionsPerUser")
            << json("{'bayeux': {'maxSessionsPerUser': 1}}") << u"bayeux.maxSessionsPerUser"_s << u"1"_s;
        QTest::addRow("limits.maxConnections")
            << json("{'limits': {'maxConnections': 3}}") << u"limits.maxConnections"_s << u"3"_s;
        QTest::addRow("limits.maxRequestBytes")
            << json("{'limits': {'maxRequestBytes': 4096}}") << u"limits.maxRequestBytes"_s << u"4096"_s;
        QTest::addRow("limits.headerTimeout")
            << json("{'limits': {'headerTimeout': 500}}") << u"limits.headerTimeout"_s << u"500"_s;
        QTest::addRow("limits.idleTimeout")
            << json("{'limits': {'idleTimeout': 90000}}") << u"limits.idleTimeout"_s << u"90000"_s;
        QTest::addRow("limits.maxOutgoingBytes at its minimum")
            << json("{'limits': {'maxOutgoingBytes': 1024}}") << u"limits.maxOutgoingBytes"_s << u"1024"_s;
        QTest::addRow("limits.maxOutgoingBytes")
            << json("{'limits': {'maxOutgoingBytes': 8388608}}") << u"limits.maxOutgoingBytes"_s << u"8388608"_s;
        QTest::addRow("cors.origins") << json(
            "{'cors': {'origins': ['https://App.example.com:8443', 'http://localhost:3000']}}")
                                      << u"cors.origins"_s << u"https://app.example.com:8443 http://localhost:3000"_s;
        QTest::addRow("cors.origins empty") << json("{'cors': {'origins': []}}") << u"cors.origins"_s << QString();
        QTest::addRow("utf-8 bom") << QByteArray("\xEF\xBB\xBF{\"role\": \"node\"}") << u"role"_s << u"node"_s;
    }
    void parsesEachKey()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, key);
        QFETCH(QString, expected);
        const auto parsed = ConfigLoader::parse(json, File);
        QVERIFY2(parsed, qPrintable(errorOf(parsed)));
        QCOMPARE(render(parsed.value(), key), expected);
        QVERIFY(parsed->isSet(key));
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        // syntax and shape
        QTest::addRow("invalid JSON")
            << QByteArray("{\n  \"role\": \"all\",\n  \"listen\" \"x\"\n}")
            << u"cluster.json: invalid JSON at line 3, column 13 (offset 31): missing name separator"_s;
        QTest::addRow("after a comment line the line numbers hold")
            << QByteArray("// the role\n{\n  // where\n  \"listen\" \"x\"\n}")
            << u"cluster.json: invalid JSON at line 4, column 13 (offset 37): missing name separator"_s;
        QTest::addRow("a comment after a value is not one")
            << QByteArray("{\"role\": \"all\" // all-in-one\n}")
            << u"cluster.json: invalid JSON at line 1, column 17 (offset 16): unterminated object"_s;
        QTest::addRow("truncated") << json(
            "{'role': 'all'") << u"cluster.json: invalid JSON at line 1, column 15 (offset 14): unterminated string"_s;
        QTest::addRow("empty file") << QByteArray(" \n")
                                    << u"cluster.json: empty file (expected a JSON object or eXo XML)"_s;
        QTest::addRow("array at top") << QByteArray("[1]")
                                      << u"cluster.json: must hold a JSON object at the top level"_s;
        // unknown keys
        QTest::addRow("unknown key") << json("{'rolle': 'all'}") << u"cluster.json: rolle: unknown key"_s;
        QTest::addRow("unknown nested key")
            << json("{'limits': {'idleTimeOut': 1}}") << u"cluster.json: limits.idleTimeOut: unknown key"_s;
        QTest::addRow("unknown bayeux key")
            << json("{'bayeux': {'timeout': 1000, 'hold': 1}}") << u"cluster.json: bayeux.hold: unknown key"_s;
        QTest::addRow("unknown cors key")
            << json("{'cors': {'origin': '*'}}") << u"cluster.json: cors.origin: unknown key"_s;
        QTest::addRow("unknown limits key near maxOutgoingBytes")
            << json("{'limits': {'maxOutgoingByte': 4096}}") << u"cluster.json: limits.maxOutgoingByte: unknown key"_s;
        QTest::addRow("unknown bayeux key near maxSessionsPerUser")
            << json("{'bayeux': {'maxSessionPerUser': 4}}") << u"cluster.json: bayeux.maxSessionPerUser: unknown key"_s;
        QTest::addRow("unknown node key")
            << json("{'nodes': [{'id': '1', 'url': 'http://a:1'}, {'id': '2', 'url': 'http://b:1', 'max': 3}]}")
            << u"cluster.json: nodes[1].max: unknown key"_s;
        // types and values
        QTest::addRow("idleTimeout string")
            << json("{'limits': {'idleTimeout': 'abc'}}")
            << u"cluster.json: limits.idleTimeout: must be a positive integer (got \"abc\")"_s;
        QTest::addRow("idleTimeout zero") << json("{'limits': {'idleTimeout': 0}}")
                                          << u"cluster.json: limits.idleTimeout: must be a positive integer (got 0)"_s;
        QTest::addRow("idleTimeout fraction")
            << json("{'limits': {'idleTimeout': 1.5}}")
            << u"cluster.json: limits.idleTimeout: must be a positive integer (got 1.5)"_s;
        QTest::addRow("idleTimeout too large")
            << json("{'limits': {'idleTimeout': 3000000000}}")
            << u"cluster.json: limits.idleTimeout: must be at most 2147483647 (got 3000000000)"_s;
        QTest::addRow("headerTimeout negative")
            << json("{'limits': {'headerTimeout': -5}}")
            << u"cluster.json: limits.headerTimeout: must be a positive integer (got -5)"_s;
        QTest::addRow("maxConnections null")
            << json("{'limits': {'maxConnections': null}}")
            << u"cluster.json: limits.maxConnections: must be a positive integer (got null)"_s;
        QTest::addRow("maxRequestBytes bool")
            << json("{'limits': {'maxRequestBytes': true}}")
            << u"cluster.json: limits.maxRequestBytes: must be a positive integer (got true)"_s;
        QTest::addRow("interval negative")
            << json("{'bayeux': {'interval': -1}}")
            << u"cluster.json: bayeux.interval: must be a non-negative integer (got -1)"_s;
        QTest::addRow("maxInterval zero") << json("{'bayeux': {'maxInterval': 0}}")
                                          << u"cluster.json: bayeux.maxInterval: must be a positive integer (got 0)"_s;
        QTest::addRow("maxMessageBytes string")
            << json("{'bayeux': {'maxMessageBytes': '64k'}}")
            << u"cluster.json: bayeux.maxMessageBytes: must be a positive integer (got \"64k\")"_s;
        QTest::addRow("maxSessionsPerUser zero")
            << json("{'bayeux': {'maxSessionsPerUser': 0}}")
            << u"cluster.json: bayeux.maxSessionsPerUser: must be a positive integer (got 0)"_s;
        QTest::addRow("maxSessionsPerUser string")
            << json("{'bayeux': {'maxSessionsPerUser': '16'}}")
            << u"cluster.json: bayeux.maxSessionsPerUser: must be a positive integer (got \"16\")"_s;
        QTest::addRow("maxSessionsPerUser fraction")
            << json("{'bayeux': {'maxSessionsPerUser': 2.5}}")
            << u"cluster.json: bayeux.maxSessionsPerUser: must be a positive integer (got 2.5)"_s;
        QTest::addRow("maxOutgoingBytes below 1024")
            << json("{'limits': {'maxOutgoingBytes': 1023}}")
            << u"cluster.json: limits.maxOutgoingBytes: must be an integer of at least 1024 (got 1023)"_s;
        QTest::addRow("maxOutgoingBytes negative")
            << json("{'limits': {'maxOutgoingBytes': -1}}")
            << u"cluster.json: limits.maxOutgoingBytes: must be an integer of at least 1024 (got -1)"_s;
        QTest::addRow("maxOutgoingBytes string")
            << json("{'limits': {'maxOutgoingBytes': '1M'}}")
            << u"cluster.json: limits.maxOutgoingBytes: must be an integer of at least 1024 (got \"1M\")"_s;
        QTest::addRow("maxOutgoingBytes too large")
            << json("{'limits': {'maxOutgoingBytes': 3000000000}}")
            << u"cluster.json: limits.maxOutgoingBytes: must be at most 2147483647 (got 3000000000)"_s;
        QTest::addRow("tokenTtl zero") << json("{'tokenTtl': 0}")
                                       << u"cluster.json: tokenTtl: must be a positive integer (got 0)"_s;
        QTest::addRow("bayeux not an object")
            << json("{'bayeux': [1]}") << u"cluster.json: bayeux: must be an object (got [1])"_s;
        QTest::addRow("limits not an object")
            << json("{'limits': 5}") << u"cluster.json: limits: must be an object (got 5)"_s;
        QTest::addRow("role unknown")
            << json("{'role': 'master'}")
            << u"cluster.json: role: must be \"all\", \"balancer\" or \"node\" (got \"master\")"_s;
        QTest::addRow("role not a string") << json("{'role': 1}") << u"cluster.json: role: must be a string (got 1)"_s;
        QTest::addRow("tokenIssue unknown")
            << json("{'tokenIssue': 'closed'}")
            << u"cluster.json: tokenIssue: must be \"open\" or \"apiKey\" (got \"closed\")"_s;
        QTest::addRow("listen without port")
            << json("{'listen': '127.0.0.1'}")
            << u"cluster.json: listen: must be HOST:PORT with a port from 0 to 65535 (got \"127.0.0.1\")"_s;
        QTest::addRow("listen port too large")
            << json("{'listen': '127.0.0.1:65536'}")
            << u"cluster.json: listen: must be HOST:PORT with a port from 0 to 65535 (got \"127.0.0.1:65536\")"_s;
        QTest::addRow("listen negative port")
            << json("{'listen': '127.0.0.1:-1'}")
            << u"cluster.json: listen: must be HOST:PORT with a port from 0 to 65535 (got \"127.0.0.1:-1\")"_s;
        QTest::addRow("listen no host")
            << json("{'listen': ':8080'}")
            << u"cluster.json: listen: must be HOST:PORT with a port from 0 to 65535 (got \":8080\")"_s;
        QTest::addRow("listen bare ipv6")
            << json("{'listen': '::1:8080'}")
            << u"cluster.json: listen: must be HOST:PORT with a port from 0 to 65535 (got \"::1:8080\")"_s;
        QTest::addRow("listen a URL")
            << json("{'listen': 'http://127.0.0.1:8080'}")
            << u"cluster.json: listen: must be HOST:PORT with a port from 0 to 65535 (got \"http://127.0.0.1:8080\")"_s;
        QTest::addRow("balancerUrl ftp")
            << json("{'balancerUrl': 'ftp://x:1'}")
            << u"cluster.json: balancerUrl: must be an http:// or https:// URL with a host and no query (got \"ftp://x:1\")"_s;
        QTest::addRow("balancerUrl no host")
            << json("{'balancerUrl': 'http://'}")
            << u"cluster.json: balancerUrl: must be an http:// or https:// URL with a host and no query (got \"http://\")"_s;
        QTest::addRow("nodeId empty") << json("{'nodeId': ''}") << u"cluster.json: nodeId: must not be empty"_s;
        QTest::addRow("nodeId with slash")
            << json("{'nodeId': 'a/b'}")
            << u"cluster.json: nodeId: must be 1 to 64 characters without '/', blanks or control characters (got \"a/b\")"_s;
        QTest::addRow("nodeId a number") << json("{'nodeId': 1}")
                                         << u"cluster.json: nodeId: must be a string (got 1)"_s;
        // credentials are never echoed
        QTest::addRow("secret a number") << json("{'secret': 12345}") << u"cluster.json: secret: must be a string"_s;
        QTest::addRow("apiKey empty") << json("{'apiKey': ''}") << u"cluster.json: apiKey: must not be empty"_s;
        QTest::addRow("apiKey with a blank")
            << json("{'apiKey': 'my key'}") << u"cluster.json: apiKey: must be printable ASCII without blanks"_s;
        QTest::addRow("adminToken non-ascii")
            << json("{'adminToken': 'clé'}") << u"cluster.json: adminToken: must be printable ASCII without blanks"_s;
        // nodes
        QTest::addRow("nodes not an array")
            << json("{'nodes': {'id': '1'}}") << u"cluster.json: nodes: must be an array (got {\"id\":\"1\"})"_s;
        QTest::addRow("node not an object")
            << json("{'nodes': ['http://a:1']}")
            << u"cluster.json: nodes[0]: must be an object with id, url and maxConnection (got \"http://a:1\")"_s;
        QTest::addRow("node maxConnection zero") << json(
            "{'nodes': [{'id': '1', 'url': 'http://a:1'}, {'id': '2', 'url': 'http://b:1', 'maxConnection': "
            "0}]}") << u"cluster.json: nodes[1].maxConnection: must be a positive integer (got 0)"_s;
        QTest::addRow("node maxConnection string")
            << json("{'nodes': [{'id': '1', 'url': 'http://a:1', 'maxConnection': '10'}]}")
            << u"cluster.json: nodes[0].maxConnection: must be a positive integer (got \"10\")"_s;
        QTest::addRow("node id missing") << json("{'nodes': [{'url': 'http://a:1'}]}")
                                         << u"cluster.json: nodes[0].id: missing (every node needs an id and a url)"_s;
        QTest::addRow("node url missing") << json(
            "{'nodes': [{'id': '1'}]}") << u"cluster.json: nodes[0].url: missing (every node needs an id and a url)"_s;
        QTest::addRow("node id a number") << json("{'nodes': [{'id': 1, 'url': 'http://a:1'}]}")
                                          << u"cluster.json: nodes[0].id: must be a string (got 1)"_s;
        QTest::addRow("node url bad")
            << json("{'nodes': [{'id': '1', 'url': 'localhost:8081'}]}")
            << u"cluster.json: nodes[0].url: must be an http:// or https:// URL with a host and no query (got \"localhost:8081\")"_s;
        QTest::addRow("node url with query")
            << json("{'nodes': [{'id': '1', 'url': 'http://a:1/?x=1'}]}")
            << u"cluster.json: nodes[0].url: must be an http:// or https:// URL with a host and no query (got \"http://a:1/?x=1\")"_s;
        QTest::addRow("duplicate node ids") << json("{'nodes': [{'id': '1', 'url': 'http://a:1'}, {'id': '2', 'url': "
                                                    "'http://b:1'}, {'id': '1', 'url': 'http://c:1'}]}")
                                            << u"cluster.json: nodes[2].id: duplicate id \"1\" (also nodes[0])"_s;
        QTest::addRow("duplicate node urls")
            << json("{'nodes': [{'id': '1', 'url': 'http://a:1'}, {'id': '2', 'url': 'http://a:1/'}]}")
            << u"cluster.json: nodes[1].url: same url as nodes[0] (http://a:1)"_s;
        // cors
        QTest::addRow("cors origins a string")
            << json("{'cors': {'origins': '*'}}") << u"cluster.json: cors.origins: must be an array (got \"*\")"_s;
        QTest::addRow("cors origin with a path")
            << json("{'cors': {'origins': ['*', 'https://a.example.com/app']}}")
            << u"cluster.json: cors.origins[1]: must be \"*\" or an origin such as \"https://example.com:8443\" (got \"https://a.example.com/app\")"_s;
        // cross-key rules
        QTest::addRow("idleTimeout not above bayeux.timeout")
            << json("{'bayeux': {'timeout': 30000}, 'limits': {'idleTimeout': 30000}}")
            << u"cluster.json: limits.idleTimeout: must be longer than bayeux.timeout (30000 ms) (got 30000)"_s;
        QTest::addRow("bayeux.timeout above the default idleTimeout")
            << json("{'bayeux': {'timeout': 90000}}")
            << u"cluster.json: bayeux.timeout: must be shorter than limits.idleTimeout (60000 ms) (got 90000)"_s;
        // redis (SPEC §6): a password in a bad URL is never echoed
        QTest::addRow("redis without url")
            << json("{'redis': {'prefix': 'x'}}")
            << u"cluster.json: redis.url: is required: redis://[:password@]host:port[/db]"_s;
        QTest::addRow("redis url not redis")
            << json("{'redis': {'url': 'http://:hunter2@h:1'}}")
            << u"cluster.json: redis.url: must be redis://[:password@]host:port[/db]"_s;
        QTest::addRow("redis db not a number")
            << json("{'redis': {'url': 'redis://:hunter2@h:1/x'}}")
            << u"cluster.json: redis.url: must be redis://[:password@]host:port[/db]"_s;
        QTest::addRow("redis unknown key") << json("{'redis': {'url': 'redis://h:1', 'cluster': true}}")
                                           << u"cluster.json: redis.cluster: unknown key"_s;
        QTest::addRow("redis sentinel without port")
            << json("{'redis': {'url': 'redis://h:1', 'sentinels': ['h'], 'master': 'm'}}")
            << u"cluster.json: redis.sentinels[0]: must be HOST:PORT (got \"h\")"_s;
        QTest::addRow("redis sentinels without master")
            << json("{'redis': {'url': 'redis://h:1', 'sentinels': ['h:26379']}}")
            << u"cluster.json: redis.master: is required with sentinels"_s;
        QTest::addRow("redis prefix with a blank")
            << json("{'redis': {'url': 'redis://h:1', 'prefix': 'a b'}}")
            << u"cluster.json: redis.prefix: must be at most 64 characters without blanks"_s;
        // the first problem wins, and a message stays on one line
        QTest::addRow("first problem in key order")
            << json("{'zzz': 1, 'aaa': 2}") << u"cluster.json: aaa: unknown key"_s;
        QTest::addRow("newline in a value stays escaped") << json(
            "{'role': 'a\\nb'}") << u"cluster.json: role: must be \"all\", \"balancer\" or \"node\" (got \"a\\nb\")"_s;
    }
    void errors()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        const auto parsed = ConfigLoader::parse(json, File);
        QVERIFY(!parsed);
        QCOMPARE(parsed.error().toString(), message);
        QCOMPARE(parsed.error().file, File);
        QVERIFY(!message.contains(u'\n'));
    }

    // Lines whose first non-blank characters are // are comments: the packaged files explain each key.
    void commentLines()
    {
        const QByteArray text = "// A balancer.\n"
                                "{\n"
                                "  // \"role\": \"node\",  (a commented-out key is ignored)\n"
                                "  \"role\": \"balancer\",\r\n"
                                "\t// the address: \"listen\": \"0.0.0.0:1\"\n"
                                "  \"listen\": \"127.0.0.1:9000\"\n"
                                "}\n// end\n";
        const auto parsed = ConfigLoader::parse(text, File);
        QVERIFY2(parsed, qPrintable(errorOf(parsed)));
        QCOMPARE(parsed->role, NodeConfig::Role::Balancer);
        QCOMPARE(parsed->listen.toString(), u"127.0.0.1:9000"_s);
        // A "//" inside a string value is data.
        const auto url = ConfigLoader::parse("{\"balancerUrl\": \"http://127.0.0.1:8080\"}", File);
        QVERIFY2(url, qPrintable(errorOf(url)));
        QCOMPARE(url->balancerUrl.toString(), u"http://127.0.0.1:8080"_s);
    }

    void seedXml()
    {
        for (const QByteArray &xml : { SeedXml, QByteArray(QByteArray("\n  ") + SeedXml) }) {
            const auto parsed = ConfigLoader::parse(xml, u"configuration.xml"_s);
            QVERIFY2(parsed, qPrintable(errorOf(parsed)));
            const NodeConfig &config = parsed.value();
            QCOMPARE(config.nodes.size(), 2);
            QCOMPARE(config.nodes[0].id, u"1"_s);
            QCOMPARE(config.nodes[0].url, QUrl(u"http://localhost:8080"_s));
            QCOMPARE(config.nodes[0].maxConnection, 10);
            QCOMPARE(config.nodes[1].id, u"2"_s);
            QCOMPARE(config.nodes[1].baseUrl(), u"http://localhost:8081"_s);
            QCOMPARE(config.nodes[1].maxConnection, 15);
            // Everything else keeps its default.
            QCOMPARE(config.role, NodeConfig::Role::All);
            QCOMPARE(config.listen.toString(), u"127.0.0.1:8080"_s);
            QCOMPARE(config.bayeux, NodeConfig::BayeuxSettings());
            QCOMPARE(config.limits, NodeConfig::LimitSettings());
            QVERIFY(config.secret.isEmpty());
            QVERIFY(config.isSet(u"nodes"_s));
            QCOMPARE(config.source, u"configuration.xml"_s);
            // The all-in-one process on 8080 is node 1 and advertises that node's url.
            QCOMPARE(config.selfUrl(), QUrl(u"http://localhost:8080"_s));
            QVERIFY(!::validateForStart(config));
        }
    }

    void bareObjectParam()
    {
        const auto parsed = ConfigLoader::parse(BareObjectParam, u"lb.xml"_s);
        QVERIFY2(parsed, qPrintable(errorOf(parsed)));
        QCOMPARE(parsed->nodes.size(), 1);
        QCOMPARE(parsed->nodes[0].id, u"a"_s);
        QCOMPARE(parsed->nodes[0].baseUrl(), u"https://node-a.example.com"_s);
        QCOMPARE(parsed->nodes[0].maxConnection, NodeConfig::DefaultMaxConnection);
    }

    void resourceFiles()
    {
        const auto xml = ConfigLoader::loadFile(QStringLiteral(COMETD_SEED_XML));
        QVERIFY2(xml, qPrintable(errorOf(xml)));
        QCOMPARE(render(xml.value(), u"nodes"_s), u"1@http://localhost:8080/10 2@http://localhost:8081/15"_s);

        const auto json = ConfigLoader::loadFile(QStringLiteral(COMETD_CLUSTER_JSON));
        QVERIFY2(json, qPrintable(errorOf(json)));
        QCOMPARE(json->role, NodeConfig::Role::Balancer);
        QCOMPARE(json->listen.toString(), u"127.0.0.1:8080"_s);
        QCOMPARE(render(json.value(), u"nodes"_s), u"1@http://127.0.0.1:8081/10 2@http://127.0.0.1:8082/15"_s);
        QVERIFY(!json->secret.isEmpty());
        QVERIFY(!::validateForStart(json.value()));
    }

    void xmlErrors_data()
    {
        QTest::addColumn<QByteArray>("xml");
        QTest::addColumn<QString>("message");
        QTest::addRow("malformed")
            << QByteArray("<configuration>\n  <component>\n</configuration>")
            << u"exo.xml: malformed XML at line 3, column 17: Opening and ending tag mismatch."_s;
        QTest::addRow("truncated") << QByteArray("<configuration>\n<component>")
                                   << u"exo.xml: malformed XML at line 2, column 12: Premature end of document."_s;
        QTest::addRow("garbage after the root")
            << QByteArray("<object-param/>\n<x/>")
            << u"exo.xml: malformed XML at line 2, column 5: Extra content at end of document."_s;
        QTest::addRow("no load balancer param")
            << QByteArray("<configuration><component><type>x</type></component></configuration>")
            << u"exo.xml: cometd.lb.configuration: no <object-param> with this name"_s;
        QTest::addRow("param twice") << QByteArray(
            "<c>\n<object-param><name>cometd.lb.configuration</name><object/></object-param>\n"
            "<object-param><name>cometd.lb.configuration</name><object/></object-param></c>")
                                     << u"exo.xml: cometd.lb.configuration: given twice (line 3)"_s;
        QTest::addRow("maxConnection not a number")
            << xmlWithNode("<field name=\"id\"><string>1</string></field><field "
                           "name=\"url\"><string>http://a:1</string></field>\n<field "
                           "name=\"maxConnection\"><int>ten</int></field>")
            << u"exo.xml: nodes[0].maxConnection: must be a positive integer (got \"ten\") (line 3)"_s;
        QTest::addRow("maxConnection as a string")
            << xmlWithNode("<field name=\"id\"><string>1</string></field><field "
                           "name=\"url\"><string>http://a:1</string></field>\n<field "
                           "name=\"maxConnection\"><string>10</string></field>")
            << u"exo.xml: nodes[0].maxConnection: must be an <int> (line 3)"_s;
        QTest::addRow("bad url")
            << xmlWithNode("<field name=\"id\"><string>1</string></field>\n<field "
                           "name=\"url\"><string>localhost</string></field>")
            << u"exo.xml: nodes[0].url: must be an http:// or https:// URL with a host and no query (got \"localhost\") (line 3)"_s;
        QTest::addRow("unknown node field")
            << xmlWithNode("<field name=\"id\"><string>1</string></field>\n<field name=\"weight\"><int>1</int></field>")
            << u"exo.xml: nodes[0].weight: unknown field (line 3)"_s;
        QTest::addRow("missing url") << xmlWithNode("<field name=\"id\"><string>1</string></field>")
                                     << u"exo.xml: nodes[0].url: missing (every node needs an id and a url) (line 2)"_s;
        QTest::addRow("duplicate ids") << xmlWithNode(
            "<field name=\"id\"><string>1</string></field><field "
            "name=\"url\"><string>http://a:1</string></field></object></value>\n<value><object><field "
            "name=\"id\"><string>1</string></field><field name=\"url\"><string>http://b:1</string></field>")
                                       << u"exo.xml: nodes[1].id: duplicate id \"1\" (also nodes[0])"_s;
    }
    void xmlErrors()
    {
        QFETCH(QByteArray, xml);
        QFETCH(QString, message);
        const auto parsed = ConfigLoader::parse(xml, u"exo.xml"_s);
        QCOMPARE(errorOf(parsed), message);
    }

    void loadFileErrors()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString missing = dir.filePath(u"missing.json"_s);
        const auto result = ConfigLoader::loadFile(missing);
        QVERIFY(!result);
        QCOMPARE(result.error().file, missing);
        QVERIFY(result.error().toString().startsWith(missing + u": cannot read: "_s));

        const QString big = dir.filePath(u"big.json"_s);
        QFile file(big);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"secret\": \"" + QByteArray(2 << 20, 'x') + "\"}");
        file.close();
        QCOMPARE(errorOf(ConfigLoader::loadFile(big)), big + u": larger than 1 MiB"_s);
    }

    void listenAddress_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("loopback");
        QTest::addColumn<bool>("wildcard");
        QTest::addColumn<QString>("url");
        QTest::addRow("127.0.0.1") << u"127.0.0.1:8080"_s << true << true << false << u"http://127.0.0.1:8080"_s;
        QTest::addRow("127.1.2.3") << u"127.1.2.3:1"_s << true << true << false << u"http://127.1.2.3:1"_s;
        QTest::addRow("localhost") << u"localhost:80"_s << true << true << false << u"http://localhost:80"_s;
        QTest::addRow("::1") << u"[::1]:8080"_s << true << true << false << u"http://[::1]:8080"_s;
        QTest::addRow("0.0.0.0") << u"0.0.0.0:8080"_s << true << false << true << u"http://0.0.0.0:8080"_s;
        QTest::addRow("::") << u"[::]:8080"_s << true << false << true << u"http://[::]:8080"_s;
        QTest::addRow("lan address") << u"192.168.0.21:8080"_s << true << false << false
                                     << u"http://192.168.0.21:8080"_s;
        QTest::addRow("host name") << u"node1.example.com:8081"_s << true << false << false
                                   << u"http://node1.example.com:8081"_s;
        QTest::addRow("empty") << QString() << false << false << false << QString();
        QTest::addRow("port only") << u"8080"_s << false << false << false << QString();
        QTest::addRow("empty port") << u"127.0.0.1:"_s << false << false << false << QString();
        QTest::addRow("port with sign") << u"127.0.0.1:+80"_s << false << false << false << QString();
        QTest::addRow("port 99999") << u"127.0.0.1:99999"_s << false << false << false << QString();
        QTest::addRow("space in host") << u"my host:80"_s << false << false << false << QString();
        QTest::addRow("bad ipv6") << u"[zz]:80"_s << false << false << false << QString();
        QTest::addRow("ipv4 in brackets") << u"[127.0.0.1]:80"_s << false << false << false << QString();
    }
    void listenAddress()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        const auto address = ListenAddress::parse(text);
        QCOMPARE(address.has_value(), valid);
        if (!valid) return;
        QFETCH(bool, loopback);
        QFETCH(bool, wildcard);
        QFETCH(QString, url);
        QCOMPARE(address->toString(), text);
        QCOMPARE(address->isLoopback(), loopback);
        QCOMPARE(address->isWildcard(), wildcard);
        QCOMPARE(address->toUrl().toString(), url);
    }

    void commandLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("expected");
        QTest::addRow("no arguments") << QStringList() << u"listen"_s << u"127.0.0.1:8080"_s;
        QTest::addRow("--listen") << QStringList { u"--listen"_s, u"127.0.0.1:0"_s } << u"listen"_s << u"127.0.0.1:0"_s;
        QTest::addRow("--listen=") << QStringList { u"--listen=[::1]:9"_s } << u"listen"_s << u"[::1]:9"_s;
        QTest::addRow("-listen") << QStringList { u"-listen"_s, u"localhost:1"_s } << u"listen"_s << u"localhost:1"_s;
        QTest::addRow("--role") << QStringList { u"--role"_s, u"balancer"_s } << u"role"_s << u"balancer"_s;
        QTest::addRow("--node-id") << QStringList { u"--node-id"_s, u"2"_s } << u"nodeId"_s << u"2"_s;
        QTest::addRow("--balancer") << QStringList { u"--balancer"_s, u"http://10.0.0.1:8080/"_s } << u"balancerUrl"_s
                                    << u"http://10.0.0.1:8080"_s;
        QTest::addRow("the last --role wins")
            << QStringList { u"--role"_s, u"node"_s, u"--role"_s, u"all"_s } << u"role"_s << u"all"_s;
    }
    void commandLine()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, key);
        QFETCH(QString, expected);
        NodeCommandLine commandLine;
        const auto options = commandLine.parse(QStringList { u"cometd-node"_s } + arguments);
        QVERIFY2(options, qPrintable(options ? QString() : options.error().toString()));
        QCOMPARE(options->action, NodeOptions::Action::Run);
        QCOMPARE(render(options->config, key), expected);
        QCOMPARE(options->config.isSet(key), !arguments.isEmpty());
    }

    void commandLineOverridesTheFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(u"cluster.json"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(json("{'role': 'balancer', 'listen': '127.0.0.1:8080', 'secret': 's', 'tokenTtl': 60, 'nodes': "
                        "[{'id': '1', 'url': 'http://127.0.0.1:8081', 'maxConnection': 10}, {'id': '2', 'url': "
                        "'http://proxy.example.com/n2', 'maxConnection': 15}]}"));
        file.close();

        NodeCommandLine commandLine;
        const auto options = commandLine.parse({ u"cometd-node"_s, u"--config"_s, path, u"--role"_s, u"node"_s,
            u"--node-id"_s, u"2"_s, u"--listen"_s, u"127.0.0.1:8082"_s, u"--balancer"_s, u"http://127.0.0.1:8080"_s,
            u"--log-level"_s, u"debug"_s, u"--event-loop"_s, u"qt"_s });
        QVERIFY2(options, qPrintable(options ? QString() : options.error().toString()));
        const NodeConfig &config = options->config;
        QCOMPARE(options->configFile, path);
        QCOMPARE(config.source, path);
        QCOMPARE(config.role, NodeConfig::Role::Node);
        QCOMPARE(config.nodeId, u"2"_s);
        QCOMPARE(config.listen.toString(), u"127.0.0.1:8082"_s);
        QCOMPARE(config.balancerUrl.toString(), u"http://127.0.0.1:8080"_s);
        QCOMPARE(config.tokenTtl, 60s); // from the file
        QCOMPARE(config.secret, u"s"_s);
        QCOMPARE(options->logLevel, LogLevel::Debug);
        QCOMPARE(options->eventLoop, EventLoop::Kind::Qt);
        // Listening on 8082 but reachable through the proxy: the node reports its url.
        QCOMPARE(config.selfUrl(), QUrl(u"http://proxy.example.com/n2"_s));
        QVERIFY(!::validateForStart(config));
    }

    void commandLineDefaults()
    {
        NodeCommandLine commandLine;
        const auto options = commandLine.parse({ u"cometd-node"_s });
        QVERIFY(options);
        QCOMPARE(options->logLevel, LogLevel::Info);
#ifdef Q_OS_LINUX
        QCOMPARE(options->eventLoop, EventLoop::Kind::Epoll);
#endif
        QVERIFY(options->configFile.isEmpty());
        NodeConfig expected;
        QVERIFY(options->config == expected);
        // No arguments: an all-in-one cluster of one node on 127.0.0.1:8080 that may start.
        QVERIFY(!::validateForStart(options->config));
        const auto nodes = options->config.effectiveNodes();
        QCOMPARE(nodes.size(), 1);
        QCOMPARE(nodes[0].id, u"1"_s);
        QCOMPARE(nodes[0].baseUrl(), u"http://127.0.0.1:8080"_s);
        QCOMPARE(nodes[0].maxConnection, 20000);
    }

    void helpAndVersion()
    {
        {
            // Before main() sets the application's name (it parses before creating the application).
            NodeCommandLine commandLine;
            const auto options = commandLine.parse({ u"/usr/bin/cometd-node"_s, u"--version"_s });
            QVERIFY(options);
            QVERIFY2(options->versionText.startsWith(u"tst_nodeconfig "_s)
                    || options->versionText.startsWith(u"cometd-node "_s),
                qPrintable(options->versionText));
        }
        QCoreApplication::setApplicationName(u"cometd-node"_s);
        QCoreApplication::setApplicationVersion(u"1.2.3"_s);
        {
            NodeCommandLine commandLine;
            const auto options = commandLine.parse({ u"cometd-node"_s, u"--help"_s });
            QVERIFY(options);
            QCOMPARE(options->action, NodeOptions::Action::ShowHelp);
            for (const QString &option : { u"--config"_s, u"--listen"_s, u"--log-level"_s, u"--event-loop"_s,
                     u"--role"_s, u"--node-id"_s, u"--balancer"_s, u"--version"_s })
                QVERIFY2(options->helpText.contains(option), qPrintable(option));
        }
        {
            NodeCommandLine commandLine;
            const auto options = commandLine.parse({ u"cometd-node"_s, u"--version"_s });
            QVERIFY(options);
            QCOMPARE(options->action, NodeOptions::Action::ShowVersion);
            QCOMPARE(options->versionText, u"cometd-node 1.2.3"_s);
        }
    }

    void commandLineErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::addRow("unknown option") << QStringList { u"--port"_s, u"80"_s }
                                        << u"command line: Unknown option 'port'."_s;
        QTest::addRow("missing value") << QStringList { u"--listen"_s }
                                       << u"command line: Missing value after '--listen'."_s;
        QTest::addRow("positional argument")
            << QStringList { u"cluster.json"_s } << u"command line: unexpected argument \"cluster.json\""_s;
        QTest::addRow("bad listen") << QStringList { u"--listen"_s,
            u"8080"_s } << u"command line: --listen: must be HOST:PORT with a port from 0 to 65535 (got \"8080\")"_s;
        QTest::addRow("bad role") << QStringList { u"--role"_s, u"leader"_s }
                                  << u"command line: --role: must be all, balancer or node (got \"leader\")"_s;
        QTest::addRow("bad node id") << QStringList {
            u"--node-id"_s, u""_s
        } << u"command line: --node-id: must be 1 to 64 characters without '/', blanks or control characters (got \"\")"_s;
        QTest::addRow("bad balancer") << QStringList {
            u"--balancer"_s, u"127.0.0.1:8080"_s
        } << u"command line: --balancer: must be an http:// or https:// URL with a host (got \"127.0.0.1:8080\")"_s;
        QTest::addRow("bad log level") << QStringList { u"--log-level"_s,
            u"verbose"_s } << u"command line: --log-level: must be debug, info, warning or error (got \"verbose\")"_s;
        QTest::addRow("bad event loop") << QStringList { u"--event-loop"_s, u"glib"_s }
                                        << u"command line: --event-loop: must be epoll or qt (got \"glib\")"_s;
        QTest::addRow("missing config file") << QStringList { u"--config"_s, u"/nonexistent/cluster.json"_s }
                                             << u"/nonexistent/cluster.json: cannot read: No such file or directory"_s;
    }
    void commandLineErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        NodeCommandLine commandLine;
        const auto options = commandLine.parse(QStringList { u"cometd-node"_s } + arguments);
        QVERIFY(!options);
        QCOMPARE(options.error().toString(), message);
    }

    void configFileErrorThroughCommandLine()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(u"bad.json"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(json("{'limits': {'idleTimeout': 'abc'}}"));
        file.close();
        NodeCommandLine commandLine;
        const auto options = commandLine.parse({ u"cometd-node"_s, u"--config"_s, path, u"--role"_s, u"node"_s });
        QVERIFY(!options);
        QCOMPARE(
            options.error().toString(), path + u": limits.idleTimeout: must be a positive integer (got \"abc\")"_s);
    }

    void startRules_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message"); // empty: may start
        QTest::addRow("defaults") << QByteArray("{}") << QString();
        QTest::addRow("localhost without credentials") << json("{'listen': 'localhost:9000'}") << QString();
        QTest::addRow("ipv6 loopback without credentials") << json("{'listen': '[::1]:9000'}") << QString();
        QTest::addRow("non-loopback without any credential")
            << json("{'listen': '192.168.0.21:8080'}")
            << u"cluster.json: apiKey: required when listening on a non-loopback address (192.168.0.21:8080); also missing: adminToken, secret"_s;
        QTest::addRow("non-loopback without adminToken")
            << json("{'listen': '0.0.0.0:8080', 'apiKey': 'k', 'secret': 's', 'nodes': [{'id': '1', 'url': "
                    "'http://push.example.com'}]}")
            << u"cluster.json: adminToken: required when listening on a non-loopback address (0.0.0.0:8080)"_s;
        QTest::addRow("non-loopback without secret")
            << json("{'listen': '[::]:8080', 'apiKey': 'k', 'adminToken': 'a', 'role': 'balancer'}")
            << u"cluster.json: secret: required when listening on a non-loopback address ([::]:8080)"_s;
        QTest::addRow("non-loopback with every credential")
            << json("{'listen': '192.168.0.21:8080', 'apiKey': 'k', 'adminToken': 'a', 'secret': 's'}") << QString();
        QTest::addRow("tokenIssue apiKey without apiKey")
            << json("{'tokenIssue': 'apiKey'}")
            << u"cluster.json: tokenIssue: \"apiKey\" needs an apiKey to check callers against"_s;
        QTest::addRow("role node without a matching nodes entry") << json(
            "{'role': 'node', 'nodeId': '3', 'nodes': [{'id': '1', 'url': 'http://a:1'}, {'id': '2', 'url': "
            "'http://b:1'}]}") << u"cluster.json: nodeId: \"3\" is not the id of an entry in nodes (ids: 1, 2)"_s;
        QTest::addRow("role all without a matching nodes entry")
            << json("{'nodes': [{'id': 'a', 'url': 'http://a:1'}]}")
            << u"cluster.json: nodeId: \"1\" is not the id of an entry in nodes (ids: a)"_s;
        QTest::addRow("role balancer needs no entry of its own")
            << json("{'role': 'balancer', 'nodeId': '9', 'nodes': [{'id': 'a', 'url': 'http://a:1'}]}") << QString();
        QTest::addRow("role node with no nodes reports its listen url")
            << json("{'role': 'node', 'listen': '127.0.0.1:8081'}") << QString();
        QTest::addRow("wildcard listen with nothing to advertise")
            << json("{'listen': '0.0.0.0:8080', 'apiKey': 'k', 'adminToken': 'a', 'secret': 's'}")
            << u"cluster.json: listen: a wildcard address (0.0.0.0:8080) cannot be advertised to clients; list this node with its url in nodes"_s;
    }
    void startRules()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        const auto parsed = ConfigLoader::parse(json, File);
        QVERIFY2(parsed, qPrintable(errorOf(parsed)));
        const auto error = ::validateForStart(parsed.value());
        QCOMPARE(error ? error->toString() : QString(), message);
    }

    void nonLoopbackFromTheCommandLine()
    {
        NodeCommandLine commandLine;
        const auto options = commandLine.parse({ u"cometd-node"_s, u"--listen"_s, u"10.1.2.3:8080"_s });
        QVERIFY(options);
        const auto error = ::validateForStart(options->config);
        QVERIFY(error);
        QCOMPARE(error->key, u"apiKey"_s);
        QCOMPARE(error->toString(),
            u"apiKey: required when listening on a non-loopback address (10.1.2.3:8080); also missing: adminToken, secret"_s);
    }

    void effectiveNodes_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<quint16>("boundPort");
        QTest::addColumn<QString>("nodes");
        QTest::addColumn<QString>("selfUrl");
        QTest::addRow("all-in-one") << QByteArray("{}") << quint16(0) << u"1@http://127.0.0.1:8080/20000"_s
                                    << u"http://127.0.0.1:8080"_s;
        QTest::addRow("ephemeral port once bound")
            << json("{'listen': '127.0.0.1:0'}") << quint16(41234) << u"1@http://127.0.0.1:41234/20000"_s
            << u"http://127.0.0.1:41234"_s;
        QTest::addRow("dynamic node keeps its id")
            << json("{'role': 'node', 'nodeId': 'n7', 'listen': '127.0.0.1:8087'}") << quint16(0)
            << u"n7@http://127.0.0.1:8087/20000"_s << u"http://127.0.0.1:8087"_s;
        QTest::addRow("balancer alone has no nodes")
            << json("{'role': 'balancer'}") << quint16(0) << QString() << QString();
        QTest::addRow("listed nodes are used as they are")
            << json("{'nodeId': '2', 'listen': '127.0.0.1:0', 'nodes': [{'id': '1', 'url': 'http://a:1'}, {'id': '2', "
                    "'url': 'http://b:2'}]}")
            << quint16(5555) << u"1@http://a:1/20000 2@http://b:2/20000"_s << u"http://b:2"_s;
    }
    void effectiveNodes()
    {
        QFETCH(QByteArray, json);
        QFETCH(quint16, boundPort);
        QFETCH(QString, nodes);
        QFETCH(QString, selfUrl);
        const auto parsed = ConfigLoader::parse(json, File);
        QVERIFY2(parsed, qPrintable(errorOf(parsed)));
        NodeConfig effective = parsed.value();
        effective.nodes = parsed->effectiveNodes(boundPort);
        QCOMPARE(render(effective, u"nodes"_s), nodes);
        QCOMPARE(parsed->selfUrl(boundPort).toString(), selfUrl);
    }

    void redis()
    {
        const auto none = ConfigLoader::parse("{}", File);
        QVERIFY(none);
        QVERIFY(!none->redis); // one balancer, its state in memory
        const auto parsed
            = ConfigLoader::parse(json("{'redis': {'url': 'redis://:pw@10.0.0.5:6380/2', 'prefix': 'eu', "
                                       "'sentinels': ['10.0.0.1:26379', 's2:26380'], 'master': 'mymaster'}}"),
                File);
        QVERIFY(parsed);
        QVERIFY(parsed->redis);
        QCOMPARE(parsed->redis->url, u"redis://:pw@10.0.0.5:6380/2"_s);
        QCOMPARE(parsed->redis->prefix, u"eu"_s);
        QCOMPARE(parsed->redis->sentinels, (QStringList { u"10.0.0.1:26379"_s, u"s2:26380"_s }));
        QCOMPARE(parsed->redis->master, u"mymaster"_s);
        const auto defaults = ConfigLoader::parse(json("{'redis': {'url': 'redis://127.0.0.1:6379'}}"), File);
        QVERIFY(defaults && defaults->redis);
        QCOMPARE(defaults->redis->prefix, u"cometd"_s);
    }

    void cors()
    {
        NodeConfig::CorsSettings any;
        QVERIFY(any.allowsAnyOrigin());
        QVERIFY(any.allows(u"http://evil.example"_s));
        NodeConfig::CorsSettings some { { u"https://app.example.com"_s } };
        QVERIFY(!some.allowsAnyOrigin());
        QVERIFY(some.allows(u"https://APP.example.com"_s));
        QVERIFY(!some.allows(u"https://app.example.com:444"_s));
        QVERIFY(!some.allows(u"http://app.example.com"_s));
        QVERIFY(!NodeConfig::CorsSettings { {} }.allows(u"https://app.example.com"_s));
    }

    void loggingRules_data()
    {
        QTest::addColumn<LogLevel>("level");
        QTest::addColumn<bool>("debug");
        QTest::addColumn<bool>("info");
        QTest::addColumn<bool>("warning");
        QTest::addRow("debug") << LogLevel::Debug << true << true << true;
        QTest::addRow("info") << LogLevel::Info << false << true << true;
        QTest::addRow("warning") << LogLevel::Warning << false << false << true;
        QTest::addRow("error") << LogLevel::Error << false << false << false;
    }
    void loggingRules()
    {
        QFETCH(LogLevel, level);
        QFETCH(bool, debug);
        QFETCH(bool, info);
        QFETCH(bool, warning);
        QLoggingCategory::setFilterRules(loggingFilterRules(level));
        QCOMPARE(lcConfig().isDebugEnabled(), debug);
        QCOMPARE(lcConfig().isInfoEnabled(), info);
        QCOMPARE(lcConfig().isWarningEnabled(), warning);
        QVERIFY(lcConfig().isCriticalEnabled());
        QLoggingCategory::setFilterRules(QString());
    }
};

QTEST_GUILESS_MAIN(TestNodeConfig)
#include "tst_nodeconfig.moc"
