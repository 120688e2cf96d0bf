#include "rawwebsocket.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QtEndian>

RawWebSocket::RawWebSocket(QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QTcpSocket::readyRead, this, &RawWebSocket::onReadyRead);
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] { m_closed = true; });
}

void RawWebSocket::open(quint16 port, const QByteArray &path, const QList<QByteArray> &headers)
{
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    QByteArray request = "GET " + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    for (const QByteArray &header : headers)
        request += header + "\r\n";
    m_socket.write(request + "\r\n");
}

QByteArray RawWebSocket::encodeFrame(quint8 opcode, const QByteArray &payload, bool masked, bool fin, quint8 rsv)
{
    QByteArray out;
    out.append(char((fin ? 0x80 : 0) | rsv | opcode));
    const quint8 maskBit = masked ? 0x80 : 0;
    if (payload.size() < 126) {
        out.append(char(maskBit | payload.size()));
    } else if (payload.size() <= 0xFFFF) {
        out.append(char(maskBit | 126));
        char length[2];
        qToBigEndian(quint16(payload.size()), length);
        out.append(length, 2);
    } else {
        out.append(char(maskBit | 127));
        char length[8];
        qToBigEndian(quint64(payload.size()), length);
        out.append(length, 8);
    }
    if (!masked) return out + payload;
    char mask[4];
    qToBigEndian(QRandomGenerator::global()->generate(), mask);
    out.append(mask, 4);
    const qsizetype start = out.size();
    out.append(payload);
    for (qsizetype i = 0; i < payload.size(); ++i)
        out[start + i] = char(out[start + i] ^ mask[i & 3]);
    return out;
}

void RawWebSocket::sendFrame(quint8 opcode, const QByteArray &payload, bool masked, bool fin)
{
    m_socket.write(encodeFrame(opcode, payload, masked, fin));
}

void RawWebSocket::stopReading()
{
    m_reading = false;
    m_socket.setReadBufferSize(1);
}

void RawWebSocket::resumeReading()
{
    m_reading = true;
    m_socket.setReadBufferSize(0);
    onReadyRead();
}

QJsonArray RawWebSocket::lastBatch() const
{
    for (qsizetype i = frames.size() - 1; i >= 0; --i) {
        if (frames.at(i).opcode == 0x1) return QJsonDocument::fromJson(frames.at(i).payload).array();
    }
    return {};
}

void RawWebSocket::onReadyRead()
{
    if (!m_reading) return;
    m_buffer += m_socket.readAll();
    if (!m_open) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        m_handshake = m_buffer.first(end + 4);
        m_buffer.remove(0, end + 4);
        m_open = m_handshake.startsWith("HTTP/1.1 101");
        if (!m_open) return;
    }
    parseFrames();
}

void RawWebSocket::parseFrames()
{
    bool any = false;
    for (;;) {
        if (m_buffer.size() < 2) break;
        const auto b0 = quint8(m_buffer[0]);
        qint64 length = quint8(m_buffer[1]) & 0x7F;
        qsizetype header = 2;
        if (length == 126) {
            if (m_buffer.size() < 4) break;
            length = qFromBigEndian<quint16>(m_buffer.constData() + 2);
            header = 4;
        } else if (length == 127) {
            if (m_buffer.size() < 10) break;
            length = qint64(qFromBigEndian<quint64>(m_buffer.constData() + 2));
            header = 10;
        }
        if (m_buffer.size() < header + length) break;
        Frame frame { quint8(b0 & 0x0F), m_buffer.mid(header, length) };
        m_buffer.remove(0, header + length);
        if (frame.opcode == 0x1) {
            // Count data messages (not replies) without keeping every big frame twice.
            const QJsonArray batch = QJsonDocument::fromJson(frame.payload).array();
            for (const QJsonValue &v : batch) {
                if (v.toObject().contains(QStringLiteral("data"))) ++textMessages;
            }
        }
        frames.append(std::move(frame));
        any = true;
    }
    if (any) Q_EMIT frameReceived();
}
