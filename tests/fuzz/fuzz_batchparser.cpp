// The Bayeux batch parser of the transports (long-polling bodies, form posts, JSONP callbacks).
#include "batchparser.h"
#include "fuzzinput.h"

#include <QJsonValue>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = Fuzz::bytes(data, size);

    const Transport::ParsedBatch batch = Transport::parseBatch(input);
    Fuzz::check(batch.messages.has_value() != !batch.error.isEmpty(), "parseBatch: a batch xor an error");

    const Transport::ParsedBatch form = Transport::parseFormBatch(input);
    Fuzz::check(form.messages.has_value() != !form.error.isEmpty(), "parseFormBatch: a batch xor an error");

    const bool valid = Transport::isValidJsonpCallback(input);
    Fuzz::check(!valid || (size > 0 && size <= 128), "isValidJsonpCallback: bounded and non-empty");
    return 0;
}
