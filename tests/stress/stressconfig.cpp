#include "stressconfig.h"

#include "stressnames.h"

#include <QFile>
#include <QSet>
#include <QXmlStreamReader>

#include <optional>

using namespace Qt::StringLiterals;
namespace Xml = StressNames::Xml;

namespace {

constexpr int MaxClients = 1000000;
constexpr int MaxRepeat = 1000000;
constexpr int MaxSleepMs = 3600000;

QString quoted(QStringView text)
{
    return u'"' + text.toString() + u'"';
}

QString element(QStringView name)
{
    return u'<' + name.toString() + u'>';
}

// Walks the document once; the first problem stops it and becomes the one error line.
class Reader
{
public:
    Reader(const QByteArray &xml, const QString &fileName)
        : m_xml(xml)
        , m_file(fileName)
        , m_empty(xml.trimmed().isEmpty())
    { }

    StressConfigResult read()
    {
        if (readDocument()) return m_config;
        return m_error;
    }

    bool readDocument()
    {
        if (m_empty) return failAtEnd(u"the file is empty"_s);
        if (!m_xml.readNextStartElement()) return m_xml.hasError() ? xmlError() : failAtEnd(u"no root element"_s);
        if (m_xml.name() != Xml::Configuration)
            return fail(u"the root element must be <configuration> (got %1)"_s.arg(element(m_xml.name())));
        if (!readRootAttributes()) return false;

        QSet<QString> seen;
        while (m_xml.readNextStartElement()) {
            const QString name = m_xml.name().toString();
            if (seen.contains(name)) return fail(u"%1 appears twice"_s.arg(element(name)));
            seen.insert(name);
            bool ok = false;
            if (name == Xml::Container)
                ok = readContainer();
            else if (name == Xml::Messages)
                ok = readMessages();
            else if (name == Xml::Channels)
                ok = readChannels();
            else if (name == Xml::CometdUrl)
                ok = readUrl(Xml::CometdUrl, m_config.cometdUrl);
            else if (name == Xml::BaseUrl)
                ok = readUrl(Xml::BaseUrl, m_config.baseUrl);
            else
                return fail(u"unknown element %1 in <configuration>"_s.arg(element(name)));
            if (!ok) return false;
        }
        if (m_xml.hasError()) return xmlError();
        while (!m_xml.atEnd())
            m_xml.readNext();
        if (m_xml.hasError()) return xmlError();

        if (m_config.baseUrl.isEmpty()) return failAtEnd(u"missing <base-url>"_s);
        if (m_config.messages.isEmpty()) return failAtEnd(u"missing <messages> with at least one <message>"_s);
        if (m_config.channels.isEmpty()) return failAtEnd(u"missing <channels> with at least one <channel>"_s);
        if (!m_config.baseUrl.path().endsWith(u'/')) m_config.baseUrl.setPath(m_config.baseUrl.path() + u'/');
        return true;
    }

private:
    QXmlStreamReader m_xml;
    QString m_file;
    bool m_empty;
    StressConfig m_config;
    QString m_error;

    // Each records the one error line and returns false, so that readers can `return fail(...)`.
    bool fail(const QString &problem)
    {
        m_error = m_file + u':' + QString::number(m_xml.lineNumber()) + u": "_s + problem;
        return false;
    }
    bool failAtEnd(const QString &problem)
    {
        m_error = m_file + u": "_s + problem;
        return false;
    }
    bool xmlError()
    {
        m_error = m_file + u':' + QString::number(m_xml.lineNumber()) + u':' + QString::number(m_xml.columnNumber())
            + u": not well-formed XML: "_s + m_xml.errorString();
        return false;
    }

    // Every attribute of the current element must be one of `allowed`.
    bool checkAttributes(std::initializer_list<QLatin1StringView> allowed)
    {
        for (const QXmlStreamAttribute &attribute : m_xml.attributes()) {
            if (std::find(allowed.begin(), allowed.end(), attribute.qualifiedName()) == allowed.end()) {
                fail(u"unknown attribute %1 on %2"_s.arg(attribute.qualifiedName().toString(), element(m_xml.name())));
                return false;
            }
        }
        return true;
    }

    std::optional<int> intAttribute(QLatin1StringView name, int min, int max, std::optional<int> fallback)
    {
        const QXmlStreamAttributes attributes = m_xml.attributes();
        if (!attributes.hasAttribute(name)) {
            if (!fallback) fail(u"%1 needs the attribute %2"_s.arg(element(m_xml.name()), name));
            return fallback;
        }
        const QStringView text = attributes.value(name).trimmed();
        bool ok = false;
        const int value = text.toInt(&ok);
        if (!ok || value < min || value > max) {
            fail(u"attribute %1 must be an integer from %2 to %3 (got %4)"_s.arg(
                name, QString::number(min), QString::number(max), quoted(attributes.value(name))));
            return std::nullopt;
        }
        return value;
    }

    std::optional<bool> boolAttribute(QLatin1StringView name, bool fallback)
    {
        const QXmlStreamAttributes attributes = m_xml.attributes();
        if (!attributes.hasAttribute(name)) return fallback;
        const QStringView text = attributes.value(name).trimmed();
        if (text.compare(Xml::True, Qt::CaseInsensitive) == 0) return true;
        if (text.compare(Xml::False, Qt::CaseInsensitive) == 0) return false;
        fail(u"attribute %1 must be true or false (got %2)"_s.arg(name, quoted(attributes.value(name))));
        return std::nullopt;
    }

