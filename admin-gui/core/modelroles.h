#pragma once

#include <Qt>

namespace AdminGui {

// Item roles the console's models answer beyond Qt's own.
enum ModelRole {
    KeyRole = Qt::UserRole, // the row's key (node id, user name, channel name)
    SortRole, // a value that sorts right (numbers as numbers, times as times)
    LoadRole, // NodeModel load column: slots / maxConnection as a double in [0, 1]
    SessionsRole, // NodeModel load column: sessions
    CapacityRole, // NodeModel load column: maxConnection
    StaleRole, // NodeModel: true while the rows are the cluster as last seen, the stream being lost
};

} // namespace AdminGui
