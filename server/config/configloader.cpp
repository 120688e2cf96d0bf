#include "configloader.h"

#include "jsontext.h"
#include "wire.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QXmlStreamReader>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <vector>

Q_LOGGING_CATEGORY(lcConfig, "cometd.config", QtInfoMsg)

using namespace Qt::StringLiterals;
namespace Key = Wire::Config;

namespace {

constexpr int MaxInt = std::numeric_limits<int>::max();
constexpr qint64 MaxFileBytes = 1 << 20;
constexpr int MaxXmlDepth = 64;
constexpr int MinOutgoingBytes = 1024;

QByteArrayView withoutBom(QByteArrayView data)
{
    return data.startsWith("\xEF\xBB\xBF") ? data.sliced(3) : data;
}

// A JSON value as it appeared, shortened, for "(got ...)".
QString describe(const QJsonValue &value)
{
    QString text = JsonText::compact(value);
    if (text.size() > 60) text = text.first(57) + u"..."_s;
    return text;
}

QString quoted(const QString &text)
{
    return describe(QJsonValue(text));
}

QString got(const QJsonValue &value)
{
    return u" (got "_s + describe(value) + u')';
}

QString childKey(const QString &prefix, QLatin1StringView key)
{
    return prefix.isEmpty() ? QString(key) : prefix + u'.' + key;
}

QString indexedKey(QLatin1StringView key, qsizetype index)
{
    return key + u'[' + QString::number(index) + u']';
}

const QString NodeIdProblem = u"must be 1 to 64 characters without '/', blanks or control characters"_s;

std::optional<QString> nodeIdProblem(const QString &id)
{
    if (id.isEmpty()) return u"must not be empty"_s;
    if (!isValidNodeId(id)) return NodeIdProblem + u" (got "_s + quoted(id) + u')';
    return std::nullopt;
}

// apiKey and adminToken travel in an Authorization header.
bool isHeaderToken(QStringView text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; });
}

QString integerProblem(int minimum)
{
    if (minimum > 1) return u"must be an integer of at least "_s + QString::number(minimum);
    return minimum > 0 ? u"must be a positive integer"_s : u"must be a non-negative integer"_s;
}

const QString UrlProblem = u"must be an http:// or https:// URL with a host and no query"_s;

// Checks that apply to the node list whatever the file format.
std::optional<ConfigError> checkNodeList(const QList<NodeConfig::NodeEntry> &nodes, const QString &file)
{
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        for (qsizetype j = 0; j < i; ++j) {
            const QString prefix = indexedKey(Key::Nodes, i);
            if (nodes[i].id == nodes[j].id)
                return ConfigError { file, childKey(prefix, Key::NodeIdField),
                    u"duplicate id "_s + quoted(nodes[i].id) + u" (also "_s + indexedKey(Key::Nodes, j) + u')' };
            if (nodes[i].url == nodes[j].url)
                return ConfigError { file, childKey(prefix, Key::NodeUrl),
                    u"same url as "_s + indexedKey(Key::Nodes, j) + u" ("_s + nodes[i].baseUrl() + u')' };
        }
    }
    return std::nullopt;
}

// Walks the JSON object; reading goes on after a problem, but only the first one is reported.
class JsonConfigReader final
{
public:
    explicit JsonConfigReader(const QString &file)
        : m_file(file)
    {
        m_config.source = file;
    }

