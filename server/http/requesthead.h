#pragma once

#include "httptypes.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>
#include <variant>

namespace Http {

// A request line and its header fields, parsed by us rather than by QtHttpServer: the frontend reads
// heads itself to enforce the size limit before anything is buffered, to see how the body is framed,
// and to take WebSocket upgrades (RFC 6455 §4.2.1) away from the HTTP parser.
struct RequestHead
{
    QByteArray method; // as sent, e.g. "GET"
    QByteArray target; // the request-target, e.g. "/cometd/cometd?x=1"
    QByteArray version; // "HTTP/1.1"
    HeaderList headers;

    QByteArray header(QByteArrayView name) const; // case-insensitive; repeated fields joined by ", "
    bool hasToken(QByteArrayView name, QByteArrayView token) const; // comma-separated, case-insensitive

    // `Upgrade: websocket` with `Connection: ... upgrade ...`: what QtHttpServer would hand to its
    // WebSocket server, whatever the method (a non-GET one is refused as a bad handshake).
    bool isWebSocketUpgrade() const;

    // How the body is delimited (RFC 9112 §6.3).
    struct Body
    {
        enum class Kind { None, Length, Chunked };
        Kind kind = Kind::None;
        qint64 length = 0;
    };
    struct HeadError
    {
        int status = 400;
        QString message;
    };
    // A Content-Length that is not a number, two different ones, Content-Length beside
    // Transfer-Encoding (request smuggling), or a transfer coding other than chunked are errors.
    std::variant<Body, HeadError> body() const;

    // The Request the router sees (path split into percent-decoded segments, query); an error when a
    // decoded segment is not valid UTF-8 (distinct raw names would share one identity otherwise).
    std::variant<Request, HeadError> toRequest(const QHostAddress &peer) const;
};

// Where the head ends in `bytes` (the offset just past the blank line; CRLF or bare LF line ends, as
// QtHttpServer accepts), or -1 while it is incomplete. Blank lines before the request line are
// skipped, as QtHttpServer does.
qsizetype findHeadEnd(QByteArrayView bytes);

// Parses bytes [0, findHeadEnd()) of a request.
std::variant<RequestHead, RequestHead::HeadError> parseRequestHead(QByteArrayView head);

// Splits an encoded path ("/a/b%2Fc/") into decoded segments; false when a segment is not valid
// UTF-8 once decoded.
bool splitEncodedPath(QByteArrayView encodedPath, Request *out);

} // namespace Http
