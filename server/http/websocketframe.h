#pragma once

#include "utf8.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <optional>

// RFC 6455 framing, as plain code: the server side's reader of client frames and writer of its own.
namespace Http::WebSocketProtocol {

enum class Opcode : quint8 { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };

// Close codes (RFC 6455 §7.4.1)
enum CloseCode : quint16 {
    Normal = 1000,
    GoingAway = 1001,
    ProtocolError = 1002,
    UnsupportedData = 1003,
    NoStatus = 1005, // never sent: a close frame without a code
    InvalidPayload = 1007,
    PolicyViolated = 1008,
    TooBig = 1009,
};

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
QByteArray acceptKey(QByteArrayView clientKey);
// A valid Sec-WebSocket-Key: base64 of 16 bytes.
bool isValidClientKey(QByteArrayView clientKey);

// The header of an unmasked (server) frame with FIN set and `payloadLength` bytes to follow.
QByteArray frameHeader(Opcode opcode, qint64 payloadLength);
QByteArray frame(Opcode opcode, QByteArrayView payload);
QByteArray closeFrame(quint16 code, QByteArrayView reason = {});

// What the peer sent, one whole message or control frame at a time.
struct Event
{
    enum class Kind { Text, Binary, Ping, Pong, Close, Error };
    Kind kind = Kind::Text;
    QByteArray payload; // message, ping/pong application data, close reason
    quint16 code = 0; // Close: the peer's code (NoStatus when it gave none); Error: the code to close with
};

// Reads a client's byte stream into events. Every rule a server must enforce is checked: frames
// masked, reserved bits clear, known opcodes, control frames unfragmented and at most 125 bytes, no
// continuation without a start or a new message inside a fragmented one, text valid UTF-8 (checked
// as the fragments come), a message no larger than the limit. The first violation gives an Error
// event with the close code to send, and the reader takes nothing more; so does a Close.
// Memory is bounded by the limit: a frame is kept until whole, a fragmented message until its end.
class FrameReader final
{
public:
    explicit FrameReader(qint64 maxMessageBytes);

    // Takes bytes as they arrive; whole events go to the list.
    void feed(QByteArrayView bytes, QList<Event> *events);
    bool isFinished() const { return m_finished; } // a Close or an Error was given

private:
    // Parses one frame from m_buffer at m_offset; false when more bytes are needed.
    bool readFrame(QList<Event> *events);
    void fail(quint16 code, const char *why, QList<Event> *events);

    qint64 m_maxMessageBytes;
    QByteArray m_buffer; // bytes of frames not yet whole
    qsizetype m_offset = 0; // where the next unread frame starts in m_buffer
    QByteArray m_message; // fragments of the message in progress
    std::optional<Opcode> m_messageOpcode; // set while a fragmented message is in progress
    Utf8Validator m_utf8;
    bool m_finished = false;
};

} // namespace Http::WebSocketProtocol
