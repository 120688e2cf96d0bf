#include "utf8.h"

namespace Http {

bool Utf8Validator::feed(QByteArrayView bytes)
{
    for (const char raw : bytes) {
        if (!m_valid) return false;
        const auto c = quint8(raw);
        if (m_needed > 0) {
            if ((c & 0xC0) != 0x80) return m_valid = false;
            m_code = (m_code << 6) | (c & 0x3F);
            if (--m_needed == 0 && (m_code < m_min || m_code > 0x10FFFF || (m_code >= 0xD800 && m_code <= 0xDFFF)))
                return m_valid = false;
            continue;
        }
        if (c < 0x80) continue;
        if ((c & 0xE0) == 0xC0) {
            m_code = c & 0x1F;
            m_needed = 1;
            m_min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            m_code = c & 0x0F;
            m_needed = 2;
            m_min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            m_code = c & 0x07;
            m_needed = 3;
            m_min = 0x10000;
        } else {
            return m_valid = false;
        }
    }
    return m_valid;
}

bool isValidUtf8(QByteArrayView bytes)
{
    Utf8Validator v;
    return v.feed(bytes) && v.complete();
}

} // namespace Http