    ConfigResult<NodeConfig> read(const QJsonObject &root)
    {
        checkKeys(root, {},
            { Key::Role, Key::Listen, Key::NodeId, Key::BalancerUrl, Key::Secret, Key::ApiKey, Key::AdminToken,
                Key::TokenIssue, Key::TokenTtl, Key::Nodes, Key::Bayeux, Key::Limits, Key::Cors, Key::Redis });

        if (const auto text = string(root, {}, Key::Role)) {
            if (const auto role = parseRole(*text))
                m_config.role = *role;
            else
                fail(Key::Role, u"must be \"all\", \"balancer\" or \"node\" (got "_s + quoted(*text) + u')');
        }
        if (const auto text = string(root, {}, Key::Listen)) {
            if (const auto listen = ListenAddress::parse(*text))
                m_config.listen = *listen;
            else
                fail(Key::Listen, u"must be HOST:PORT with a port from 0 to 65535 (got "_s + quoted(*text) + u')');
        }
        if (const auto text = string(root, {}, Key::NodeId)) {
            if (const auto problem = nodeIdProblem(*text)) fail(Key::NodeId, *problem);
            m_config.nodeId = *text;
        }
        if (const auto text = string(root, {}, Key::BalancerUrl)) {
            if (const auto url = parseBaseUrl(*text))
                m_config.balancerUrl = *url;
            else
                fail(Key::BalancerUrl, UrlProblem + u" (got "_s + quoted(*text) + u')');
        }
        if (const auto text = string(root, {}, Key::Secret, Sensitive::Yes)) m_config.secret = *text;
        if (const auto text = string(root, {}, Key::ApiKey, Sensitive::Yes))
            m_config.apiKey = headerToken(Key::ApiKey, *text);
        if (const auto text = string(root, {}, Key::AdminToken, Sensitive::Yes))
            m_config.adminToken = headerToken(Key::AdminToken, *text);
        if (const auto text = string(root, {}, Key::TokenIssue)) {
            if (const auto issue = parseTokenIssue(*text))
                m_config.tokenIssue = *issue;
            else
                fail(Key::TokenIssue, u"must be \"open\" or \"apiKey\" (got "_s + quoted(*text) + u')');
        }
        if (const auto ttl = integer(root, {}, Key::TokenTtl, 1)) m_config.tokenTtl = std::chrono::seconds(*ttl);

        if (const auto nodes = array(root, {}, Key::Nodes)) readNodes(*nodes);
        if (const auto bayeux = object(root, {}, Key::Bayeux)) readBayeux(*bayeux);
        if (const auto limits = object(root, {}, Key::Limits)) readLimits(*limits);
        if (const auto cors = object(root, {}, Key::Cors)) readCors(*cors);
        if (const auto redis = object(root, {}, Key::Redis)) readRedis(*redis);

        if (!m_error) checkTimeouts();
        if (!m_error) {
            if (auto problem = checkNodeList(m_config.nodes, m_file)) m_error = std::move(problem);
        }
        if (m_error) return *m_error;
        return m_config;
    }

private:
    enum class Sensitive { No, Yes };

    void fail(const QString &key, const QString &problem)
    {
        if (!m_error) m_error = ConfigError { m_file, key, problem };
    }

