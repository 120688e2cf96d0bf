// The C++ client's protocol state machine driven by arbitrary server answers: it must never crash,
// and every request it asks for must be well formed.
//
// Input: steps separated by a line "--" (see fuzzinput.h); the first step "balancer" makes the client
// locate its node through cometdurl, otherwise it talks to one node directly. A step is an event:
//   "L<status>\n<body>"  the cometdurl answer        "T<status>\n<body>"  the gettoken answer
//   "R<json>"            messages from the node      "F<text>"            a request failed
//   "Z"                  the scheduled timer fired   "X"                  releasecometd answered
//   "S<channel>"         subscribe                   "P<json>"            publish on /a
//   "Q0" / "Q1"          stop (with the slot released for Q1)
#include "clientprotocol.h"
#include "fuzzinput.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Cometd;
using Kind = ClientProtocol::Action::Kind;

namespace {

void checkActions(const ClientProtocol &protocol, const ClientProtocol::Actions &actions)
{
    for (const ClientProtocol::Action &a : actions) {
        switch (a.kind) {
        case Kind::Locate:
        case Kind::FetchToken:
        case Kind::Release:
            Fuzz::check(a.url.isValid(), "every REST request has a valid URL");
            break;
        case Kind::Send:
            Fuzz::check(!a.messages.isEmpty(), "a Send carries messages");
            Fuzz::check(protocol.cometdUrl().isValid(), "a Send goes to a valid Bayeux URL");
            for (const QJsonValue &m : a.messages)
                Fuzz::check(m.isObject() && m.toObject().value(QStringLiteral("channel")).isString(),
                    "every message sent is an object with a channel");
            break;
        case Kind::Schedule:
            Fuzz::check(a.delay.count() >= 0, "a timer is never scheduled in the past");
            break;
        default:
            break;
        }
    }
}

// "<status>\n<body>": the status as an int (0 when absent), and the rest.
std::pair<int, QByteArray> statusAndBody(const QByteArray &text)
{
    const qsizetype nl = text.indexOf('\n');
    const QByteArray head = nl < 0 ? text : text.first(nl);
    return { head.toInt(), nl < 0 ? QByteArray() : text.sliced(nl + 1) };
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    QLoggingCategory::setFilterRules(QStringLiteral("*=false"));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> steps = Fuzz::steps(Fuzz::bytes(data, size), 64);

    ClientOptions options;
    options.user = QStringLiteral("exo1");
    options.channels = { QStringLiteral("/a") };
    options.maxBackoff = std::chrono::milliseconds(2000);
    if (steps.first() == "balancer")
        options.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:8080/rest/"));
    else
        options.nodeUrl = QUrl(QStringLiteral("http://127.0.0.1:8081"));
    ClientProtocol protocol(options);
    checkActions(protocol, protocol.start());

    for (const QByteArray &step : steps) {
        if (step.isEmpty()) continue;
        const QByteArray rest = step.sliced(1);
        ClientProtocol::Actions actions;
        switch (step.at(0)) {
        case 'L': {
            const auto [status, body] = statusAndBody(rest);
            actions = protocol.located(status, body);
            break;
        }
        case 'T': {
            const auto [status, body] = statusAndBody(rest);
            actions = protocol.tokenReceived(status, body);
            break;
        }
        case 'R': {
            const QJsonDocument doc = QJsonDocument::fromJson(rest);
            actions = protocol.received(doc.isObject() ? QJsonArray { doc.object() } : doc.array());
            break;
        }
        case 'F':
            actions = protocol.transportFailed(QString::fromUtf8(rest));
            break;
        case 'Z':
            actions = protocol.timerFired();
            break;
        case 'X':
            actions = protocol.released();
            break;
        case 'S':
            actions = protocol.subscribe(QString::fromUtf8(rest));
            break;
        case 'P':
            actions = protocol.publish(QStringLiteral("/a"), QJsonDocument::fromJson(rest).object());
            break;
        case 'Q':
            actions = protocol.stop(rest == "1");
            break;
        default:
            break;
        }
        checkActions(protocol, actions);
    }
    return 0;
}
