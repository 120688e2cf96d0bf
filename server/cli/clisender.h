#pragma once

#include "clicommandline.h"

#include <QObject>

namespace Cometd {
class HttpConnection;
struct HttpResponse;
} // namespace Cometd

// `cometd-cli send` and `broadcast`: one POST to the delivery API (SPEC §2), its answer in words.
class CliSender final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CliSender)
public:
    struct Outcome
    {
        int exitCode = 1;
        QString line; // for the operator: how many sessions got it, or why none did
    };

    explicit CliSender(const CliOptions &options, QObject *parent = nullptr);
    ~CliSender() override;

    void start();

    // The body the delivery API is sent.
    static QByteArray requestBody(const CliOptions &options);
    // What the answer means, e.g. "delivered to 2 sessions" or "exo9 has no session in the cluster (404)".
    static Outcome describe(const CliOptions &options, const Cometd::HttpResponse &response);

Q_SIGNALS:
    void finished(const CliSender::Outcome &outcome);

private:
    CliOptions m_options;
    Cometd::HttpConnection *m_connection = nullptr;
};