    void checkKeys(const QJsonObject &object, const QString &prefix, std::initializer_list<QLatin1StringView> known)
    {
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (std::find(known.begin(), known.end(), it.key()) == known.end())
                fail(prefix.isEmpty() ? it.key() : prefix + u'.' + it.key(), u"unknown key"_s);
        }
    }

    // The value at key, recorded as set explicitly; nullopt when absent.
    std::optional<QJsonValue> take(const QJsonObject &object, const QString &prefix, QLatin1StringView key)
    {
        const auto it = object.constFind(key);
        if (it == object.constEnd()) return std::nullopt;
        m_config.explicitKeys.insert(childKey(prefix, key));
        return it.value();
    }

    std::optional<QString> string(
        const QJsonObject &object, const QString &prefix, QLatin1StringView key, Sensitive sensitive = Sensitive::No)
    {
        const auto value = take(object, prefix, key);
        if (!value) return std::nullopt;
        if (!value->isString()) {
            fail(
                childKey(prefix, key), u"must be a string"_s + (sensitive == Sensitive::Yes ? QString() : got(*value)));
            return std::nullopt;
        }
        if (value->toString().isEmpty()) {
            fail(childKey(prefix, key), u"must not be empty"_s);
            return std::nullopt;
        }
        return value->toString();
    }

    std::optional<int> integer(const QJsonObject &object, const QString &prefix, QLatin1StringView key, int minimum)
    {
        const auto value = take(object, prefix, key);
        if (!value) return std::nullopt;
        const double number = value->toDouble(-1);
        if (!value->isDouble() || std::floor(number) != number || number < minimum) {
            fail(childKey(prefix, key), integerProblem(minimum) + got(*value));
            return std::nullopt;
        }
        if (number > MaxInt) {
            fail(childKey(prefix, key), u"must be at most "_s + QString::number(MaxInt) + got(*value));
            return std::nullopt;
        }
        return int(number);
    }

    std::optional<std::chrono::milliseconds> millis(
        const QJsonObject &object, const QString &prefix, QLatin1StringView key, int minimum)
    {
        const auto value = integer(object, prefix, key, minimum);
        return value ? std::optional(std::chrono::milliseconds(*value)) : std::nullopt;
    }

    std::optional<QJsonObject> object(const QJsonObject &object, const QString &prefix, QLatin1StringView key)
    {
        const auto value = take(object, prefix, key);
        if (!value) return std::nullopt;
        if (!value->isObject()) {
            fail(childKey(prefix, key), u"must be an object"_s + got(*value));
            return std::nullopt;
        }
        return value->toObject();
    }

    std::optional<QJsonArray> array(const QJsonObject &object, const QString &prefix, QLatin1StringView key)
    {
        const auto value = take(object, prefix, key);
        if (!value) return std::nullopt;
        if (!value->isArray()) {
            fail(childKey(prefix, key), u"must be an array"_s + got(*value));
            return std::nullopt;
        }
        return value->toArray();
    }

    QString headerToken(QLatin1StringView key, const QString &text)
    {
        if (!isHeaderToken(text)) fail(key, u"must be printable ASCII without blanks"_s);
        return text;
    }

    void readNodes(const QJsonArray &nodes)
    {
        for (qsizetype i = 0; i < nodes.size(); ++i) {
            const QString prefix = indexedKey(Key::Nodes, i);
            if (!nodes[i].isObject()) {
                fail(prefix, u"must be an object with id, url and maxConnection"_s + got(nodes[i]));
                return;
            }
            const QJsonObject node = nodes[i].toObject();
            checkKeys(node, prefix, { Key::NodeIdField, Key::NodeUrl, Key::MaxConnection });
            NodeConfig::NodeEntry entry;
            if (const auto id = string(node, prefix, Key::NodeIdField)) {
                if (const auto problem = nodeIdProblem(*id)) fail(childKey(prefix, Key::NodeIdField), *problem);
                entry.id = *id;
            } else if (!node.contains(Key::NodeIdField)) {
                fail(childKey(prefix, Key::NodeIdField), u"missing (every node needs an id and a url)"_s);
            }
            if (const auto text = string(node, prefix, Key::NodeUrl)) {
                if (const auto url = parseBaseUrl(*text))
                    entry.url = *url;
                else
                    fail(childKey(prefix, Key::NodeUrl), UrlProblem + u" (got "_s + quoted(*text) + u')');
            } else if (!node.contains(Key::NodeUrl)) {
                fail(childKey(prefix, Key::NodeUrl), u"missing (every node needs an id and a url)"_s);
            }
            if (const auto max = integer(node, prefix, Key::MaxConnection, 1)) entry.maxConnection = *max;
            m_config.nodes.append(entry);
        }
        // Per-entry keys are not worth tracking one by one: the list replaces the default as a whole.
        m_config.explicitKeys.insert(Key::Nodes);
    }

    void readBayeux(const QJsonObject &bayeux)
    {
        const QString prefix = Key::Bayeux;
        checkKeys(bayeux, prefix,
            { Key::Timeout, Key::Interval, Key::MaxInterval, Key::MaxMessageBytes, Key::MaxSessionsPerUser });
        if (const auto value = millis(bayeux, prefix, Key::Timeout, 1)) m_config.bayeux.timeout = *value;
        if (const auto value = millis(bayeux, prefix, Key::Interval, 0)) m_config.bayeux.interval = *value;
        if (const auto value = millis(bayeux, prefix, Key::MaxInterval, 1)) m_config.bayeux.maxInterval = *value;
        if (const auto value = integer(bayeux, prefix, Key::MaxMessageBytes, 1))
            m_config.bayeux.maxMessageBytes = *value;
        if (const auto value = integer(bayeux, prefix, Key::MaxSessionsPerUser, 1))
            m_config.bayeux.maxSessionsPerUser = *value;
    }

    void readLimits(const QJsonObject &limits)
    {
        const QString prefix = Key::Limits;
        checkKeys(limits, prefix,
            { Key::MaxConnections, Key::MaxRequestBytes, Key::HeaderTimeout, Key::IdleTimeout, Key::MaxOutgoingBytes });
        if (const auto value = integer(limits, prefix, Key::MaxConnections, 1)) m_config.limits.maxConnections = *value;
        if (const auto value = integer(limits, prefix, Key::MaxRequestBytes, 1))
            m_config.limits.maxRequestBytes = *value;
        if (const auto value = millis(limits, prefix, Key::HeaderTimeout, 1)) m_config.limits.headerTimeout = *value;
        if (const auto value = millis(limits, prefix, Key::IdleTimeout, 1)) m_config.limits.idleTimeout = *value;
        // Below a kilobyte a single Bayeux reply would not fit, and every client would look stuck.
        if (const auto value = integer(limits, prefix, Key::MaxOutgoingBytes, MinOutgoingBytes))
            m_config.limits.maxOutgoingBytes = *value;
    }

    void readRedis(const QJsonObject &redis)
    {
        const QString prefix = Key::Redis;
        checkKeys(redis, prefix, { Key::RedisUrl, Key::RedisPrefix, Key::Sentinels, Key::Master });
        NodeConfig::RedisSettings settings;
        const auto url = string(redis, prefix, Key::RedisUrl, Sensitive::Yes);
        if (!url) {
            fail(childKey(prefix, Key::RedisUrl), u"is required: redis://[:password@]host:port[/db]"_s);
            return;
        }
        const QUrl parsed(*url, QUrl::StrictMode);
        bool dbOk = true;
        const QString db = parsed.path().mid(1);
        if (!db.isEmpty()) db.toInt(&dbOk);
        if (!parsed.isValid() || parsed.scheme() != u"redis"_s || parsed.host().isEmpty() || !dbOk
            || parsed.path().count(u'/') > 1 || parsed.hasQuery() || parsed.hasFragment()) {
            // The URL may hold a password: not echoed.
            fail(childKey(prefix, Key::RedisUrl), u"must be redis://[:password@]host:port[/db]"_s);
            return;
        }
        settings.url = *url;
        if (const auto text = string(redis, prefix, Key::RedisPrefix)) {
            if (text->contains(u' ') || text->size() > 64)
                fail(childKey(prefix, Key::RedisPrefix), u"must be at most 64 characters without blanks"_s);
            settings.prefix = *text;
        }
        if (const auto sentinels = array(redis, prefix, Key::Sentinels)) {
            for (qsizetype i = 0; i < sentinels->size(); ++i) {
                const QJsonValue value = sentinels->at(i);
                const auto address = ListenAddress::parse(value.toString());
                if (!value.isString() || !address || address->port == 0) {
                    fail(prefix + u'.' + indexedKey(Key::Sentinels, i), u"must be HOST:PORT"_s + got(value));
                    return;
                }
                settings.sentinels << value.toString();
            }
        }
        if (const auto master = string(redis, prefix, Key::Master)) settings.master = *master;
        if (!settings.sentinels.isEmpty() && settings.master.isEmpty())
            fail(childKey(prefix, Key::Master), u"is required with sentinels"_s);
        m_config.redis = settings;
    }

    void readCors(const QJsonObject &cors)
    {
        const QString prefix = Key::Cors;
        checkKeys(cors, prefix, { Key::Origins });
        const auto origins = array(cors, prefix, Key::Origins);
        if (!origins) return;
        QStringList list;
        for (qsizetype i = 0; i < origins->size(); ++i) {
            const QJsonValue value = origins->at(i);
            const QString key = prefix + u'.' + indexedKey(Key::Origins, i);
            const QString text = value.toString();
            if (text == Key::AnyOrigin) {
                list << text;
                continue;
            }
            const auto url = parseBaseUrl(text);
            if (!value.isString() || !url || !url->path().isEmpty()) {
                fail(key, u"must be \"*\" or an origin such as \"https://example.com:8443\""_s + got(value));
                return;
            }
            list << url->toString();
        }
        m_config.cors.origins = list;
    }

    // An idle connection must outlive a held long-poll, or every hold would be cut.
    void checkTimeouts()
    {
        const auto &config = m_config;
        if (config.limits.idleTimeout > config.bayeux.timeout) return;
        const QString idle = QString::number(config.limits.idleTimeout.count());
        const QString hold = QString::number(config.bayeux.timeout.count());
        const QString idleKey = childKey(Key::Limits, Key::IdleTimeout);
        const QString holdKey = childKey(Key::Bayeux, Key::Timeout);
        if (config.isSet(idleKey) || !config.isSet(holdKey))
            fail(idleKey, u"must be longer than bayeux.timeout ("_s + hold + u" ms) (got "_s + idle + u')');
        else
            fail(holdKey, u"must be shorter than limits.idleTimeout ("_s + idle + u" ms) (got "_s + hold + u')');
    }

    QString m_file;
    NodeConfig m_config;
    std::optional<ConfigError> m_error;
};

