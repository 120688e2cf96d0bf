// The HTTP adapter's request-head parser (Http::RequestHead): where a head ends, its fields, how the
// body is framed, and the Request the router gets. Everything a client sends before its body.
#include "fuzzinput.h"
#include "requesthead.h"

#include <QHostAddress>

namespace {

void checkHead(const Http::RequestHead &head)
{
    (void)head.header("host");
    (void)head.hasToken("connection", "upgrade");
    (void)head.isWebSocketUpgrade();
    const auto body = head.body();
    if (const auto *b = std::get_if<Http::RequestHead::Body>(&body))
        Fuzz::check(
            b->kind != Http::RequestHead::Body::Kind::Length || b->length >= 0, "a body length is never negative");
    else
        Fuzz::check(!std::get<Http::RequestHead::HeadError>(body).message.isEmpty(), "a refused framing says why");
    const auto request = head.toRequest(QHostAddress(QHostAddress::LocalHost));
    if (const auto *r = std::get_if<Http::Request>(&request)) {
        (void)r->path();
        (void)r->cookie("BAYEUX_BROWSER");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = Fuzz::bytes(data, size);

    const qsizetype end = Http::findHeadEnd(input);
    Fuzz::check(end >= -1 && end <= input.size(), "findHeadEnd stays inside the bytes");
    // The frontend parses exactly the head; the whole input is tried too, as a head cut anywhere.
    for (const QByteArrayView head :
        { QByteArrayView(input).first(std::max<qsizetype>(end, 0)), QByteArrayView(input) }) {
        const auto parsed = Http::parseRequestHead(head);
        if (const auto *h = std::get_if<Http::RequestHead>(&parsed)) checkHead(*h);
    }

    Http::Request request;
    (void)Http::splitEncodedPath(input, &request);
    return 0;
}
