#include "connectfailure.h"

using namespace Qt::StringLiterals;

namespace {

// "(503)" or "(503: the refuser's words)", the words only when they add something.
QString answer(int status, const QString &words)
{
    if (status == 0) return u"(%1)"_s.arg(words);
    return words.isEmpty() ? u"(%1)"_s.arg(status) : u"(%1: %2)"_s.arg(status).arg(words);
}

} // namespace

ConnectFailure ConnectFailure::classify(
    const std::optional<Cometd::ClientRefusal> &refusal, const QString &error, bool gaveUp)
{
    using Refusal = Cometd::ClientRefusal;
    if (refusal) {
        const bool clientError = refusal->httpStatus >= 400 && refusal->httpStatus < 500;
        switch (refusal->step) {
        case Refusal::Step::Locate:
            // The balancer's 503 says which: no room (final in a run), or no cluster state (may pass).
            if (refusal->httpStatus == 503 && refusal->reason.startsWith(u"no node has room"_s))
                return { u"the balancer has no room for them (503)"_s, true };
            if (clientError)
                return { u"the balancer refused them %1"_s.arg(answer(refusal->httpStatus, refusal->reason)), true };
            return { u"the balancer answered %1"_s.arg(answer(refusal->httpStatus, refusal->reason)), gaveUp };
        case Refusal::Step::Token:
            return { u"the node refused them a token %1"_s.arg(answer(refusal->httpStatus, refusal->reason)),
                clientError || gaveUp };
        case Refusal::Step::Handshake:
            return { u"the node refused the handshake (%1)"_s.arg(refusal->reason), gaveUp };
        case Refusal::Step::Subscribe:
            // The client is never ready with a subscription refused, and asks no more.
            return { u"the node refused a subscription (%1)"_s.arg(refusal->reason), true };
        }
    }
    if (error == u"the balancer is unreachable"_s) return { u"the balancer did not answer"_s, gaveUp };
    if (error.isEmpty()) return { u"no answer in time"_s, gaveUp };
    return { error, gaveUp };
}
