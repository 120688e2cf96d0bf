#include "websocketframe.h"

#include <QCryptographicHash>

#include <QtEndian>

namespace Http::WebSocketProtocol {

namespace {

constexpr QByteArrayView Guid { "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" }; // RFC 6455 §1.3
constexpr qint64 MaxControlPayload = 125;

bool isControl(quint8 opcode)
{
    return opcode & 0x8;
}

bool isKnown(quint8 opcode)
{
    switch (Opcode(opcode)) {
    case Opcode::Continuation:
    case Opcode::Text:
    case Opcode::Binary:
    case Opcode::Close:
    case Opcode::Ping:
    case Opcode::Pong:
        return true;
    }
    return false;
}

// Close codes a peer may send (RFC 6455 §7.4.1, §7.4.2): 1000-1003, 1007-1011, 3000-4999.
bool isValidPeerCloseCode(quint16 code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
}

} // namespace

QByteArray acceptKey(QByteArrayView clientKey)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(clientKey);
    sha1.addData(Guid);
    return sha1.result().toBase64();
}

bool isValidClientKey(QByteArrayView clientKey)
{
    if (clientKey.size() != 24) return false;
    const auto decoded
        = QByteArray::fromBase64Encoding(clientKey.toByteArray(), QByteArray::AbortOnBase64DecodingErrors);
    return decoded && decoded.decoded.size() == 16;
}

QByteArray frameHeader(Opcode opcode, qint64 payloadLength)
{
    QByteArray header;
    header.reserve(10);
    header.append(char(0x80 | quint8(opcode)));
    if (payloadLength < 126) {
        header.append(char(payloadLength));
    } else if (payloadLength <= 0xFFFF) {
        header.append(char(126));
        char length[2];
        qToBigEndian(quint16(payloadLength), length);
        header.append(length, 2);
    } else {
        header.append(char(127));
        char length[8];
        qToBigEndian(quint64(payloadLength), length);
        header.append(length, 8);
    }
    return header;
}

QByteArray frame(Opcode opcode, QByteArrayView payload)
{
    QByteArray out = frameHeader(opcode, payload.size());
    out.append(payload);
    return out;
}

QByteArray closeFrame(quint16 code, QByteArrayView reason)
{
    QByteArray payload(2, Qt::Uninitialized);
    qToBigEndian(code, payload.data());
    payload.append(reason.first(std::min<qsizetype>(reason.size(), MaxControlPayload - 2)));
    return frame(Opcode::Close, payload);
}

FrameReader::FrameReader(qint64 maxMessageBytes)
    : m_maxMessageBytes(maxMessageBytes)
{ }

void FrameReader::fail(quint16 code, const char *why, QList<Event> *events)
{
    m_finished = true;
    m_buffer.clear();
    m_message.clear();
    events->append(Event { Event::Kind::Error, QByteArray(why), code });
}

void FrameReader::feed(QByteArrayView bytes, QList<Event> *events)
{
    if (m_finished) return;
    m_buffer.append(bytes);
    while (!m_finished && readFrame(events)) { }
    if (m_finished) return;
    // Drop what was read; keep the partial frame. With nothing partial the buffer goes too: an
    // idle connection (most of a node's) keeps no read buffer between its messages.
    if (m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    } else if (m_offset > 0) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
}

bool FrameReader::readFrame(QList<Event> *events)
{
    const QByteArrayView in = QByteArrayView(m_buffer).sliced(m_offset);
    if (in.size() < 2) return false;
    const auto b0 = quint8(in[0]);
    const auto b1 = quint8(in[1]);
    const bool fin = b0 & 0x80;
    const quint8 opcode = b0 & 0x0F;
    if (b0 & 0x70) {
        fail(ProtocolError, "reserved bits set", events);
        return false;
    }
    if (!isKnown(opcode)) {
        fail(ProtocolError, "unknown opcode", events);
        return false;
    }
    if (!(b1 & 0x80)) {
        fail(ProtocolError, "unmasked client frame", events);
        return false;
    }
    qint64 length = b1 & 0x7F;
    qsizetype headerSize = 2;
    if (isControl(opcode) && (!fin || length > MaxControlPayload)) {
        fail(ProtocolError, "fragmented or oversized control frame", events);
        return false;
    }
    if (length == 126) {
        if (in.size() < 4) return false;
        length = qFromBigEndian<quint16>(in.data() + 2);
        headerSize = 4;
        if (length < 126) {
            fail(ProtocolError, "length not minimally encoded", events);
            return false;
        }
    } else if (length == 127) {
        if (in.size() < 10) return false;
        const quint64 wide = qFromBigEndian<quint64>(in.data() + 2);
        if (wide >> 63) {
            fail(ProtocolError, "length with the top bit set", events);
            return false;
        }
        length = qint64(wide);
        headerSize = 10;
        if (length <= 0xFFFF) {
            fail(ProtocolError, "length not minimally encoded", events);
            return false;
        }
    }
    // Refuse before buffering: a frame (or message) over the limit is never held.
    const qint64 messageSoFar = isControl(opcode) ? 0 : m_message.size();
    if (length > m_maxMessageBytes - messageSoFar) {
        fail(TooBig, "message over the size limit", events);
        return false;
    }
    if (in.size() < headerSize + 4 + length) return false;

    const char *mask = in.data() + headerSize;
    QByteArray payload(in.sliced(headerSize + 4, length).toByteArray());
    for (qsizetype i = 0; i < payload.size(); ++i)
        payload[i] = char(payload[i] ^ mask[i & 3]);
    m_offset += headerSize + 4 + length;

    switch (Opcode(opcode)) {
    case Opcode::Ping:
        events->append(Event { Event::Kind::Ping, payload, 0 });
        return true;
    case Opcode::Pong:
        events->append(Event { Event::Kind::Pong, payload, 0 });
        return true;
    case Opcode::Close: {
        if (payload.size() == 1) {
            fail(ProtocolError, "close frame with a one-byte body", events);
            return false;
        }
        quint16 code = NoStatus;
        QByteArray reason;
        if (payload.size() >= 2) {
            code = qFromBigEndian<quint16>(payload.constData());
            reason = payload.mid(2);
            if (!isValidPeerCloseCode(code)) {
                fail(ProtocolError, "invalid close code", events);
                return false;
            }
            if (!isValidUtf8(reason)) {
                fail(InvalidPayload, "close reason not UTF-8", events);
                return false;
            }
        }
        m_finished = true;
        events->append(Event { Event::Kind::Close, reason, code });
        return false;
    }
    case Opcode::Continuation:
        if (!m_messageOpcode) {
            fail(ProtocolError, "continuation without a message", events);
            return false;
        }
        break;
    case Opcode::Text:
    case Opcode::Binary:
        if (m_messageOpcode) {
            fail(ProtocolError, "new message inside a fragmented one", events);
            return false;
        }
        m_messageOpcode = Opcode(opcode);
        m_utf8.reset();
        break;
    }

    if (*m_messageOpcode == Opcode::Text && !m_utf8.feed(payload)) {
        fail(InvalidPayload, "text not valid UTF-8", events);
        return false;
    }
    if (m_message.isEmpty())
        m_message = std::move(payload);
    else
        m_message.append(payload);
    if (!fin) return true;
    const bool text = *m_messageOpcode == Opcode::Text;
    if (text && !m_utf8.complete()) {
        fail(InvalidPayload, "text not valid UTF-8", events);
        return false;
    }
    m_messageOpcode.reset();
    events->append(Event { text ? Event::Kind::Text : Event::Kind::Binary, std::exchange(m_message, {}), 0 });
    return true;
}

} // namespace Http::WebSocketProtocol
