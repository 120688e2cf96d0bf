#include "bayeuxclient.h"

#include "clientlogging.h"
#include "clientprotocol.h"
#include "httpconnection.h"
#include "longpollinglink.h"
#include "websocketlink.h"

#include <QPointer>
#include <QTimer>

Q_LOGGING_CATEGORY(lcClient, "cometd.client", QtInfoMsg)

namespace Cometd {

// Runs the protocol's actions: the REST requests, the link to the node, the one timer, the signals.
class BayeuxClient::Private
{
public:
    Private(BayeuxClient *client, ClientOptions options)
        : q(client)
        , protocol(std::move(options))
    {
        if (protocol.options().transport == ClientTransport::WebSocket)
            link = std::make_unique<WebSocketLink>();
        else
            link = std::make_unique<LongPollingLink>();
        QObject::connect(link.get(), &ClientLink::received, q,
            [this](const QJsonArray &messages) { run(protocol.received(messages)); });
        QObject::connect(
            link.get(), &ClientLink::failed, q, [this](const QString &error) { run(protocol.transportFailed(error)); });
        timer.setSingleShot(true);
        QObject::connect(&timer, &QTimer::timeout, q, [this] { run(protocol.timerFired()); });
    }

    void run(const ClientProtocol::Actions &actions);
    void get(const QUrl &url, bool withApiKey, void (Private::*done)(int, const QByteArray &));
    void reportState();

    void onLocated(int status, const QByteArray &body) { run(protocol.located(status, body)); }
    void onToken(int status, const QByteArray &body)
    {
        rest.closeIfIdle(); // not needed again until stop() or a failover: one socket less per client
        run(protocol.tokenReceived(status, body));
    }
    void onReleased(int, const QByteArray &) { run(protocol.released()); }

    BayeuxClient *q;
    ClientProtocol protocol;
    HttpConnection rest; // cometdurl, gettoken, releasecometd
    std::unique_ptr<ClientLink> link;
    QTimer timer;
    State reported = State::Idle;
};

void BayeuxClient::Private::run(const ClientProtocol::Actions &actions)
{
    using Kind = ClientProtocol::Action::Kind;
    const QPointer<BayeuxClient> alive(q);
    const quint64 epoch = protocol.epoch();
    reportState();
    if (!alive) return;
    for (const ClientProtocol::Action &action : actions) {
        // A slot called back into the client (stop(), say) and so planned anew: only the messages
        // already received still go out.
        if (protocol.epoch() != epoch && action.kind != Kind::Deliver) continue;
        switch (action.kind) {
        case Kind::Locate:
            get(action.url, false, &Private::onLocated);
            break;
        case Kind::FetchToken:
            get(action.url, true, &Private::onToken);
            break;
        case Kind::Release:
            get(action.url, false, &Private::onReleased);
            break;
        case Kind::Send:
            link->send(protocol.cometdUrl(), action.messages, action.connect, action.timeout);
            break;
        case Kind::Schedule:
            timer.start(int(action.delay.count()));
            break;
        case Kind::CancelTimer:
            timer.stop();
            break;
        case Kind::ResetTransport:
            link->reset();
            break;
        case Kind::Deliver:
            Q_EMIT q->messageReceived(action.message);
            break;
        case Kind::Ready:
            rest.closeIfIdle(); // not needed again until stop() or a failover
            link->closeIdle();
            qCDebug(lcClient) << protocol.options().user << "ready on" << protocol.node().toString();
            Q_EMIT q->ready();
            break;
        case Kind::FailedOver:
            qCInfo(lcClient).noquote() << protocol.options().user << "failed over to" << action.url.toString();
            Q_EMIT q->failedOver(action.url);
            break;
        case Kind::Error:
            qCDebug(lcClient) << protocol.options().user << action.text;
            Q_EMIT q->errorOccurred(action.text);
            break;
        case Kind::Stopped:
            rest.closeIfIdle();
            Q_EMIT q->stopped();
            break;
        }
        if (!alive) return;
    }
    reportState();
}

void BayeuxClient::Private::get(const QUrl &url, bool withApiKey, void (Private::*done)(int, const QByteArray &))
{
    HttpRequest request;
    request.url = url;
    const QByteArray &apiKey = protocol.options().apiKey;
    if (withApiKey && !apiKey.isEmpty())
        request.headers.append(
            { QByteArrayLiteral("Authorization"), QByteArray(QByteArrayLiteral("Bearer ") + apiKey) });
    rest.request(std::move(request), protocol.options().requestTimeout, [this, done](const HttpResponse &response) {
        (this->*done)(response.ok() ? response.status : 0, response.body);
    });
}

void BayeuxClient::Private::reportState()
{
    const State now = protocol.state();
    if (now == reported) return;
    reported = now;
    Q_EMIT q->stateChanged(now);
}

BayeuxClient::BayeuxClient(ClientOptions options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(options)))
{ }

BayeuxClient::~BayeuxClient() = default;

void BayeuxClient::start()
{
    d->run(d->protocol.start());
}

void BayeuxClient::subscribe(const QString &channel)
{
    d->run(d->protocol.subscribe(channel));
}

void BayeuxClient::publish(const QString &channel, const QJsonValue &data)
{
    d->run(d->protocol.publish(channel, data));
}

void BayeuxClient::stop(bool releaseSlot)
{
    d->run(d->protocol.stop(releaseSlot));
}

BayeuxClient::State BayeuxClient::state() const
{
    return d->protocol.state();
}

QString BayeuxClient::clientId() const
{
    return d->protocol.clientId();
}

QUrl BayeuxClient::nodeUrl() const
{
    return d->protocol.node();
}

const ClientOptions &BayeuxClient::options() const
{
    return d->protocol.options();
}

std::optional<ClientRefusal> BayeuxClient::lastRefusal() const
{
    return d->protocol.lastRefusal();
}

} // namespace Cometd
