#include "listenaddress.h"

#include <QHostAddress>

using namespace Qt::StringLiterals;

namespace {

bool isHostName(QStringView host)
{
    if (host.isEmpty() || host.size() > 253) return false;
    for (const QChar c : host) {
        if (!(c.isLetterOrNumber() && c.unicode() < 0x80) && c != u'-' && c != u'.') return false;
    }
    return !host.startsWith(u'.') && !host.startsWith(u'-');
}

std::optional<quint16> parsePort(QStringView text)
{
    if (text.isEmpty() || text.size() > 5) return std::nullopt;
    for (const QChar c : text) {
        if (c < u'0' || c > u'9') return std::nullopt;
    }
    const uint port = text.toUInt();
    if (port > 65535) return std::nullopt;
    return quint16(port);
}

} // namespace

std::optional<ListenAddress> ListenAddress::parse(QStringView text)
{
    QStringView host;
    QStringView port;
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u"]:");
        if (close < 0) return std::nullopt;
        host = text.sliced(1, close - 1);
        port = text.sliced(close + 2);
        QHostAddress address;
        if (!address.setAddress(host.toString()) || address.protocol() != QAbstractSocket::IPv6Protocol)
            return std::nullopt;
    } else {
        const qsizetype colon = text.lastIndexOf(u':');
        if (colon <= 0) return std::nullopt;
        host = text.first(colon);
        port = text.sliced(colon + 1);
        if (host.contains(u':') || !isHostName(host)) return std::nullopt;
    }
    const std::optional<quint16> portNumber = parsePort(port);
    if (!portNumber) return std::nullopt;
    return ListenAddress { host.toString(), *portNumber };
}

QString ListenAddress::toString() const
{
    const QString port = QString::number(this->port);
    if (host.contains(u':')) return u'[' + host + u"]:"_s + port;
    return host + u':' + port;
}

bool ListenAddress::isLoopback() const
{
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0) return true;
    return QHostAddress(host).isLoopback();
}

bool ListenAddress::isWildcard() const
{
    const QHostAddress address(host);
    return address == QHostAddress::AnyIPv4 || address == QHostAddress::AnyIPv6;
}

QUrl ListenAddress::toUrl(quint16 boundPort) const
{
    QUrl url;
    url.setScheme(u"http"_s);
    url.setHost(host);
    url.setPort(boundPort != 0 ? boundPort : port);
    return url;
}
