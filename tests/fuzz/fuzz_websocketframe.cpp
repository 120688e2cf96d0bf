// The server's RFC 6455 frame reader (Http::WebSocketProtocol::FrameReader) on a client's bytes:
// the same events whether the bytes arrive at once or in pieces, and every event within the rules.
// The first input byte sets the piece size (1..64), the rest is the stream.
#include "fuzzinput.h"
#include "utf8.h"
#include "websocketframe.h"

using namespace Http::WebSocketProtocol;

namespace {

constexpr qint64 kMaxMessage = 1024;

QList<Event> readAll(QByteArrayView stream, qsizetype piece)
{
    FrameReader reader(kMaxMessage);
    QList<Event> events;
    for (qsizetype at = 0; at < stream.size(); at += piece)
        reader.feed(stream.sliced(at, std::min(piece, stream.size() - at)), &events);
    const bool ends
        = !events.isEmpty() && (events.last().kind == Event::Kind::Close || events.last().kind == Event::Kind::Error);
    Fuzz::check(reader.isFinished() == ends, "finished exactly after a Close or an Error");
    return events;
}

bool sameEvents(const QList<Event> &a, const QList<Event> &b)
{
    if (a.size() != b.size()) return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a.at(i).kind != b.at(i).kind || a.at(i).payload != b.at(i).payload || a.at(i).code != b.at(i).code)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    const qsizetype piece = 1 + data[0] % 64;
    const QByteArray stream = Fuzz::bytes(data + 1, size - 1);

    const QList<Event> whole = readAll(stream, qMax<qsizetype>(stream.size(), 1));
    Fuzz::check(sameEvents(whole, readAll(stream, piece)), "the same events whatever the piece size");
    for (qsizetype i = 0; i < whole.size(); ++i) {
        const Event &e = whole.at(i);
        Fuzz::check(e.payload.size() <= kMaxMessage, "no event larger than the limit");
        if (e.kind == Event::Kind::Text) Fuzz::check(Http::isValidUtf8(e.payload), "text messages are valid UTF-8");
        if (e.kind == Event::Kind::Ping || e.kind == Event::Kind::Pong)
            Fuzz::check(e.payload.size() <= 125, "control payloads at most 125 bytes");
        if (e.kind == Event::Kind::Error) Fuzz::check(e.code >= 1000 && e.code < 5000, "an error gives a close code");
    }

    // What the server writes, read back as a client would (masking it first, as clients must).
    const QByteArray payload = stream.first(std::min<qsizetype>(stream.size(), 200));
    QByteArray framed = frame(Opcode::Binary, payload);
    const qsizetype headerSize = framed.size() - payload.size();
    framed[1] = char(framed[1] | 0x80);
    framed.insert(headerSize, QByteArray(4, '\0')); // mask key 0: the payload is unchanged
    QList<Event> back;
    FrameReader reader(kMaxMessage);
    reader.feed(framed, &back);
    Fuzz::check(back.size() == 1 && back.first().kind == Event::Kind::Binary && back.first().payload == payload,
        "a frame written reads back");
    return 0;
}
