// The configuration loader: native JSON and the eXo kernel XML, from bytes (loadFile only adds a read).
#include "configloader.h"
#include "fuzzinput.h"

namespace {

void checkLoaded(const ConfigResult<NodeConfig> &result)
{
    if (!result) {
        Fuzz::check(!result.error().toString().isEmpty(), "a refused configuration says why");
        return;
    }
    const NodeConfig &config = result.value();
    for (const NodeConfig::NodeEntry &node : config.nodes) {
        Fuzz::check(isValidNodeId(node.id), "every node id accepted is valid");
        Fuzz::check(node.maxConnection > 0, "every maxConnection accepted is positive");
        Fuzz::check(node.url.isValid(), "every node url accepted is valid");
    }
    // What the process does next with an accepted configuration must not crash either.
    (void)validateForStart(config);
    (void)config.effectiveNodes();
    (void)config.selfUrl(8080);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    QLoggingCategory::setFilterRules(QStringLiteral("*=false"));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = Fuzz::bytes(data, size);
    const QString name = QStringLiteral("fuzz.conf");
    checkLoaded(ConfigLoader::parse(input, name));
    checkLoaded(ConfigLoader::parseJson(input, name));
    checkLoaded(ConfigLoader::parseExoXml(input, name));
    return 0;
}
