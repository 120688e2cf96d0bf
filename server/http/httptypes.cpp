#include "httptypes.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Http {

QByteArray headerValue(const HeaderList &headers, QByteArrayView name)
{
    QByteArray joined;
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) != 0) continue;
        if (!joined.isEmpty()) joined += ", ";
        joined += value;
    }
    return joined;
}

QByteArray Request::header(QByteArrayView name) const
{
    return headerValue(headers, name);
}

QByteArray Request::cookie(QByteArrayView name) const
{
    const QByteArray all = header("Cookie");
    for (const QByteArray &raw : all.split(';')) {
        const QByteArrayView part = QByteArrayView(raw).trimmed();
        const qsizetype eq = part.indexOf('=');
        if (eq > 0 && part.first(eq).trimmed() == name) return part.sliced(eq + 1).trimmed().toByteArray();
    }
    return {};
}

bool Request::isLoopbackPeer() const
{
    return peer.isLoopback();
}

QString Request::path() const
{
    QString p;
    for (const QString &s : pathSegments)
        p += u'/' + s;
    if (trailingSlash || p.isEmpty()) p += u'/';
    return p;
}

Response Response::json(QByteArray body, int status)
{
    return Response { status, QByteArrayLiteral("application/json"), std::move(body), {}, false };
}

Response Response::text(QByteArray body, int status)
{
    return Response { status, QByteArrayLiteral("text/plain; charset=utf-8"), std::move(body), {}, false };
}

Response Response::error(int status, const QString &message)
{
    const QJsonObject o { { QStringLiteral("error"), message } };
    return json(QJsonDocument(o).toJson(QJsonDocument::Compact), status);
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 101:
        return QByteArrayLiteral("Switching Protocols");
    case 200:
        return QByteArrayLiteral("OK");
    case 204:
        return QByteArrayLiteral("No Content");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 413:
        return QByteArrayLiteral("Content Too Large");
    case 415:
        return QByteArrayLiteral("Unsupported Media Type");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 502:
        return QByteArrayLiteral("Bad Gateway");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    default:
        return QByteArrayLiteral("Status");
    }
}

QByteArray serialize(const Response &response, bool headRequest)
{
    QByteArray out;
    out.reserve(160 + response.body.size());
    out += "HTTP/1.1 ";
    out += QByteArray::number(response.status);
    out += ' ';
    out += reasonPhrase(response.status);
    out += "\r\n";
    if (!response.contentType.isEmpty()) {
        out += "Content-Type: ";
        out += response.contentType;
        out += "\r\n";
    }
    if (response.status != 204) {
        out += "Content-Length: ";
        out += QByteArray::number(response.body.size());
        out += "\r\n";
    }
    for (const auto &[key, value] : response.headers) {
        out += key;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    if (response.closeConnection) out += "Connection: close\r\n";
    out += "\r\n";
    if (!headRequest && response.status != 204) out += response.body;
    return out;
}

} // namespace Http