// A small DOM of the XML document: the eXo configuration is tiny and easiest to check as a tree.
struct XmlElement
{
    QString name;
    QString nameAttribute; // the `name` attribute of <field name="...">
    QString text;
    qint64 line = 0;
    std::vector<XmlElement> children;

    const XmlElement *child(QLatin1StringView childName) const
    {
        for (const XmlElement &element : children) {
            if (element.name == childName) return &element;
        }
        return nullptr;
    }

    const XmlElement *firstChild() const { return children.empty() ? nullptr : &children.front(); }
};

bool readChildren(QXmlStreamReader &reader, XmlElement &parent, int depth)
{
    while (!reader.atEnd()) {
        switch (reader.readNext()) {
        case QXmlStreamReader::StartElement: {
            if (depth >= MaxXmlDepth) {
                reader.raiseError(u"elements nested more than 64 deep"_s);
                return false;
            }
            XmlElement element;
            element.name = reader.name().toString();
            element.nameAttribute = reader.attributes().value(Wire::ExoXml::NameAttribute).toString();
            element.line = reader.lineNumber();
            if (!readChildren(reader, element, depth + 1)) return false;
            parent.children.push_back(std::move(element));
            break;
        }
        case QXmlStreamReader::Characters:
            parent.text += reader.text();
            break;
        case QXmlStreamReader::EndElement:
            return true;
        default:
            break;
        }
    }
    return !reader.hasError();
}

