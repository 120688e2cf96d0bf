#include "clisender.h"

#include "httpconnection.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

CliSender::CliSender(const CliOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_connection(new Cometd::HttpConnection(this))
{
    if (m_options.id.isEmpty()) m_options.id = QStringLiteral("cli-%1").arg(QDateTime::currentMSecsSinceEpoch());
}

CliSender::~CliSender() = default;

QByteArray CliSender::requestBody(const CliOptions &options)
{
    QJsonObject body { { QStringLiteral("channel"), options.channels.value(0) },
        { QStringLiteral("message"), options.message }, { QStringLiteral("id"), options.id } };
    if (options.action == CliOptions::Action::Send) body.insert(QStringLiteral("exoId"), options.user);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

void CliSender::start()
{
    Cometd::HttpRequest request;
    request.method = QByteArrayLiteral("POST");
    request.url = m_options.restUrl.resolved(
        QUrl(m_options.action == CliOptions::Action::Send ? QStringLiteral("sendprivatemessage/")
                                                          : QStringLiteral("sendbroadcastmessage/")));
    request.headers.append({ QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") });
    if (!m_options.apiKey.isEmpty())
        request.headers.append({ QByteArrayLiteral("Authorization"), "Bearer " + m_options.apiKey });
    request.body = requestBody(m_options);
    m_connection->request(std::move(request), m_options.timeout,
        [this](const Cometd::HttpResponse &response) { Q_EMIT finished(describe(m_options, response)); });
}

CliSender::Outcome CliSender::describe(const CliOptions &options, const Cometd::HttpResponse &response)
{
    const QString where = options.restUrl.adjusted(QUrl::RemovePath).toString();
    if (!response.ok()) return { 1, QStringLiteral("no answer from %1: %2").arg(where, response.errorString) };
    const QString body = QString::fromUtf8(response.body).trimmed().left(200);
    switch (response.status) {
    case 200: {
        const int delivered
            = QJsonDocument::fromJson(response.body).object().value(QStringLiteral("delivered")).toInt(-1);
        if (delivered < 0) return { 1, QStringLiteral("%1 answered 200 without a count: %2").arg(where, body) };
        const QString what = options.action == CliOptions::Action::Send
            ? QStringLiteral("message %1 to %2").arg(options.id, options.user)
            : QStringLiteral("broadcast %1").arg(options.id);
        // A broadcast nobody listens to is not a failure of the command; the line says so.
        return { 0,
            QStringLiteral("%1 on %2: delivered to %3 session%4")
                .arg(what, options.channels.value(0))
                .arg(delivered)
                .arg(delivered == 1 ? QString() : QStringLiteral("s")) };
    }
    case 404:
        return { 1, QStringLiteral("%1 has no session in the cluster: nothing delivered (404)").arg(options.user) };
    case 401:
        return { 1,
            QStringLiteral("refused: the cluster wants its apiKey (--api-key or COMETD_API_KEY), or this one is wrong "
                           "(401)") };
    case 400:
        return { 1, QStringLiteral("refused as malformed: %1 (400)").arg(body) };
    default:
        return { 1, QStringLiteral("%1 answered HTTP %2: %3").arg(where).arg(response.status).arg(body) };
    }
}
