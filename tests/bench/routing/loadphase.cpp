#include "loadphase.h"

#include "benchclock.h"
#include "routinglogging.h"
#include "wire.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace RoutingBench {

namespace {

constexpr std::chrono::milliseconds RequestTimeout { 10000 };
// After a failed request the connection pauses, so that a refused or closing server is not hammered.
constexpr std::chrono::milliseconds ErrorPause { 10 };

QString errorKind(const Cometd::HttpResponse &response)
{
    using Error = Cometd::HttpResponse::Error;
    switch (response.error) {
    case Error::None:
        return response.status == 200 ? u"delivered 0"_s : u"status %1"_s.arg(response.status);
    case Error::Refused:
        return u"refused"_s;
    case Error::Closed:
        return u"closed"_s;
    case Error::Timeout:
        return u"timeout"_s;
    case Error::TooLarge:
        return u"too large"_s;
    case Error::Malformed:
        return u"malformed"_s;
    case Error::Network:
        return u"network"_s;
    }
    return u"other"_s;
}

} // namespace

LoadPhase::LoadPhase(Settings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
{
    m_result.mode = m_settings.mode;
    m_result.rep = m_settings.rep;
    m_cursors.assign(size_t(m_settings.targets.size()), 0);
    for (int i = 0; i < m_settings.connections; ++i)
        m_http.push_back(std::make_unique<Cometd::HttpConnection>());
    m_stageTimer.setSingleShot(true);
    m_stageTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_stageTimer, &QTimer::timeout, this, [this] {
        switch (m_stage) {
        case Stage::Warmup:
            beginWindow();
            break;
        case Stage::Measure:
            endWindow();
            break;
        case Stage::Drain:
            finish(false);
            break;
        case Stage::Idle:
        case Stage::Done:
            break;
        }
    });
    // Room for a few seconds at the target rate without regrowing in the middle of the window.
    m_flags.reserve(1 << 20);
    m_latencies.reserve(1 << 19);
    m_answerTimes.reserve(1 << 19);
}

LoadPhase::~LoadPhase() = default;

void LoadPhase::start()
{
    if (m_settings.targets.isEmpty()) {
        finish(true);
        return;
    }
    m_stage = Stage::Warmup;
    if (m_settings.rate > 0) {
        // Each connection sends every K/rate seconds, the K of them staggered over that interval.
        m_interval = qint64(1e9 * m_settings.connections / m_settings.rate);
        const qint64 now = nowNs();
        for (int i = 0; i < m_settings.connections; ++i)
            m_due.push_back(now + m_interval * i / m_settings.connections);
    }
    for (int i = 0; i < m_settings.connections; ++i)
        sendNext(i);
    m_stageTimer.start(m_settings.warmup);
}

