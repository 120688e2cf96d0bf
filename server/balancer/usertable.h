#pragma once

#include "clustertypes.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <map>
#include <optional>
#include <utility>

namespace Balancer {

// Who holds a slot where. Per user: the nodes where it has live sessions and its pending reservation;
// per node: the users holding a slot there (a user with a reservation and sessions on the same node
// holds one slot). Every change to a user is recorded as a joined/left/changed event that the owner
// takes and publishes once its own state is consistent.
class UserTable final
{
public:
    struct Presence
    {
        QString nodeId;
        int sessions = 0;
        QString transport;
        QDateTime connectedSince;
    };

    struct Record
    {
        QList<Presence> presence; // nodes with live sessions, oldest first: the first is the user's home
        QString reservedNode; // empty: no pending reservation
        qint64 reservedUntil = 0;
        quint64 reservationSequence = 0; // tells apart reservations with the same deadline

        const Presence *presenceOn(const QString &nodeId) const;
        QString homeNode() const { return presence.isEmpty() ? reservedNode : presence.first().nodeId; }
    };

    struct Event
    {
        enum class Kind { Joined, Left, Changed };
        Kind kind = Kind::Changed;
        UserInfo user; // for Left, the user as it was
    };

    const Record *find(const QString &user) const;
    UserInfo info(const QString &user, const Record &record) const;
    qsizetype slotsOn(const QString &nodeId) const;
    qsizetype userCount() const { return qsizetype(m_users.size()); }
    QStringList privateTargetsOf(const QString &user) const;
    // Users whose name contains `filter` (case-insensitive; empty: all), by name.
    UserPage page(const QString &filter, qsizetype offset, qsizetype limit) const;

    // Replaces the user's pending reservation, if any, with one on nodeId until `deadline`.
    void reserve(const QString &user, const QString &nodeId, qint64 deadline);
    // Drops the pending reservation; a slot held by live sessions stays.
    void clearReservation(const QString &user);
    // What nodeId says about one user. A session that opened consumes the user's pending reservation
    // wherever it was: the client connected, here or (having skipped cometdurl) elsewhere.
    void applyPresence(const QString &nodeId, const UserPresence &presence);
    // The end of nodeId's full list: users with sessions there that it did not list lose them (not
    // their reservation).
    void dropUnlisted(const QString &nodeId, const QSet<QString> &listed);
    // nodeId is down: every session and reservation there is gone.
    void dropNode(const QString &nodeId);
    void expireReservations(qint64 now);
    std::optional<qint64> nextReservationDeadline() const;

    QList<Event> takeEvents() { return std::exchange(m_events, {}); }

private:
    template<typename Change> void modify(const QString &user, Change change);
    void setReservation(Record &record, const QString &user, const QString &nodeId, qint64 deadline);
    void dropReservation(Record &record);
    static void removePresence(Record &record, const QString &nodeId);
    static QStringList slotNodes(const Record &record);

    std::map<QString, Record> m_users; // ordered: stable pages for the admin API
    QHash<QString, QSet<QString>> m_slots; // node id -> users holding a slot there
    std::map<std::pair<qint64, quint64>, QString> m_deadlines; // (reservedUntil, sequence) -> user
    quint64 m_sequence = 0;
    QList<Event> m_events;
};

} // namespace Balancer
