#include "clilistener.h"

#include "jsontext.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimerEvent>

CliListener::CliListener(const CliOptions &options, Printer out, Printer err, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_out(std::move(out))
    , m_err(std::move(err))
{
    Cometd::ClientOptions client;
    client.baseUrl = m_options.restUrl;
    client.user = m_options.user;
    client.channels = m_options.channels;
    client.transport = m_options.webSocket ? Cometd::ClientTransport::WebSocket : Cometd::ClientTransport::LongPolling;
    client.apiKey = m_options.apiKey;
    m_client = new Cometd::BayeuxClient(std::move(client), this);

    connect(m_client, &Cometd::BayeuxClient::ready, this, [this] {
        m_err(QStringLiteral("listening as %1 on %2 (%3): %4")
                  .arg(m_options.user, m_client->nodeUrl().toString(),
                      m_options.webSocket ? QStringLiteral("websocket") : QStringLiteral("long-polling"),
                      m_options.channels.join(QStringLiteral(", "))));
    });
    connect(m_client, &Cometd::BayeuxClient::messageReceived, this, &CliListener::onMessage);
    connect(m_client, &Cometd::BayeuxClient::errorOccurred, this, [this](const QString &error) {
        if (m_stopping) return;
        if (m_client->state() == Cometd::BayeuxClient::State::Failed) {
            m_err(QStringLiteral("cannot listen: %1").arg(error));
            stop(1);
        } else {
            m_err(QStringLiteral("%1; trying again").arg(error));
        }
    });
    connect(m_client, &Cometd::BayeuxClient::failedOver, this,
        [this](const QUrl &node) { m_err(QStringLiteral("the node went away; now on %1").arg(node.toString())); });
    connect(m_client, &Cometd::BayeuxClient::stopped, this, [this] { Q_EMIT finished(m_exitCode); });
}

CliListener::~CliListener() = default;

void CliListener::start()
{
    if (m_options.timeout.count() > 0)
        m_deadline.start(int(std::chrono::milliseconds(m_options.timeout).count()), this);
    m_client->start();
}

void CliListener::stop(int exitCode)
{
    if (m_stopping) return;
    m_stopping = true;
    m_exitCode = exitCode;
    m_deadline.stop();
    m_client->stop();
}

QString CliListener::formatMessage(const Cometd::ClientMessage &message, bool json)
{
    if (json) {
        const QJsonObject object { { QStringLiteral("channel"), message.channel }, { QStringLiteral("id"), message.id },
            { QStringLiteral("data"), message.data } };
        return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
    }
    const QString data = message.data.isString() ? message.data.toString() : JsonText::compact(message.data);
    const QString id = message.id.isEmpty() ? QString() : QLatin1Char(' ') + message.id;
    return QStringLiteral("%1%2: %3").arg(message.channel, id, data);
}

void CliListener::onMessage(const Cometd::ClientMessage &message)
{
    if (m_stopping) return;
    m_out(formatMessage(message, m_options.json));
    if (m_options.count > 0 && ++m_received >= m_options.count) stop(0);
}

void CliListener::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_deadline.timerId()) return QObject::timerEvent(event);
    const QString expected = m_options.count > 0 ? QStringLiteral(" of %1").arg(m_options.count) : QString();
    m_err(QStringLiteral("timed out after %1 s with %2%3 messages")
              .arg(m_options.timeout.count())
              .arg(m_received)
              .arg(expected));
    stop(1);
}
