#pragma once

#include <QByteArrayView>

namespace Http {

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. Used where a
// replacement character would merge distinct inputs (user names in paths) or where a protocol
// demands it (WebSocket text frames, RFC 6455 §8.1).
bool isValidUtf8(QByteArrayView bytes);

// Incremental form for text split over WebSocket fragments: feed the pieces in order; valid() says
// whether what came so far can still be valid, complete() whether it ends on a whole character.
class Utf8Validator final
{
public:
    bool feed(QByteArrayView bytes); // false once invalid
    bool complete() const { return m_valid && m_needed == 0; }
    void reset() { *this = Utf8Validator(); }

private:
    quint32 m_min = 0; // smallest code point the current sequence may encode
    quint32 m_code = 0;
    int m_needed = 0; // continuation bytes still expected
    bool m_valid = true;
};

} // namespace Http
