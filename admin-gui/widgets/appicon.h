#pragma once

#include <QIcon>

namespace AdminGui {

// The console's icon, painted (the same drawing as resources/icons/cometd-admin.svg) so that the
// window needs no SVG image plugin at run time.
QIcon appIcon();

} // namespace AdminGui
