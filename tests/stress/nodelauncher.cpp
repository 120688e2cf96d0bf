#include "nodelauncher.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {
constexpr qsizetype StderrTailBytes = 4096;
constexpr qsizetype MaxLineBytes = 64 * 1024;
} // namespace

NodeLauncher::NodeLauncher(QObject *parent)
    : QObject(parent)
{
    m_deadline.setSingleShot(true);
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.setChildProcessModifier([] {
        // Its own process group: a Ctrl-C reaches cometd-stress, which stops the node in order.
        ::setpgid(0, 0);
        // And never outlive cometd-stress, even when it is killed.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    });
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &NodeLauncher::readStdout);
    connect(&m_process, &QProcess::readyReadStandardError, this, [this] {
        m_stderrTail += m_process.readAllStandardError();
        if (m_stderrTail.size() > StderrTailBytes) m_stderrTail = m_stderrTail.right(StderrTailBytes);
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) fail(u"cannot start %1: %2"_s.arg(m_program, m_process.errorString()));
    });
    connect(&m_process, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
        m_deadline.stop();
        if (m_stopping) {
            m_stopping = false;
            emit stopped();
            return;
        }
        const QString how = status == QProcess::CrashExit ? u"crashed"_s : u"exited with code %1"_s.arg(exitCode);
        const QString detail = QString::fromUtf8(m_stderrTail.trimmed()).section(u'\n', -1);
        fail(u"%1 %2%3"_s.arg(m_program, how, detail.isEmpty() ? QString() : u": "_s + detail));
    });
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        if (m_stopping) {
            m_process.kill(); // did not exit on SIGTERM in time; finished() follows
            return;
        }
        fail(u"%1 printed no \"listening on\" line in time"_s.arg(m_program));
        m_process.kill();
    });
}

// QProcess's destructor kills a node still running, so a run torn down early leaves none behind.
NodeLauncher::~NodeLauncher() = default;

QString NodeLauncher::findNodeBinary(const QString &ownDirectory, const QString &fallback)
{
    const QFileInfo beside(ownDirectory + u"/cometd-node"_s);
    if (beside.isFile() && beside.isExecutable()) return beside.absoluteFilePath();
    return fallback;
}

std::optional<QUrl> NodeLauncher::parseListeningLine(QByteArrayView line)
{
    static const QRegularExpression pattern(u"^listening on (https?://[^\\s/]+:\\d+)/?\\s*$"_s);
    const auto match = pattern.match(QString::fromUtf8(line));
    if (!match.hasMatch()) return std::nullopt;
    const QUrl url(match.captured(1), QUrl::StrictMode);
    if (!url.isValid() || url.port() <= 0) return std::nullopt;
    return url;
}

void NodeLauncher::start(const QString &program, const QStringList &arguments, std::chrono::milliseconds timeout)
{
    m_program = program;
    m_listening = false;
    m_stdout.clear();
    m_deadline.start(timeout);
    m_process.start(program, arguments);
}

void NodeLauncher::stop(std::chrono::milliseconds grace)
{
    if (m_process.state() == QProcess::NotRunning) {
        QTimer::singleShot(0, this, &NodeLauncher::stopped);
        return;
    }
    m_stopping = true;
    m_process.terminate();
    m_deadline.start(grace);
}

bool NodeLauncher::isRunning() const
{
    return m_process.state() != QProcess::NotRunning;
}

void NodeLauncher::readStdout()
{
    m_stdout += m_process.readAllStandardOutput();
    if (m_listening) {
        m_stdout.clear(); // keep draining the pipe so the node never blocks on it
        return;
    }
    qsizetype newline;
    while ((newline = m_stdout.indexOf('\n')) >= 0) {
        const QByteArray line = m_stdout.left(newline);
        m_stdout.remove(0, newline + 1);
        if (const auto url = parseListeningLine(line)) {
            m_listening = true;
            m_deadline.stop();
            m_stdout.clear();
            emit listening(*url);
            return;
        }
    }
    if (m_stdout.size() > MaxLineBytes) m_stdout.clear();
}

void NodeLauncher::fail(const QString &reason)
{
    m_deadline.stop();
    emit failed(reason);
}