void LoadPhase::sendNext(int connection)
{
    if (m_stage != Stage::Warmup && m_stage != Stage::Measure) return;
    if (m_interval > 0) {
        qint64 &due = m_due[size_t(connection)];
        const qint64 now = nowNs();
        if (due > now) {
            const int waitMs = int((due - now + 999999) / 1000000);
            QTimer::singleShot(waitMs, Qt::PreciseTimer, this, [this, connection] { sendNext(connection); });
            return;
        }
        // A connection that fell behind (a slow answer) does not burst to catch up.
        due = std::max(due, now - m_interval) + m_interval;
    }
    const qsizetype targetIndex = connection % m_settings.targets.size();
    const Target &target = m_settings.targets.at(targetIndex);
    qsizetype &cursor = m_cursors[size_t(targetIndex)];
    const QString &user = target.users.at(cursor);
    cursor = (cursor + 1) % target.users.size();

    const qint64 seq = nextSeq();
    m_flags.push_back(0);
    ++m_result.sent;
    const qint64 sentNs = nowNs();
    const QString seqText = QString::number(seq);
    QJsonObject body;
    body.insert(Wire::Rest::Channel, m_settings.channel);
    body.insert(Wire::Rest::ExoId, user);
    body.insert(Wire::Rest::Message, QString(seqText + u' ' + QString::number(sentNs)));
    body.insert(Wire::Rest::Id, seqText);

    Cometd::HttpRequest request;
    request.method = QByteArrayLiteral("POST");
    request.url = target.url;
    request.headers.append({ QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") });
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    ++m_inFlight;
    m_http[size_t(connection)]->request(
        std::move(request), RequestTimeout, [this, connection, seq, sentNs](const Cometd::HttpResponse &response) {
            onAnswer(connection, seq, sentNs, response);
        });
}

void LoadPhase::onAnswer(int connection, qint64 seq, qint64 sentNs, const Cometd::HttpResponse &response)
{
    --m_inFlight;
    if (m_stage == Stage::Done) return;
    const qint64 now = nowNs();
    const bool ok = response.ok() && response.status == 200
        && QJsonDocument::fromJson(response.body).object().value(Wire::Rest::Delivered).toInteger() >= 1;
    quint8 &flags = m_flags[size_t(seq - m_settings.firstSeq)];
    if (ok) {
        flags |= Answered;
        if (!(flags & Received)) ++m_outstanding;
        if (m_stage == Stage::Measure) {
            ++m_result.answeredOk;
            m_answerTimes.push_back(now - sentNs);
        }
    } else {
        if (m_stage == Stage::Measure) ++m_result.errors;
        const QString kind = errorKind(response);
        if (++m_result.errorKinds[kind] == 1)
            qCInfo(lcRouting) << "first" << kind << "answer:" << response.errorString << response.body.left(200);
    }

    if (m_stage == Stage::Drain) {
        checkDrained();
    } else if (ok) {
        sendNext(connection);
    } else {
        QTimer::singleShot(ErrorPause, this, [this, connection] { sendNext(connection); });
    }
}

void LoadPhase::onDelivered(qint64 seq, qint64 sentNs, qint64 receivedNs)
{
    if (m_stage == Stage::Done || m_stage == Stage::Idle) return;
    const qint64 index = seq - m_settings.firstSeq;
    if (index < 0 || index >= qint64(m_flags.size())) {
        ++m_result.stray;
        return;
    }
    quint8 &flags = m_flags[size_t(index)];
    if (flags & Received) {
        ++m_result.duplicates;
        return;
    }
    flags |= Received;
    if (flags & Answered) --m_outstanding;
    if (m_stage == Stage::Measure) ++m_result.received;
    if (m_windowStart != 0 && sentNs >= m_windowStart && (m_windowEnd == 0 || sentNs < m_windowEnd))
        m_latencies.push_back(receivedNs - sentNs);
    if (m_stage == Stage::Drain) checkDrained();
}

QList<double> LoadPhase::readCpu() const
{
    QList<double> out;
    for (const WatchedProcess &process : m_settings.processes)
        out.append(cpuSeconds(process.pid).value_or(-1));
    return out;
}

void LoadPhase::beginWindow()
{
    m_cpuBefore = readCpu();
    m_windowStart = nowNs();
    m_stage = Stage::Measure;
    m_stageTimer.start(m_settings.measure);
}

void LoadPhase::endWindow()
{
    m_windowEnd = nowNs();
    m_cpuAfter = readCpu();
    m_stage = Stage::Drain;
    m_stageTimer.start(m_settings.drain);
    checkDrained();
}

void LoadPhase::checkDrained()
{
    if (m_stage == Stage::Drain && m_inFlight == 0 && m_outstanding == 0) finish(true);
}

void LoadPhase::finish(bool drained)
{
    m_stage = Stage::Done;
    m_stageTimer.stop();
    for (const auto &connection : m_http)
        connection->abort();
    m_result.drained = drained;
    m_result.lost = m_outstanding;
    m_result.unanswered = m_inFlight;
    m_result.windowSeconds = double(m_windowEnd - m_windowStart) / 1e9;
    m_result.latency = percentilesMs(m_latencies);
    m_result.answer = percentilesMs(m_answerTimes);
    for (qsizetype i = 0; i < m_settings.processes.size(); ++i) {
        const double before = m_cpuBefore.value(i, -1);
        const double after = m_cpuAfter.value(i, -1);
        m_result.cpu.append({ m_settings.processes.at(i).name, before >= 0 && after >= 0 ? after - before : -1.0 });
    }
    Q_EMIT finished(m_result);
}

} // namespace RoutingBench
