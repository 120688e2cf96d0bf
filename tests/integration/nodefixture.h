#pragma once

#include "nodeserver.h"
#include "rawhttpclient.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <memory>

// An in-process node on 127.0.0.1:<ephemeral> and the Bayeux steps the tests repeat.
struct NodeFixture
{
    std::unique_ptr<NodeServer> server;
    quint16 port = 0;

    static NodeConfig defaultConfig()
    {
        NodeConfig config;
        config.listen = ListenAddress { QStringLiteral("127.0.0.1"), 0 };
        config.secret = QStringLiteral("test-secret");
        config.bayeux.timeout = std::chrono::milliseconds(2000);
        config.bayeux.maxInterval = std::chrono::milliseconds(3000);
        config.limits.idleTimeout = std::chrono::milliseconds(10000);
        return config;
    }

    bool start(NodeConfig config = defaultConfig())
    {
        server = std::make_unique<NodeServer>(std::move(config));
        port = server->start();
        return port != 0;
    }

    // Event-driven (QSignalSpy::wait returns as soon as a reply arrives): thousands of exchanges
    // in one test stay fast.
    static bool waitFor(RawHttpClient &client, qsizetype replies, int ms = 10000)
    {
        QSignalSpy spy(&client, &RawHttpClient::replied);
        QDeadlineTimer deadline(ms);
        while (client.replies.size() < replies) {
            if (deadline.hasExpired() || !spy.wait(int(std::max<qint64>(1, deadline.remainingTime()))))
                return client.replies.size() >= replies;
        }
        return true;
    }

    // Sends and waits for the answer; an empty reply (status 0) when none came.
    static RawHttpClient::Reply exchange(RawHttpClient &client, const QByteArray &method, const QByteArray &path,
        const QByteArray &body = {}, const QList<QByteArray> &headers = {})
    {
        const qsizetype before = client.replies.size();
        if (method == "POST")
            client.postJson(path, body, headers);
        else
            client.request(method, path, body, headers);
        if (!waitFor(client, before + 1)) return {};
        return client.replies.at(before);
    }

    static QByteArray json(const QJsonValue &v)
    {
        return v.isArray() ? QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact)
                           : QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact);
    }

    QString token(RawHttpClient &client, const QString &user) const
    {
        const auto reply = exchange(client, "GET", "/rest/gettoken/" + QUrl::toPercentEncoding(user) + '/');
        return reply.status == 200 ? QString::fromUtf8(reply.body) : QString();
    }

    static QJsonObject handshakeMessage(
        const QString &user, const QString &token, const QString &transport = QStringLiteral("long-polling"))
    {
        return QJsonObject { { QStringLiteral("channel"), QStringLiteral("/meta/handshake") },
            { QStringLiteral("version"), QStringLiteral("1.0") },
            { QStringLiteral("supportedConnectionTypes"), QJsonArray { transport } }, { QStringLiteral("exoId"), user },
            { QStringLiteral("exoToken"), token } };
    }

    static QJsonObject message(const QString &channel, const QString &clientId, QJsonObject extra = {})
    {
        extra.insert(QStringLiteral("channel"), channel);
        extra.insert(QStringLiteral("clientId"), clientId);
        return extra;
    }

    static QJsonObject connectMessage(
        const QString &clientId, const QString &transport = QStringLiteral("long-polling"))
    {
        return message(QStringLiteral("/meta/connect"), clientId, { { QStringLiteral("connectionType"), transport } });
    }

    // gettoken → handshake → subscribe → first connect over long-polling; returns the clientId (empty on failure).
    QString session(RawHttpClient &client, const QString &user, const QString &channel) const
    {
        const QString t = token(client, user);
        auto reply = exchange(client, "POST", "/cometd/cometd", json(handshakeMessage(user, t)));
        const QJsonObject hs = reply.jsonArray().at(0).toObject();
        if (!hs.value(QStringLiteral("successful")).toBool()) return {};
        const QString clientId = hs.value(QStringLiteral("clientId")).toString();
        reply = exchange(client, "POST", "/cometd/cometd",
            json(
                message(QStringLiteral("/meta/subscribe"), clientId, { { QStringLiteral("subscription"), channel } })));
        if (!reply.jsonArray().at(0).toObject().value(QStringLiteral("successful")).toBool()) return {};
        // The first connect is answered at once; the session's next one is held.
        reply = exchange(client, "POST", "/cometd/cometd", json(connectMessage(clientId)));
        if (!reply.jsonArray().at(0).toObject().value(QStringLiteral("successful")).toBool()) return {};
        return clientId;
    }

    static QByteArray deliveryBody(
        const QString &channel, const QString &user, const QJsonValue &message, const QString &id)
    {
        QJsonObject o { { QStringLiteral("channel"), channel }, { QStringLiteral("message"), message },
            { QStringLiteral("id"), id } };
        if (!user.isEmpty()) o.insert(QStringLiteral("exoId"), user);
        return json(o);
    }
};
