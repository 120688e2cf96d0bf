#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpSocket>

// A minimal HTTP/1.1 client over one keep-alive QTcpSocket, for tests that need many concurrent
// connections (QNetworkAccessManager allows six per host) or exact control of what is sent.
class RawHttpClient final : public QObject
{
    Q_OBJECT
public:
    struct Reply
    {
        int status = 0;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
        QByteArray header(QByteArrayView name) const;
        QJsonArray jsonArray() const; // the body parsed as an array (an object is wrapped)
        QJsonObject jsonObject() const;
    };

    explicit RawHttpClient(quint16 port, QObject *parent = nullptr);

    // Sends one request; the reply arrives through replied(). Headers are "Name: value" lines.
    void request(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
        const QList<QByteArray> &headers = {});
    void postJson(const QByteArray &path, const QByteArray &json, const QList<QByteArray> &headers = {});

    QList<Reply> replies; // every reply so far, in order
    bool isClosed() const { return m_closed; }
    QTcpSocket &socket() { return m_socket; }

Q_SIGNALS:
    void replied();

private:
    void parse();

    QTcpSocket m_socket;
    QByteArray m_buffer;
    bool m_closed = false;
};
