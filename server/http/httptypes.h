#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace Http {

enum class Method { Get, Head, Post, Put, Delete, Options, Patch, Other };

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// The value of header `name` (case-insensitive); repeated fields joined by ", ".
QByteArray headerValue(const HeaderList &headers, QByteArrayView name);

// A request copied out of the HTTP library: it stays valid after the connection is gone, so it can
// be kept while a long poll is held.
struct Request
{
    Method method = Method::Other;
    QList<QString> pathSegments; // percent-decoded one by one, so "%2F" inside a segment stays in it
    bool trailingSlash = false;
    QUrlQuery query;
    HeaderList headers;
    QByteArray body;
    QHostAddress peer;

    QByteArray header(QByteArrayView name) const; // case-insensitive; repeated headers joined by ", "
    QByteArray cookie(QByteArrayView name) const;
    bool isLoopbackPeer() const;
    QString path() const; // "/a/b" rebuilt from the segments, for logs
};

struct Response
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    HeaderList headers;
    bool closeConnection = false;

    static Response json(QByteArray body, int status = 200);
    static Response text(QByteArray body, int status = 200);
    // {"error": message}: the one shape every REST error takes (SPEC §4)
    static Response error(int status, const QString &message);
};

QByteArray reasonPhrase(int status);

// Serialises a response for a socket: status line, headers, Content-Length, body (omitted for HEAD).
QByteArray serialize(const Response &response, bool headRequest);

} // namespace Http
