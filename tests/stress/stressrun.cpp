#include "stressrun.h"

#include "connectfailure.h"
#include "nodelauncher.h"

#include <QLoggingCategory>

#include <sys/resource.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

Q_LOGGING_CATEGORY(lcStress, "cometd.stress")

namespace {

constexpr int SendersInFlight = 6; // QNetworkAccessManager's connections per host
constexpr auto SendRequestTimeout = 10s;
constexpr auto StopGrace = 10s; // clients' disconnect + releasecometd, then the node's SIGTERM
constexpr auto TickInterval = 200ms;
constexpr int ClientsPerTurnWithoutPause = 100;
constexpr int StepsPerTurnWithoutPause = 100;
constexpr int MaxBackoffMs = 2000;
constexpr int FirstBackoffMs = 100;
constexpr int HttpOk = 200;

double processCpuSeconds()
{
    rusage usage {};
    if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
    const auto seconds = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

QString transportName(Cometd::ClientTransport transport)
{
    return transport == Cometd::ClientTransport::WebSocket ? u"websocket"_s : u"long-polling"_s;
}

// Why the cluster did not take a send, in the report's words.
QString sendRefusal(int status)
{
    switch (status) {
    case 0:
        return u"the send got no answer"_s;
    case 401:
        return u"the send was refused: 401 (COMETD_API_KEY?)"_s;
    case 404:
        return u"the send found no session of the user: 404"_s;
    default:
        return u"the send was refused: HTTP %1"_s.arg(status);
    }
}

} // namespace

StressRun::StressRun(StressOptions options, ProgressBar *progress, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_progress(progress)
    , m_ledger(m_options.failover)
{
    m_clock.start();
    m_report.clients = m_options.config.clients;
    m_report.failover = m_options.failover;
    m_report.userPrefix = m_options.userPrefix;
    m_report.strict = m_options.strict;
    m_report.transport = transportName(m_options.transport);
    m_phaseDeadline.setSingleShot(true);
    connect(&m_pacer, &QTimer::timeout, this, [this] {
        if (m_phase == Phase::Connecting)
            startNextClients();
        else if (m_phase == Phase::Sending)
            sendStep();
    });
    connect(&m_phaseDeadline, &QTimer::timeout, this, [this] {
        switch (m_phase) {
        case Phase::Connecting:
            startSending(); // the clients still trying are given up on, each with its last error
            break;
        case Phase::Sending:
            m_report.errors << u"%1 sends still unanswered %2 s after the last was queued"_s.arg(m_outstandingSends)
                                   .arg(m_options.timeout.count());
            startWaiting();
            break;
        case Phase::Waiting:
            stopEverything();
            break;
        case Phase::Stopping:
            m_report.errors << u"not every client confirmed its disconnect and release in time"_s;
            for (auto &state : m_clients)
                state.stopped = true;
            maybeFinish();
            break;
        default:
            break;
        }
    });
    connect(&m_tick, &QTimer::timeout, this, [this] {
        if (m_progress) m_progress->update(snapshot());
        if (m_options.failover && m_phase == Phase::Waiting) resendMissing();
        if (m_phase == Phase::Waiting && m_failedClients > 0 && onlyFailedClientsMissing()) stopEverything();
    });
}

StressRun::~StressRun() = default;

qint64 StressRun::nowUs() const
{
    return m_clock.nsecsElapsed() / 1000;
}

ProgressSnapshot StressRun::snapshot() const
{
    static const QString names[]
        = { u"starting"_s, u"connecting"_s, u"sending"_s, u"waiting"_s, u"stopping"_s, u"done"_s };
    return ProgressSnapshot { names[int(m_phase)], connectedCount(), m_options.config.clients, m_ledger.delivered(),
        m_ledger.expected() };
}

void StressRun::enterPhase(Phase phase)
{
    m_phase = phase;
    if (m_progress && phase != Phase::Done) m_progress->phase(snapshot());
}

void StressRun::start()
{
    const StressConfig &config = m_options.config;
    // Everything expected is known before the first client exists, so that a run that fails early
    // still reports what it lost.
    for (int repeat = 0; repeat < config.repeat; ++repeat) {
        for (const StressMessage &message : config.messages) {
            const QString id = DeliveryLedger::wireId(message.id, repeat);
            for (int client = 0; client < config.clients; ++client) {
                if (message.broadcast) {
                    m_ledger.expect(client, config.channels.first(), id, message.text);
                } else {
                    for (const QString &channel : config.channels)
                        m_ledger.expect(client, channel, id, message.text);
                }
            }
        }
    }
    m_tick.start(TickInterval);
    enterPhase(Phase::Starting);

    if (!config.containerStart) {
        connectClients(config.baseUrl);
        return;
    }
    m_launcher = new NodeLauncher(this);
    connect(m_launcher, &NodeLauncher::listening, this, [this](const QUrl &url) {
        m_nodeStopped = false;
        // The started node is the cluster: the base URL keeps its path but points at the node.
        QUrl base = m_options.config.baseUrl;
        base.setScheme(url.scheme());
        base.setHost(url.host());
        base.setPort(url.port());
        connectClients(base);
    });
    connect(m_launcher, &NodeLauncher::failed, this, [this](const QString &reason) {
        if (m_phase == Phase::Starting) {
            fail(u"cometd-node: "_s + reason);
            return;
        }
        m_nodeStopped = true;
        m_report.errors << u"cometd-node: "_s + reason;
        if (m_phase == Phase::Stopping) maybeFinish();
    });
    connect(m_launcher, &NodeLauncher::stopped, this, [this] {
        m_nodeStopped = true;
        maybeFinish();
    });
    QStringList arguments { u"--listen"_s, u"127.0.0.1:%1"_s.arg(config.containerPort) };
    if (!config.containerHome.isEmpty()) arguments << u"--config"_s << config.containerHome;
    if (!m_options.eventLoop.isEmpty()) arguments << u"--event-loop"_s << m_options.eventLoop;
    m_launcher->start(m_options.nodeBinary, arguments, m_options.timeout);
}

void StressRun::abort(const QString &reason)
{
    if (m_phase == Phase::Stopping || m_phase == Phase::Done) return;
    m_report.errors << reason;
    stopEverything();
}

void StressRun::fail(const QString &error)
{
    m_report.errors << error;
    stopEverything();
}

QString StressRun::userName(int client) const
{
    return m_options.userPrefix + QString::number(client);
}

void StressRun::connectClients(const QUrl &baseUrl)
{
    const StressConfig &config = m_options.config;
    m_sender = new Sender(m_options.sendUrls.isEmpty() ? QList<QUrl> { baseUrl } : m_options.sendUrls, m_options.apiKey,
        SendersInFlight, SendRequestTimeout, this);
    m_clients.resize(size_t(config.clients));
    for (int index = 0; index < config.clients; ++index) {
        Cometd::ClientOptions options;
        options.baseUrl = baseUrl;
        options.user = userName(index);
        options.transport = m_options.transport;
        options.channels = config.channels;
        options.ack = m_options.failover;
        options.failover = m_options.failover;
        options.apiKey = m_options.apiKey;
        if (m_options.failover) options.maxBackoff = 1000ms; // come back soon after the balancer moved us
        auto *client = new Cometd::BayeuxClient(std::move(options), this);
        m_clients[size_t(index)].client = client;
        connect(client, &Cometd::BayeuxClient::ready, this, [this, index] {
            ClientState &state = m_clients[size_t(index)];
            if (state.readyCount++ == 0) ++m_connectedClients;
            if (m_progress) m_progress->update(snapshot());
            settle(index);
            maybeFinishConnecting();
        });
        connect(client, &Cometd::BayeuxClient::messageReceived, this,
            [this, index](const Cometd::ClientMessage &message) { onMessage(index, message); });
        connect(client, &Cometd::BayeuxClient::errorOccurred, this, [this, index](const QString &error) {
            qCDebug(lcStress).noquote() << userName(index) << error;
            ClientState &state = m_clients[size_t(index)];
            state.lastError = error;
            // Waiting longer helps no client refused for good: a full cluster stays full while this run
            // holds its slots.
            const bool failed = state.client->state() == Cometd::BayeuxClient::State::Failed;
            if (ConnectFailure::classify(state.client->lastRefusal(), error, failed).final) settle(index);
            maybeFinishConnecting();
        });
        connect(client, &Cometd::BayeuxClient::stateChanged, this, [this, index](Cometd::BayeuxClient::State state) {
            if (state != Cometd::BayeuxClient::State::Failed) return;
            // Gave up for good (token refused, reconnect "none"): no reason to wait for it. One that
            // never connected is counted among those that did not connect, with its reason.
            if (m_clients[size_t(index)].readyCount > 0 && m_failedClients++ == 0) m_firstFailedClient = index;
            settle(index);
            // Once the client has said why (its error comes after this state change).
            QMetaObject::invokeMethod(this, &StressRun::maybeFinishConnecting, Qt::QueuedConnection);
        });
        connect(client, &Cometd::BayeuxClient::stopped, this, [this, index] {
            m_clients[size_t(index)].stopped = true;
            maybeFinish();
        });
    }
    m_connectStartCpu = processCpuSeconds();
    enterPhase(Phase::Connecting);
    startNextClients();
    if (m_nextClient < config.clients) m_pacer.start(config.sleepConnectionMs);
}

void StressRun::startNextClients()
{
    const int batch = m_options.config.sleepConnectionMs > 0 ? 1 : ClientsPerTurnWithoutPause;
    for (int i = 0; i < batch && m_nextClient < int(m_clients.size()); ++i)
        m_clients[size_t(m_nextClient++)].client->start();
    if (m_nextClient < int(m_clients.size())) return;
    m_pacer.stop();
    // Bounded from the last client's start: the connect phase cannot hang on a client that never
    // becomes ready.
    m_phaseDeadline.start(m_options.timeout);
    maybeFinishConnecting();
}

void StressRun::maybeFinishConnecting()
{
    if (m_phase != Phase::Connecting || m_nextClient < int(m_clients.size())) return;
    if (m_settledClients == int(m_clients.size())) startSending();
}

void StressRun::settle(int client)
{
    ClientState &state = m_clients[size_t(client)];
    if (state.settled) return;
    state.settled = true;
    ++m_settledClients;
}

void StressRun::giveUpOnAbsentClients()
{
    for (int index = 0; index < int(m_clients.size()); ++index) {
        ClientState &state = m_clients[size_t(index)];
        if (state.readyCount > 0 || state.absent) continue;
        state.absent = true;
        const bool failed = state.client->state() == Cometd::BayeuxClient::State::Failed;
        m_connectFailures.add(
            ConnectFailure::classify(state.client->lastRefusal(), state.lastError, failed).reason, userName(index));
        const qint64 before = m_ledger.unsent();
        m_ledger.markClientUnsent(index);
        countUnsent(before, u"its client did not connect"_s, userName(index));
        if (!failed && !state.stopped) state.client->stop(true); // stop retrying; give a reservation back
    }
}

void StressRun::countUnsent(qint64 before, const QString &reason, const QString &client)
{
    if (const qint64 added = m_ledger.unsent() - before; added > 0) m_unsentReasons.add(reason, client, added);
}

int StressRun::connectedCount() const
{
    return m_connectedClients;
}

void StressRun::onMessage(int client, const Cometd::ClientMessage &message)
{
    const auto outcome = m_ledger.record(client, message.channel, message.id, message.data, nowUs());
    if (outcome == DeliveryLedger::Outcome::Wrong || outcome == DeliveryLedger::Outcome::Foreign)
        qCDebug(lcStress).noquote() << "unexpected message for" << userName(client) << message.channel << message.id;
    if (m_progress && m_progress->isInteractive()) m_progress->update(snapshot()); // per delivery: keep it cheap
    if (m_phase == Phase::Waiting) checkWaiting();
}

void StressRun::startSending()
{
    m_phaseDeadline.stop();
    giveUpOnAbsentClients();
    m_report.clientsConnected = connectedCount();
    m_deliveryStartCpu = processCpuSeconds();
    m_report.connectCpuSeconds = m_deliveryStartCpu - m_connectStartCpu;
    m_deliveryStartUs = nowUs();
    m_deliveryStartReceived = m_ledger.received();
    enterPhase(Phase::Sending);
    for (int repeat = 0; repeat < m_options.config.repeat; ++repeat) {
        for (int message = 0; message < m_options.config.messages.size(); ++message)
            m_steps.append(Step { repeat, message });
    }
    sendStep();
    if (m_nextStep < m_steps.size()) m_pacer.start(m_options.config.sleepSendingMs);
}

void StressRun::sendStep()
{
    // With sleep-sending 0, a batch per event-loop turn: one step per turn ran at the pace of the
    // loop's turns (about 100 a second under load), which capped a broadcast-heavy run below what
    // the node can deliver. The sender still bounds the requests in flight.
    const int batch = m_options.config.sleepSendingMs > 0 ? 1 : StepsPerTurnWithoutPause;
    for (int i = 0; i < batch && m_nextStep < m_steps.size(); ++i)
        sendOneStep();
}

void StressRun::sendOneStep()
{
    if (m_nextStep >= m_steps.size()) return;
    const Step step = m_steps.at(m_nextStep++);
    const StressMessage &message = m_options.config.messages.at(step.message);
    const QString id = DeliveryLedger::wireId(message.id, step.repeat);
    if (message.broadcast) {
        sendBroadcast(id, message.text);
    } else {
        for (int client = 0; client < int(m_clients.size()); ++client) {
            if (m_clients[size_t(client)].absent) continue; // its deliveries are counted unsent
            for (const QString &channel : m_options.config.channels)
                sendPrivate(client, channel, id, message.text);
        }
    }
    if (m_nextStep >= m_steps.size()) {
        m_pacer.stop();
        // Every send has its own timeout, but thousands queued behind a stalled node could still add
        // up: the phase as a whole is bounded too.
        m_phaseDeadline.start(m_options.timeout);
        maybeFinishSending();
    }
}

void StressRun::sendPrivate(int client, const QString &channel, const QString &id, const QString &text)
{
    const SendRequest request { false, channel, userName(client), text, id };
    dispatch(request, { DeliveryLedger::Key { client, channel, id } }, nowUs(), 0);
}

void StressRun::sendBroadcast(const QString &id, const QString &text)
{
    const QString &channel = m_options.config.channels.first();
    QList<DeliveryLedger::Key> targets;
    // Only failover mode needs each target tracked (to know what not to re-send); otherwise a
    // broadcast marks its whole ledger column at once, so its cost does not grow with the clients.
    if (m_options.failover) {
        targets.reserve(qsizetype(m_clients.size()));
        for (int client = 0; client < int(m_clients.size()); ++client)
            targets.append(DeliveryLedger::Key { client, channel, id });
    }
    dispatch(SendRequest { true, channel, {}, text, id }, targets, nowUs(), 0);
}

void StressRun::dispatch(
    const SendRequest &request, const QList<DeliveryLedger::Key> &targets, qint64 firstAttemptUs, int attempt)
{
    ++m_outstandingSends;
    for (const auto &target : targets)
        m_pendingTargets.insert(DeliveryLedger::keyString(target));
    const bool wholeColumn = request.broadcast && targets.isEmpty();
    const auto issued = [this, targets, wholeColumn, channel = request.channel, id = request.id] {
        const qint64 at = nowUs();
        if (wholeColumn) m_ledger.markSentToAll(channel, id, at);
        for (const auto &target : targets)
            m_ledger.markSent(target.client, target.channel, target.id, at);
    };
    const auto done = [this, request, targets, wholeColumn, firstAttemptUs, attempt](int status) {
        --m_outstandingSends;
        if (status != HttpOk) {
            ++m_report.sendErrors;
            qCDebug(lcStress) << "send" << request.id << request.exoId << "answered" << status;
            const bool inTime = nowUs() - firstAttemptUs < qint64(m_options.timeout.count()) * 1000000;
            if (m_options.failover && isRetriable(status) && inTime && m_phase != Phase::Stopping
                && m_phase != Phase::Done) {
                ++m_report.sendRetries;
                ++m_outstandingSends; // still outstanding while it waits for its retry
                const int backoff = std::min(MaxBackoffMs, FirstBackoffMs << std::min(attempt, 5));
                QTimer::singleShot(backoff, this, [this, request, targets, firstAttemptUs, attempt] {
                    --m_outstandingSends;
                    if (m_phase == Phase::Stopping || m_phase == Phase::Done) return;
                    dispatch(request, targets, firstAttemptUs, attempt + 1);
                });
                return;
            }
            // Given up: what it was for was never sent, which is not a loss of the cluster's.
            const qint64 before = m_ledger.unsent();
            if (wholeColumn) m_ledger.markColumnUnsent(request.channel, request.id);
            for (const auto &target : targets)
                m_ledger.markUnsent(target.client, target.channel, target.id);
            countUnsent(
                before, sendRefusal(status), request.broadcast ? u"broadcast %1"_s.arg(request.id) : request.exoId);
        }
        for (const auto &target : targets)
            m_pendingTargets.remove(DeliveryLedger::keyString(target));
        maybeFinishSending();
        if (m_phase == Phase::Waiting) checkWaiting();
    };
    m_sender->send(request, issued, done);
}

bool StressRun::isRetriable(int status) const
{
    // No answer, user not (yet) back in the cluster, or its node unreachable behind the balancer.
    return status == 0 || status == 404 || status == 502 || status == 503 || status == 504;
}

void StressRun::maybeFinishSending()
{
    if (m_phase == Phase::Sending && m_nextStep >= m_steps.size() && m_outstandingSends == 0) startWaiting();
}

void StressRun::startWaiting()
{
    enterPhase(Phase::Waiting);
    m_phaseDeadline.start(m_options.timeout);
    checkWaiting();
}

void StressRun::checkWaiting()
{
    // Sends still outstanding then are only redundant retries or re-sends: no reason to wait for them.
    if (m_ledger.complete()) stopEverything();
}

bool StressRun::onlyFailedClientsMissing() const
{
    // A client that gave up for good will not receive anything more: do not wait out the timeout.
    qint64 unreachable = 0;
    for (int index = 0; index < int(m_clients.size()); ++index) {
        if (m_clients[size_t(index)].client->state() == Cometd::BayeuxClient::State::Failed)
            unreachable += m_ledger.missing(index).size();
    }
    return m_ledger.delivered() + m_ledger.unsent() + unreachable >= m_ledger.expected();
}

void StressRun::resendMissing()
{
    // A client that came back (failover) after a message was accepted for its old session lost
    // that message with the old node: send what it is missing again, once per comeback.
    for (int index = 0; index < int(m_clients.size()); ++index) {
        ClientState &state = m_clients[size_t(index)];
        if (state.readyCount <= state.resentAtReadyCount
            || state.client->state() != Cometd::BayeuxClient::State::Connected)
            continue;
        state.resentAtReadyCount = state.readyCount;
        for (const auto &key : m_ledger.missing(index)) {
            if (m_pendingTargets.contains(DeliveryLedger::keyString(key))) continue;
            ++m_report.resent;
            const SendRequest request { false, key.channel, userName(index), m_ledger.expectedText(key), key.id };
            dispatch(request, { key }, nowUs(), 0);
        }
    }
}

void StressRun::endDeliveryPhase()
{
    if (m_deliveryMeasured) return;
    m_deliveryMeasured = true;
    m_report.deliveryCpuSeconds = processCpuSeconds() - m_deliveryStartCpu;
    m_report.deliverySeconds = double(nowUs() - m_deliveryStartUs) / 1e6;
    m_report.deliveryReceived = m_ledger.received() - m_deliveryStartReceived;
}

void StressRun::stopEverything()
{
    if (m_phase == Phase::Stopping || m_phase == Phase::Done) return;
    if (m_phase == Phase::Connecting || m_phase == Phase::Starting) {
        if (m_phase == Phase::Connecting) giveUpOnAbsentClients();
        m_report.clientsConnected = connectedCount();
    }
    // The delivery phase ends when the last expected delivery arrived (or the wait gave up); the
    // disconnects that follow are not its cost.
    if (m_phase == Phase::Sending || m_phase == Phase::Waiting) endDeliveryPhase();
    m_pacer.stop();
    enterPhase(Phase::Stopping);
    m_phaseDeadline.start(StopGrace);
    for (auto &state : m_clients) {
        if (!state.client || state.stopped) {
            state.stopped = true;
            continue;
        }
        state.client->stop(true);
    }
    maybeFinish();
}

void StressRun::maybeFinish()
{
    if (m_phase != Phase::Stopping) return;
    const bool clientsDone = std::all_of(m_clients.begin(), m_clients.end(), [](const auto &s) { return s.stopped; });
    if (!clientsDone) return;
    if (m_launcher && m_launcher->isRunning() && !m_nodeStopped) {
        if (!m_stoppingNode) {
            m_stoppingNode = true;
            m_phaseDeadline.stop(); // the launcher bounds the node's exit itself
            m_launcher->stop(StopGrace);
        }
        return;
    }
    m_phaseDeadline.stop();
    m_tick.stop();
    m_phase = Phase::Done;

    if (m_failedClients > 0)
        m_report.errors << u"%1 clients gave up after connecting (first: %2: %3)"_s.arg(m_failedClients)
                               .arg(userName(m_firstFailedClient), m_clients[size_t(m_firstFailedClient)].lastError);
    m_report.expected = m_ledger.expected();
    m_report.totalReceived = m_ledger.received();
    m_report.delivered = m_ledger.delivered();
    m_report.lost = m_ledger.lost();
    m_report.unsent = m_ledger.unsent();
    m_report.unsentReasons = m_unsentReasons.items();
    m_report.connectFailures = m_connectFailures.items();
    m_report.foreign = m_ledger.foreign();
    m_report.anomalies = m_ledger.anomalies();
    m_report.duplicated = m_ledger.duplicated();
    m_report.redelivered = m_ledger.redelivered();
    m_report.wrong = m_ledger.wrong();
    m_report.sendRequests = m_sender ? m_sender->requests() : 0;
    m_report.latenciesUs = m_ledger.latenciesUs();
    m_report.cpuSeconds = processCpuSeconds();
    m_report.durationSeconds = double(m_clock.elapsed()) / 1000.0;
    if (m_progress) m_progress->finish();
    emit finished(m_report);
}
