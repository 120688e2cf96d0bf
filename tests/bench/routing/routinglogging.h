// The benchmark's progress messages (stderr), category cometd.bench.routing.
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcRouting)