    bool readRootAttributes()
    {
        if (!checkAttributes({ Xml::Clients, Xml::Repeat, Xml::SleepConnection, Xml::SleepSending })) return false;
        const auto clients = intAttribute(Xml::Clients, 1, MaxClients, std::nullopt);
        if (!clients) return false;
        const auto repeat = intAttribute(Xml::Repeat, 1, MaxRepeat, 1);
        if (!repeat) return false;
        const auto sleepConnection = intAttribute(Xml::SleepConnection, 0, MaxSleepMs, 0);
        if (!sleepConnection) return false;
        const auto sleepSending = intAttribute(Xml::SleepSending, 0, MaxSleepMs, 0);
        if (!sleepSending) return false;
        m_config.clients = *clients;
        m_config.repeat = *repeat;
        m_config.sleepConnectionMs = *sleepConnection;
        m_config.sleepSendingMs = *sleepSending;
        return true;
    }

    bool readContainer()
    {
        if (!checkAttributes({ Xml::ContainerStart, Xml::Port, Xml::Home })) return false;
        const auto start = boolAttribute(Xml::ContainerStart, false);
        if (!start) return false;
        // Without containerStart the port is informational (base-url says where the cluster is).
        const auto port = intAttribute(Xml::Port, 0, 65535, *start ? std::nullopt : std::optional<int>(0));
        if (!port) return false;
        m_config.containerStart = *start;
        m_config.containerPort = quint16(*port);
        m_config.containerHome = m_xml.attributes().value(Xml::Home).trimmed().toString();
        return skipEmpty();
    }

    bool readMessages()
    {
        if (!checkAttributes({})) return false;
        QSet<QString> ids;
        while (m_xml.readNextStartElement()) {
            if (m_xml.name() != Xml::Message)
                return fail(u"unknown element %1 in <messages>"_s.arg(element(m_xml.name())));
            if (!checkAttributes({ Xml::Broadcast, Xml::Id })) return false;
            const auto broadcast = boolAttribute(Xml::Broadcast, false);
            if (!broadcast) return false;
            StressMessage message;
            message.broadcast = *broadcast;
            message.id = m_xml.attributes().value(Xml::Id).trimmed().toString();
            if (message.id.isEmpty()) return fail(u"<message> needs a non-empty attribute id"_s);
            if (ids.contains(message.id))
                return fail(u"message id %1 is used twice; ids must be unique"_s.arg(quoted(message.id)));
            ids.insert(message.id);
            if (!text(message.text)) return false;
            m_config.messages.append(message);
        }
        return !m_xml.hasError() || xmlError();
    }

    bool readChannels()
    {
        if (!checkAttributes({})) return false;
        while (m_xml.readNextStartElement()) {
            if (m_xml.name() != Xml::Channel)
                return fail(u"unknown element %1 in <channels>"_s.arg(element(m_xml.name())));
            if (!checkAttributes({})) return false;
            QString channel;
            if (!text(channel)) return false;
            channel = channel.trimmed();
            // A wildcard would match several channels and make "which message arrived where" ambiguous.
            if (!channel.startsWith(u'/') || channel.size() < 2 || channel.contains(u'*') || channel.contains(u' ')
                || channel.endsWith(u'/'))
                return fail(u"channel must be a plain channel name such as /eXo/test, without wildcards (got %1)"_s.arg(
                    quoted(channel)));
            if (m_config.channels.contains(channel)) return fail(u"channel %1 is listed twice"_s.arg(quoted(channel)));
            m_config.channels.append(channel);
        }
        return !m_xml.hasError() || xmlError();
    }

    bool readUrl(QLatin1StringView name, QUrl &out)
    {
        if (!checkAttributes({})) return false;
        QString value;
        if (!text(value)) return false;
        const QUrl url(value.trimmed(), QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"http"_s && url.scheme() != u"https"_s) || url.host().isEmpty())
            return fail(u"<%1> must be an http:// or https:// URL with a host (got %2)"_s.arg(name, quoted(value))),
                   false;
        out = url;
        return true;
    }

    bool text(QString &out)
    {
        const QString name = m_xml.name().toString();
        out = m_xml.readElementText(QXmlStreamReader::ErrorOnUnexpectedElement);
        if (m_xml.error() == QXmlStreamReader::UnexpectedElementError)
            return fail(u"%1 must contain text only"_s.arg(element(name)));
        if (m_xml.hasError()) return xmlError();
        return true;
    }

    bool skipEmpty()
    {
        if (m_xml.readNextStartElement())
            return fail(u"unexpected element %1 in <container>"_s.arg(element(m_xml.name())));
        return !m_xml.hasError() || xmlError();
    }
};

} // namespace

namespace StressConfigParser {

StressConfigResult parse(const QByteArray &xml, const QString &fileName)
{
    return Reader(xml, fileName).read();
}

StressConfigResult parseFile(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) return QString(fileName + u": cannot read: "_s + file.errorString());
    return parse(file.readAll(), fileName);
}

} // namespace StressConfigParser