void collect(const XmlElement &element, QLatin1StringView name, std::vector<const XmlElement *> &out)
{
    if (element.name == name) out.push_back(&element);
    for (const XmlElement &child : element.children)
        collect(child, name, out);
}

QString atLine(const XmlElement &element)
{
    return u" (line "_s + QString::number(element.line) + u')';
}

class ExoXmlReader final
{
public:
    explicit ExoXmlReader(QString file)
        : m_file(std::move(file))
    { }

    ConfigResult<NodeConfig> read(QByteArrayView data)
    {
        XmlElement document;
        QXmlStreamReader reader(data.toByteArray());
        // Columns are reported from 1, as for JSON and in editors (the reader counts from 0).
        const bool ok = readChildren(reader, document, 0);
        if (!ok || reader.hasError()) {
            return ConfigError { m_file, {},
                u"malformed XML at line "_s + QString::number(reader.lineNumber()) + u", column "_s
                    + QString::number(reader.columnNumber() + 1) + u": "_s + reader.errorString() };
        }

        std::vector<const XmlElement *> params;
        collect(document, Wire::ExoXml::ObjectParam, params);
        std::erase_if(params, [](const XmlElement *param) {
            const XmlElement *name = param->child(Wire::ExoXml::Name);
            return !name || name->text.trimmed() != Wire::ExoXml::LoadBalancerParam;
        });
        const QString paramKey = Wire::ExoXml::LoadBalancerParam;
        if (params.empty()) return ConfigError { m_file, paramKey, u"no <object-param> with this name"_s };
        if (params.size() > 1) return ConfigError { m_file, paramKey, u"given twice"_s + atLine(*params[1]) };

        NodeConfig config;
        config.source = m_file;
        if (auto error = readParam(*params.front(), config)) return *error;
        if (auto error = checkNodeList(config.nodes, m_file)) return *error;
        return config;
    }

private:
    std::optional<ConfigError> fail(const QString &key, const QString &problem) const
    {
        return ConfigError { m_file, key, problem };
    }

