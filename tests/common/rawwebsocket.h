#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QList>
#include <QObject>
#include <QTcpSocket>

// A WebSocket client that sends exactly what the test says (masked or not, any opcode) and can
// stop reading, for tests of hostile clients. Frames from the server are parsed as they come.
class RawWebSocket final : public QObject
{
    Q_OBJECT
public:
    struct Frame
    {
        quint8 opcode = 0;
        QByteArray payload;
    };

    explicit RawWebSocket(QObject *parent = nullptr);

    // A client frame as RFC 6455 §5.2 lays it out: masked with a random key unless told otherwise;
    // `rsv` are the reserved bits (0x70), to send what a server must refuse.
    static QByteArray encodeFrame(
        quint8 opcode, const QByteArray &payload, bool masked = true, bool fin = true, quint8 rsv = 0);

    // `headers` are extra "Name: value" lines of the upgrade request.
    void open(quint16 port, const QByteArray &path = QByteArrayLiteral("/cometd/cometd"),
        const QList<QByteArray> &headers = {});
    bool isOpen() const { return m_open; } // the 101 came
    bool isClosed() const { return m_closed; }
    QByteArray handshakeAnswer() const { return m_handshake; }

    void sendFrame(quint8 opcode, const QByteArray &payload, bool masked = true, bool fin = true);
    void sendText(const QByteArray &payload) { sendFrame(0x1, payload); }
    // From now on nothing is read: the kernel's buffers fill, then the server's.
    void stopReading();
    void resumeReading();
    QTcpSocket &socket() { return m_socket; }
    qint64 bytesToWrite() const { return m_socket.bytesToWrite(); }

    QList<Frame> frames; // every frame received, in order
    qint64 textMessages = 0; // Bayeux messages with data received in text frames
    QJsonArray lastBatch() const; // the last text frame, parsed

Q_SIGNALS:
    void frameReceived();

private:
    void onReadyRead();
    void parseFrames();

    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_handshake;
    bool m_open = false;
    bool m_closed = false;
    bool m_reading = true;
};
