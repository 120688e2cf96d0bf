#include "requesthead.h"

#include "utf8.h"

#include <QUrl>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Http {

namespace {

bool isToken(char c)
{
    // RFC 9110 tchar
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

QByteArrayView trimmed(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r'))
        v.chop(1);
    return v;
}

RequestHead::HeadError badRequest(const QString &message)
{
    return { 400, message };
}

} // namespace

qsizetype findHeadEnd(QByteArrayView bytes)
{
    qsizetype start = 0;
    while (start < bytes.size() && (bytes[start] == '\r' || bytes[start] == '\n'))
        ++start;
    for (qsizetype i = bytes.indexOf('\n', start); i >= 0; i = bytes.indexOf('\n', i + 1)) {
        // the line that starts after this '\n' is empty: "\n\n" or "\n\r\n"
        if (i + 1 < bytes.size() && bytes[i + 1] == '\n') return i + 2;
        if (i + 2 < bytes.size() && bytes[i + 1] == '\r' && bytes[i + 2] == '\n') return i + 3;
    }
    return -1;
}

std::variant<RequestHead, RequestHead::HeadError> parseRequestHead(QByteArrayView head)
{
    RequestHead out;
    qsizetype pos = 0;
    while (pos < head.size() && (head[pos] == '\r' || head[pos] == '\n'))
        ++pos;
    bool first = true;
    while (pos < head.size()) {
        qsizetype eol = head.indexOf('\n', pos);
        if (eol < 0) eol = head.size();
        QByteArrayView line = head.sliced(pos, eol - pos);
        pos = eol + 1;
        if (line.endsWith('\r')) line.chop(1);
        if (first) {
            first = false;
            const qsizetype sp1 = line.indexOf(' ');
            const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
            if (sp1 <= 0 || sp2 <= sp1 + 1 || line.indexOf(' ', sp2 + 1) >= 0)
                return badRequest(u"malformed request line"_s);
            out.method = line.first(sp1).toByteArray();
            out.target = line.sliced(sp1 + 1, sp2 - sp1 - 1).toByteArray();
            out.version = line.sliced(sp2 + 1).toByteArray();
            if (!std::all_of(out.method.cbegin(), out.method.cend(), isToken))
                return badRequest(u"malformed request method"_s);
            if (!out.version.startsWith("HTTP/1."))
                return RequestHead::HeadError { 505, u"HTTP version not supported"_s };
            for (const char c : std::as_const(out.target)) {
                if (quint8(c) <= 0x20 || quint8(c) == 0x7F) return badRequest(u"malformed request target"_s);
            }
            continue;
        }
        if (line.isEmpty()) break; // the blank line that ends the head
        if (line.front() == ' ' || line.front() == '\t') return badRequest(u"obsolete header line folding"_s);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) return badRequest(u"malformed header field"_s);
        const QByteArrayView name = line.first(colon);
        if (!std::all_of(name.begin(), name.end(), isToken)) return badRequest(u"malformed header field name"_s);
        const QByteArrayView value = trimmed(line.sliced(colon + 1));
        for (const char c : value) {
            if ((quint8(c) < 0x20 && c != '\t') || quint8(c) == 0x7F)
                return badRequest(u"control character in a header field"_s);
        }
        out.headers.append({ name.toByteArray(), value.toByteArray() });
    }
    if (first) return badRequest(u"empty request"_s);
    return out;
}

QByteArray RequestHead::header(QByteArrayView name) const
{
    return headerValue(headers, name);
}

bool RequestHead::hasToken(QByteArrayView name, QByteArrayView token) const
{
    const QByteArray value = header(name);
    for (const QByteArray &part : value.split(',')) {
        if (trimmed(part).compare(token, Qt::CaseInsensitive) == 0) return true;
    }
    return false;
}

bool RequestHead::isWebSocketUpgrade() const
{
    return header("Upgrade").trimmed().compare("websocket", Qt::CaseInsensitive) == 0
        && header("Connection").toLower().contains("upgrade");
}

std::variant<RequestHead::Body, RequestHead::HeadError> RequestHead::body() const
{
    Body body;
    std::optional<qint64> length;
    bool transferEncoding = false;
    for (const auto &[key, value] : headers) {
        if (key.compare("Content-Length", Qt::CaseInsensitive) == 0) {
            // Digits only: QByteArray::toLongLong would take "+5" or " 5".
            const QByteArrayView v = trimmed(value);
            if (v.isEmpty() || v.size() > 18
                || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
                return badRequest(u"invalid Content-Length"_s);
            const qint64 n = v.toLongLong();
            if (length && *length != n) return badRequest(u"conflicting Content-Length fields"_s);
            length = n;
        } else if (key.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0) {
            transferEncoding = true;
        }
    }
    if (transferEncoding) {
        if (length) return badRequest(u"Content-Length beside Transfer-Encoding"_s);
        if (header("Transfer-Encoding").trimmed().compare("chunked", Qt::CaseInsensitive) != 0)
            return HeadError { 501, u"only the chunked transfer coding is supported"_s };
        body.kind = Body::Kind::Chunked;
        return body;
    }
    if (length && *length > 0) {
        body.kind = Body::Kind::Length;
        body.length = *length;
    }
    return body;
}

bool splitEncodedPath(QByteArrayView encodedPath, Request *out)
{
    const QList<QByteArrayView> parts = [&] {
        QList<QByteArrayView> list;
        qsizetype from = 0;
        for (qsizetype i = encodedPath.indexOf('/'); i >= 0; i = encodedPath.indexOf('/', from)) {
            list.append(encodedPath.sliced(from, i - from));
            from = i + 1;
        }
        list.append(encodedPath.sliced(from));
        return list;
    }();
    // parts[0] is the text before the leading '/'
    for (qsizetype i = 1; i < parts.size(); ++i) {
        if (i == parts.size() - 1 && parts.at(i).isEmpty()) {
            out->trailingSlash = true;
            break;
        }
        const QByteArray decoded = QByteArray::fromPercentEncoding(parts.at(i).toByteArray());
        if (!isValidUtf8(decoded)) return false;
        out->pathSegments.append(QString::fromUtf8(decoded));
    }
    return true;
}

std::variant<Request, RequestHead::HeadError> RequestHead::toRequest(const QHostAddress &peer) const
{
    Request r;
    if (method == "GET")
        r.method = Method::Get;
    else if (method == "HEAD")
        r.method = Method::Head;
    else if (method == "POST")
        r.method = Method::Post;
    else if (method == "PUT")
        r.method = Method::Put;
    else if (method == "DELETE")
        r.method = Method::Delete;
    else if (method == "OPTIONS")
        r.method = Method::Options;
    else if (method == "PATCH")
        r.method = Method::Patch;
    const qsizetype q = target.indexOf('?');
    const QByteArrayView path = q < 0 ? QByteArrayView(target) : QByteArrayView(target).first(q);
    if (!path.startsWith('/')) return badRequest(u"request target is not a path"_s);
    if (!splitEncodedPath(path, &r)) return badRequest(u"path is not valid UTF-8"_s);
    if (q >= 0) r.query = QUrlQuery(QString::fromUtf8(QByteArrayView(target).sliced(q + 1)));
    r.headers = headers;
    r.peer = peer;
    return r;
}

} // namespace Http