    std::optional<ConfigError> readParam(const XmlElement &param, NodeConfig &config) const
    {
        const QString paramKey = Wire::ExoXml::LoadBalancerParam;
        const XmlElement *object = param.child(Wire::ExoXml::Object);
        if (!object) return fail(paramKey, u"has no <object>"_s + atLine(param));
        for (const XmlElement &field : object->children) {
            if (field.name != Wire::ExoXml::Field) continue;
            if (field.nameAttribute != Wire::ExoXml::NodesField)
                return fail(paramKey + u'.' + field.nameAttribute, u"unknown field"_s + atLine(field));
            const XmlElement *collection = field.child(Wire::ExoXml::Collection);
            if (!collection) return fail(Key::Nodes, u"has no <collection>"_s + atLine(field));
            for (const XmlElement &value : collection->children) {
                if (value.name != Wire::ExoXml::Value) continue;
                NodeConfig::NodeEntry entry;
                if (auto error = readNode(value, indexedKey(Key::Nodes, config.nodes.size()), entry)) return error;
                config.nodes.append(entry);
            }
            config.explicitKeys.insert(Key::Nodes);
        }
        return std::nullopt;
    }

    std::optional<ConfigError> readNode(
        const XmlElement &value, const QString &prefix, NodeConfig::NodeEntry &entry) const
    {
        const XmlElement *object = value.child(Wire::ExoXml::Object);
        if (!object) return fail(prefix, u"has no <object>"_s + atLine(value));
        bool hasId = false;
        bool hasUrl = false;
        for (const XmlElement &field : object->children) {
            if (field.name != Wire::ExoXml::Field) continue;
            const QString key = prefix + u'.' + field.nameAttribute;
            const XmlElement *content = field.firstChild();
            const QString text = content ? content->text.trimmed() : QString();
            if (field.nameAttribute == Wire::ExoXml::IdField) {
                if (!content || content->name != Wire::ExoXml::String)
                    return fail(key, u"must be a <string>"_s + atLine(field));
                if (const auto problem = nodeIdProblem(text)) return fail(key, *problem + atLine(field));
                entry.id = text;
                hasId = true;
            } else if (field.nameAttribute == Wire::ExoXml::UrlField) {
                if (!content || content->name != Wire::ExoXml::String)
                    return fail(key, u"must be a <string>"_s + atLine(field));
                const auto url = parseBaseUrl(text);
                if (!url) return fail(key, UrlProblem + u" (got "_s + quoted(text) + u')' + atLine(field));
                entry.url = *url;
                hasUrl = true;
            } else if (field.nameAttribute == Wire::ExoXml::MaxConnectionField) {
                if (!content || content->name != Wire::ExoXml::Int)
                    return fail(key, u"must be an <int>"_s + atLine(field));
                bool ok = false;
                const int max = text.toInt(&ok);
                if (!ok || max < 1)
                    return fail(key, integerProblem(1) + u" (got "_s + quoted(text) + u')' + atLine(field));
                entry.maxConnection = max;
            } else {
                return fail(key, u"unknown field"_s + atLine(field));
            }
        }
        if (!hasId || !hasUrl)
            return fail(prefix + u'.' + (hasId ? QString(Key::NodeUrl) : QString(Key::NodeIdField)),
                u"missing (every node needs an id and a url)"_s + atLine(value));
        return std::nullopt;
    }

