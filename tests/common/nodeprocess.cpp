#include "nodeprocess.h"

#include <QRegularExpression>
#include <QTest>

NodeProcess::NodeProcess(QString binary)
    : m_binary(std::move(binary))
{ }

NodeProcess::~NodeProcess()
{
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished(5000);
    }
}

bool NodeProcess::start(const QStringList &extra)
{
    process.start(m_binary, QStringList { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") } + extra);
    if (!process.waitForStarted(10000)) return false;
    QByteArray out;
    const bool printed = QTest::qWaitFor(
        [&] {
            out += process.readAllStandardOutput();
            return out.contains('\n') || process.state() == QProcess::NotRunning;
        },
        10000);
    const auto m = QRegularExpression(QStringLiteral("^listening on http://127\\.0\\.0\\.1:(\\d+)"))
                       .match(QString::fromUtf8(out));
    port = m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
    return printed && port != 0;
}
