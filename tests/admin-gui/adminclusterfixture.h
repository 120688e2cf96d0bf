#pragma once

#include "nodefixture.h"

#include <QUrl>

// An in-process node of role all with an admin token, and a long-polling Bayeux user on it.
struct AdminClusterFixture
{
    static inline const QString AdminToken = QStringLiteral("adm1n");
    static inline const QString Channel = QStringLiteral("/eXo/cometd/test");

    NodeFixture node;

    bool start(quint16 port = 0)
    {
        NodeConfig config = NodeFixture::defaultConfig();
        config.adminToken = AdminToken;
        config.listen = ListenAddress { QStringLiteral("127.0.0.1"), port };
        return node.start(config);
    }
    void stop() { node.server.reset(); }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(node.port)); }

    // Polls /meta/connect until a message on `channel` arrives for clientId; its `data` and `id`.
    static std::optional<QJsonObject> awaitMessage(
        RawHttpClient &client, const QString &clientId, const QString &channel, int ms = 15000)
    {
        QDeadlineTimer deadline(ms);
        while (!deadline.hasExpired()) {
            const auto reply = NodeFixture::exchange(
                client, "POST", "/cometd/cometd", NodeFixture::json(NodeFixture::connectMessage(clientId)));
            if (reply.status != 200) return std::nullopt;
            const QJsonArray messages = reply.jsonArray();
            for (const QJsonValue &m : messages) {
                if (m.toObject().value(QStringLiteral("channel")).toString() == channel) return m.toObject();
            }
        }
        return std::nullopt;
    }
};
