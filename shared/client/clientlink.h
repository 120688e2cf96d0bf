// How a BayeuxClient's messages reach its node: long-polling or WebSocket behind one interface.
#pragma once

#include <QJsonArray>
#include <QObject>
#include <QUrl>

#include <chrono>

namespace Cometd {

class ClientLink : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientLink)
public:
    using QObject::QObject;

    // Sends messages to the Bayeux URL ({node}/cometd/cometd); answers come through received(),
    // a missing or unusable answer (after `timeout`) through failed(). `connect`: a /meta/connect the
    // server may hold.
    virtual void send(
        const QUrl &bayeuxUrl, const QJsonArray &messages, bool connect, std::chrono::milliseconds timeout)
        = 0;
    // Drops every connection and whatever is in flight, silently.
    virtual void reset() = 0;
    // The session is set up: connections kept only for setup may close (the next send reopens them).
    virtual void closeIdle() { }

Q_SIGNALS:
    void received(const QJsonArray &messages);
    void failed(const QString &error);
};

} // namespace Cometd
