#pragma once

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <optional>

// Runs a local cometd-node for the test: starts it, waits (bounded) for its "listening on URL" line,
// and stops it with SIGTERM, then SIGKILL when it does not exit in time. Never blocks the loop.
class NodeLauncher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NodeLauncher)
public:
    explicit NodeLauncher(QObject *parent = nullptr);
    ~NodeLauncher() override;

    // The node installed beside this program if there is one, otherwise `fallback`.
    static QString findNodeBinary(const QString &ownDirectory, const QString &fallback);
    // The URL of a line "listening on http://HOST:PORT"; nullopt for any other line.
    static std::optional<QUrl> parseListeningLine(QByteArrayView line);

    void start(const QString &program, const QStringList &arguments, std::chrono::milliseconds timeout);
    // Emits stopped() once the process has ended (at once if it is not running).
    void stop(std::chrono::milliseconds grace);
    bool isRunning() const;
    QString stderrTail() const { return QString::fromUtf8(m_stderrTail); }

Q_SIGNALS:
    void listening(const QUrl &url);
    void failed(const QString &reason);
    void stopped();

private:
    void readStdout();
    void fail(const QString &reason);

    QProcess m_process;
    QTimer m_deadline;
    QByteArray m_stdout;
    QByteArray m_stderrTail;
    QString m_program;
    bool m_listening = false;
    bool m_stopping = false;
};
