// Bayeux long-polling: JSON arrays POSTed over two keep-alive connections, one for the held
// /meta/connect and one for everything else.
#pragma once

#include "clientlink.h"
#include "httpconnection.h"

namespace Cometd {

class LongPollingLink final : public ClientLink
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LongPollingLink)
public:
    explicit LongPollingLink(QObject *parent = nullptr);
    ~LongPollingLink() override;

    void send(
        const QUrl &bayeuxUrl, const QJsonArray &messages, bool connect, std::chrono::milliseconds timeout) override;
    void reset() override;
    void closeIdle() override;

private:
    void answer(const HttpResponse &response);

    HttpConnection m_connect;
    HttpConnection m_other;
};

} // namespace Cometd
