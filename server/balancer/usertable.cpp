#include "usertable.h"

#include <algorithm>

namespace Balancer {

const UserTable::Presence *UserTable::Record::presenceOn(const QString &nodeId) const
{
    for (const Presence &entry : presence) {
        if (entry.nodeId == nodeId) return &entry;
    }
    return nullptr;
}

template<typename Change> void UserTable::modify(const QString &user, Change change)
{
    const auto it = m_users.try_emplace(user).first;
    Record &record = it->second;
    const QStringList before = slotNodes(record);
    const std::optional<UserInfo> previous
        = before.isEmpty() ? std::nullopt : std::optional<UserInfo>(info(user, record));

    change(record);

    const QStringList after = slotNodes(record);
    for (const QString &nodeId : before) {
        if (after.contains(nodeId)) continue;
        const auto holders = m_slots.find(nodeId);
        if (holders == m_slots.end()) continue;
        holders->remove(user);
        if (holders->isEmpty()) m_slots.erase(holders);
    }
    for (const QString &nodeId : after) {
        if (!before.contains(nodeId)) m_slots[nodeId].insert(user);
    }

    if (after.isEmpty()) {
        if (previous) m_events.append({ Event::Kind::Left, *previous });
        m_users.erase(it);
        return;
    }
    UserInfo current = info(user, record);
    if (!previous)
        m_events.append({ Event::Kind::Joined, std::move(current) });
    else if (current != *previous)
        m_events.append({ Event::Kind::Changed, std::move(current) });
}

const UserTable::Record *UserTable::find(const QString &user) const
{
    const auto it = m_users.find(user);
    return it == m_users.end() ? nullptr : &it->second;
}

UserInfo UserTable::info(const QString &user, const Record &record) const
{
    UserInfo info;
    info.user = user;
    info.nodeIds = slotNodes(record);
    info.nodeId = info.nodeIds.value(0);
    info.reserved = !record.reservedNode.isEmpty();
    if (!record.presence.isEmpty()) info.transport = record.presence.first().transport;
    for (const Presence &entry : record.presence) {
        info.sessions += entry.sessions;
        if (entry.connectedSince.isValid()
            && (!info.connectedSince.isValid() || entry.connectedSince < info.connectedSince))
            info.connectedSince = entry.connectedSince;
    }
    return info;
}

qsizetype UserTable::slotsOn(const QString &nodeId) const
{
    const auto it = m_slots.constFind(nodeId);
    return it == m_slots.cend() ? 0 : it->size();
}

QStringList UserTable::privateTargetsOf(const QString &user) const
{
    QStringList nodes;
    if (const Record *record = find(user)) {
        for (const Presence &entry : record->presence)
            nodes.append(entry.nodeId);
        if (!record->reservedNode.isEmpty() && !nodes.contains(record->reservedNode))
            nodes.append(record->reservedNode);
    }
    return nodes;
}

UserPage UserTable::page(const QString &filter, qsizetype offset, qsizetype limit) const
{
    UserPage page;
    for (const auto &[user, record] : m_users) {
        if (!filter.isEmpty() && !user.contains(filter, Qt::CaseInsensitive)) continue;
        if (page.total >= offset && page.users.size() < limit) page.users.append(info(user, record));
        ++page.total;
    }
    return page;
}

void UserTable::reserve(const QString &user, const QString &nodeId, qint64 deadline)
{
    modify(user, [&](Record &record) {
        dropReservation(record);
        setReservation(record, user, nodeId, deadline);
    });
}

void UserTable::clearReservation(const QString &user)
{
    if (!find(user)) return;
    modify(user, [&](Record &record) { dropReservation(record); });
}

void UserTable::applyPresence(const QString &nodeId, const UserPresence &presence)
{
    modify(presence.user, [&](Record &record) {
        if (presence.opened) dropReservation(record);
        if (presence.sessions <= 0) {
            removePresence(record, nodeId);
            return;
        }
        auto it = std::find_if(record.presence.begin(), record.presence.end(),
            [&](const Presence &entry) { return entry.nodeId == nodeId; });
        if (it == record.presence.end()) {
            record.presence.append(Presence { nodeId, 0, {}, {} });
            it = std::prev(record.presence.end());
        }
        it->sessions = presence.sessions;
        if (!presence.transport.isEmpty()) it->transport = presence.transport;
        if (presence.connectedSince.isValid()) it->connectedSince = presence.connectedSince.toUTC();
    });
}

void UserTable::dropUnlisted(const QString &nodeId, const QSet<QString> &listed)
{
    const QSet<QString> holders = m_slots.value(nodeId); // a copy: modify() edits the set
    for (const QString &user : holders) {
        if (listed.contains(user)) continue;
        const Record *record = find(user);
        if (record && record->presenceOn(nodeId))
            modify(user, [&](Record &changed) { removePresence(changed, nodeId); });
    }
}

void UserTable::dropNode(const QString &nodeId)
{
    const QSet<QString> holders = m_slots.value(nodeId);
    for (const QString &user : holders) {
        modify(user, [&](Record &record) {
            removePresence(record, nodeId);
            if (record.reservedNode == nodeId) dropReservation(record);
        });
    }
}

void UserTable::expireReservations(qint64 now)
{
    while (!m_deadlines.empty() && m_deadlines.begin()->first.first <= now) {
        const QString user = m_deadlines.begin()->second;
        m_deadlines.erase(m_deadlines.begin()); // first, so that the loop ends even if the record disagrees
        modify(user, [&](Record &record) { dropReservation(record); });
    }
}

std::optional<qint64> UserTable::nextReservationDeadline() const
{
    if (m_deadlines.empty()) return std::nullopt;
    return m_deadlines.begin()->first.first;
}

void UserTable::setReservation(Record &record, const QString &user, const QString &nodeId, qint64 deadline)
{
    record.reservedNode = nodeId;
    record.reservedUntil = deadline;
    record.reservationSequence = ++m_sequence;
    m_deadlines.emplace(std::pair(deadline, record.reservationSequence), user);
}

void UserTable::dropReservation(Record &record)
{
    if (record.reservedNode.isEmpty()) return;
    m_deadlines.erase(std::pair(record.reservedUntil, record.reservationSequence));
    record.reservedNode.clear();
}

void UserTable::removePresence(Record &record, const QString &nodeId)
{
    record.presence.removeIf([&](const Presence &entry) { return entry.nodeId == nodeId; });
}

QStringList UserTable::slotNodes(const Record &record)
{
    QStringList nodes;
    for (const Presence &entry : record.presence)
        nodes.append(entry.nodeId);
    if (!record.reservedNode.isEmpty() && !nodes.contains(record.reservedNode)) nodes.append(record.reservedNode);
    return nodes;
}

} // namespace Balancer
