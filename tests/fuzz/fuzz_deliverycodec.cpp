// The balancer → node delivery batch and its answer: decode, and decode(encode(decoded)) == decoded.
#include "deliverycodec.h"
#include "fuzzinput.h"

namespace {

bool sameDeliveries(const QList<Cluster::Delivery> &a, const QList<Cluster::Delivery> &b)
{
    if (a.size() != b.size()) return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        const Rest::DeliveryRequest &x = a.at(i).request;
        const Rest::DeliveryRequest &y = b.at(i).request;
        if (a.at(i).isPrivate != b.at(i).isPrivate || x.channel != y.channel || x.exoId != y.exoId || x.id != y.id
            || x.message != y.message)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = Fuzz::bytes(data, size);

    const auto decoded = Cluster::decodeDeliveries(input);
    if (const auto *deliveries = std::get_if<QList<Cluster::Delivery>>(&decoded)) {
        Fuzz::check(deliveries->size() <= Cluster::MaxDeliveryBatch, "decodeDeliveries: batch bounded");
        const auto again = Cluster::decodeDeliveries(Cluster::encodeDeliveries(*deliveries));
        const auto *round = std::get_if<QList<Cluster::Delivery>>(&again);
        Fuzz::check(round != nullptr, "encodeDeliveries: its output decodes");
        Fuzz::check(sameDeliveries(*deliveries, *round), "deliveries: decode(encode(x)) == x");
    }

    // The answer: the count expected is the first byte, so both sizes that match and that do not are tried.
    const qsizetype expected = size > 0 ? data[0] % 8 : 0;
    if (const auto counts = Cluster::decodeDelivered(input, expected)) {
        Fuzz::check(counts->size() == expected, "decodeDelivered: the count expected");
        Fuzz::check(Cluster::decodeDelivered(Cluster::encodeDelivered(*counts), expected) == counts,
            "delivered: decode(encode(x)) == x");
    }
    return 0;
}
