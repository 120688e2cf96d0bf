// A node's report to its balancer and the answer: decode, and decode(encode(decoded)) == decoded.
#include "fuzzinput.h"
#include "reportcodec.h"

namespace {

bool sameUsers(const QList<Balancer::UserPresence> &a, const QList<Balancer::UserPresence> &b)
{
    if (a.size() != b.size()) return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        const Balancer::UserPresence &x = a.at(i);
        const Balancer::UserPresence &y = b.at(i);
        if (x.user != y.user || x.sessions != y.sessions || x.opened != y.opened || x.transport != y.transport
            || x.connectedSince != y.connectedSince)
            return false;
    }
    return true;
}

bool sameReport(const Balancer::NodeReport &a, const Balancer::NodeReport &b)
{
    return a.nodeId == b.nodeId && a.url == b.url && a.maxConnection == b.maxConnection && a.sessions == b.sessions
        && a.messagesIn == b.messagesIn && a.messagesOut == b.messagesOut && a.fullList == b.fullList
        && sameUsers(a.users, b.users) && a.channels == b.channels;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = Fuzz::bytes(data, size);

    const auto decoded = Cluster::decodeReport(input);
    if (const auto *report = std::get_if<Balancer::NodeReport>(&decoded)) {
        const auto again = Cluster::decodeReport(Cluster::encodeReport(*report));
        const auto *round = std::get_if<Balancer::NodeReport>(&again);
        Fuzz::check(round != nullptr, "encodeReport: its output decodes");
        Fuzz::check(sameReport(*report, *round), "report: decode(encode(x)) == x");
    }

    if (const auto answer = Cluster::decodeReportAnswer(input))
        Fuzz::check(Cluster::decodeReportAnswer(Cluster::encodeReportAnswer(*answer)) == answer,
            "report answer: decode(encode(x)) == x");
    return 0;
}