    QString m_file;
};

} // namespace

namespace ConfigLoader {

ConfigResult<NodeConfig> parse(QByteArrayView data, const QString &fileName)
{
    const QByteArrayView content = withoutBom(data);
    for (const char c : content) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        return c == '<' ? parseExoXml(content, fileName) : parseJson(content, fileName);
    }
    return ConfigError { fileName, {}, u"empty file (expected a JSON object or eXo XML)"_s };
}

namespace {

// Full-line `//` comments (what each key means, in the packaged files) blanked with spaces, so that
// the parser's offsets, lines and columns stay those of the file. A `//` after a value is not a
// comment: it would be taken for part of the JSON and reported as an error.
QByteArray withoutCommentLines(QByteArrayView content)
{
    QByteArray text = content.toByteArray();
    qsizetype lineStart = 0;
    while (lineStart < text.size()) {
        qsizetype lineEnd = text.indexOf('\n', lineStart);
        if (lineEnd < 0) lineEnd = text.size();
        qsizetype first = lineStart;
        while (first < lineEnd && (text[first] == ' ' || text[first] == '\t'))
            ++first;
        if (lineEnd - first >= 2 && text[first] == '/' && text[first + 1] == '/') {
            for (qsizetype i = first; i < lineEnd; ++i) {
                if (text[i] != '\r') text[i] = ' ';
            }
        }
        lineStart = lineEnd + 1;
    }
    return text;
}

} // namespace

ConfigResult<NodeConfig> parseJson(QByteArrayView data, const QString &fileName)
{
    const QByteArray content = withoutCommentLines(withoutBom(data));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(content, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const QByteArrayView before = content.first(std::clamp<qsizetype>(parseError.offset, 0, content.size()));
        const qsizetype lastNewline = before.lastIndexOf('\n');
        const qsizetype line = before.count('\n') + 1;
        const qsizetype column = before.size() - lastNewline; // counts bytes, as the offset does
        return ConfigError { fileName, {},
            u"invalid JSON at line "_s + QString::number(line) + u", column "_s + QString::number(column)
                + u" (offset "_s + QString::number(parseError.offset) + u"): "_s + parseError.errorString() };
    }
    if (!document.isObject()) return ConfigError { fileName, {}, u"must hold a JSON object at the top level"_s };
    return JsonConfigReader(fileName).read(document.object());
}

ConfigResult<NodeConfig> parseExoXml(QByteArrayView data, const QString &fileName)
{
    return ExoXmlReader(fileName).read(withoutBom(data));
}

ConfigResult<NodeConfig> loadFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return ConfigError { path, {}, u"cannot read: "_s + file.errorString() };
    const QByteArray data = file.read(MaxFileBytes + 1);
    if (data.size() > MaxFileBytes) return ConfigError { path, {}, u"larger than 1 MiB"_s };
    ConfigResult<NodeConfig> result = parse(data, path);
    if (result) qCDebug(lcConfig) << "loaded" << path << "with" << result->nodes.size() << "nodes";
    return result;
}

} // namespace ConfigLoader
