#include "rawhttpclient.h"

#include <QJsonDocument>

QByteArray RawHttpClient::Reply::header(QByteArrayView name) const
{
    for (const auto &[k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0) return v;
    }
    return {};
}

QJsonArray RawHttpClient::Reply::jsonArray() const
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    return doc.isArray() ? doc.array() : QJsonArray { doc.object() };
}

QJsonObject RawHttpClient::Reply::jsonObject() const
{
    return QJsonDocument::fromJson(body).object();
}

RawHttpClient::RawHttpClient(quint16 port, QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QTcpSocket::readyRead, this, [this] {
        m_buffer += m_socket.readAll();
        parse();
    });
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] { m_closed = true; });
    m_socket.connectToHost(QHostAddress::LocalHost, port);
}

void RawHttpClient::request(
    const QByteArray &method, const QByteArray &path, const QByteArray &body, const QList<QByteArray> &headers)
{
    QByteArray out = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const QByteArray &h : headers)
        out += h + "\r\n";
    if (!body.isEmpty() || method == "POST") out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "\r\n" + body;
    m_socket.write(out);
}

void RawHttpClient::postJson(const QByteArray &path, const QByteArray &json, const QList<QByteArray> &headers)
{
    QList<QByteArray> all = headers;
    all.append(QByteArrayLiteral("Content-Type: application/json"));
    request("POST", path, json, all);
}

void RawHttpClient::parse()
{
    for (;;) {
        const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
        if (headEnd < 0) return;
        Reply reply;
        const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
        const QList<QByteArray> status = lines.value(0).trimmed().split(' ');
        reply.status = status.value(1).toInt();
        qsizetype length = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0) continue;
            const QByteArray name = line.left(colon).trimmed();
            const QByteArray value = line.mid(colon + 1).trimmed();
            reply.headers.append({ name, value });
            if (name.compare("content-length", Qt::CaseInsensitive) == 0) length = value.toLongLong();
        }
        if (m_buffer.size() < headEnd + 4 + length) return;
        reply.body = m_buffer.mid(headEnd + 4, length);
        m_buffer.remove(0, headEnd + 4 + length);
        replies.append(reply);
        Q_EMIT replied();
    }
}
