#pragma once

#include "configerror.h"
#include "nodeconfig.h"

#include <QByteArrayView>
#include <QLoggingCategory>
#include <QString>

Q_DECLARE_LOGGING_CATEGORY(lcConfig)

// Turns a configuration file (native JSON, or the original eXo kernel XML) into a NodeConfig.
// fileName only names the source in messages; nothing here but loadFile touches the disk.
namespace ConfigLoader {

// Detects the format by content: XML when the first non-blank character is '<', JSON otherwise.
ConfigResult<NodeConfig> parse(QByteArrayView data, const QString &fileName);
ConfigResult<NodeConfig> parseJson(QByteArrayView data, const QString &fileName);
// Reads the nodes (id, url, maxConnection) of the `cometd.lb.configuration` object-param, from a
// whole <configuration> document or a bare <object-param>; every other setting keeps its default.
ConfigResult<NodeConfig> parseExoXml(QByteArrayView data, const QString &fileName);
// Reads the file (at most 1 MiB) and parses it.
ConfigResult<NodeConfig> loadFile(const QString &path);

} // namespace ConfigLoader
