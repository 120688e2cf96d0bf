#pragma once

#include "bayeuxclient.h"
#include "clicommandline.h"

#include <QBasicTimer>
#include <QObject>

#include <functional>

// `cometd-cli listen`: one BayeuxClient for the user, every message that arrives printed as a line.
// Says on the error stream where it is connected, and why it is not.
class CliListener final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CliListener)
public:
    using Printer = std::function<void(const QString &line)>;

    CliListener(const CliOptions &options, Printer out, Printer err, QObject *parent = nullptr);
    ~CliListener() override;

    void start();
    // Disconnects and releases the user's slot, then finishes with `exitCode`.
    void stop(int exitCode);

    // "/eXo/cometd/test m1: hello" (a string as it is, anything else as compact JSON), or with
    // `json` {"channel":…,"id":…,"data":…}.
    static QString formatMessage(const Cometd::ClientMessage &message, bool json);

Q_SIGNALS:
    void finished(int exitCode);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    void onMessage(const Cometd::ClientMessage &message);

    CliOptions m_options;
    Printer m_out;
    Printer m_err;
    Cometd::BayeuxClient *m_client = nullptr;
    QBasicTimer m_deadline;
    int m_received = 0;
    int m_exitCode = 0;
    bool m_stopping = false;
};
