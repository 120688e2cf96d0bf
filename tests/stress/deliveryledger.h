#pragma once

#include <QHash>
#include <QJsonValue>
#include <QList>
#include <QString>

// What every client should receive, what it did receive, and the latency of each first delivery.
// A delivery is identified by (client, channel, id): the id on the wire is "<xml id>-r<repeat>", so
// that every send of every repeat is distinct while the check against the XML's text stays exact.
class DeliveryLedger final
{
public:
    struct Key
    {
        int client = 0;
        QString channel;
        QString id;
        friend bool operator==(const Key &, const Key &) = default;
    };
    enum class Outcome { Delivered, Duplicate, Wrong };

    // With tolerateDuplicates (failover mode, where re-sends are expected), a second copy of a
    // delivery counts as "redelivered" instead of "duplicated" and does not fail the run.
    explicit DeliveryLedger(bool tolerateDuplicates = false);

    static QString wireId(const QString &xmlId, int repeat);

    // Returns false when (client, channel, id) is already expected.
    bool expect(int client, const QString &channel, const QString &id, const QString &text);
    // The first send of a delivery starts its latency clock; later calls (retries, re-sends) keep it.
    void markSent(int client, const QString &channel, const QString &id, qint64 atUs);
    Outcome record(int client, const QString &channel, const QString &id, const QJsonValue &data, qint64 atUs);

    bool isExpected(int client, const QString &channel, const QString &id) const;
    bool isDelivered(int client, const QString &channel, const QString &id) const;
    QString expectedText(const Key &key) const;
    static QString keyString(const Key &key) { return keyOf(key.client, key.channel, key.id); }
    // The client's expected deliveries that have not arrived intact, in the order they were expected.
    QList<Key> missing(int client) const;

    qint64 expected() const { return m_entries.size(); }
    qint64 received() const { return m_received; }
    qint64 delivered() const { return m_delivered; }
    qint64 lost() const { return expected() - m_delivered; }
    qint64 duplicated() const { return m_duplicated; }
    qint64 redelivered() const { return m_redelivered; }
    qint64 wrong() const { return m_wrong; }
    bool complete() const { return m_delivered == expected(); }
    const QList<qint64> &latenciesUs() const { return m_latenciesUs; }

private:
    struct Entry
    {
        QString text;
        qint64 sentAtUs = -1;
        bool delivered = false;
    };
    static QString keyOf(int client, const QString &channel, const QString &id);

    bool m_tolerateDuplicates;
    QHash<QString, Entry> m_entries;
    QHash<int, QList<Key>> m_byClient;
    QList<qint64> m_latenciesUs;
    qint64 m_received = 0;
    qint64 m_delivered = 0;
    qint64 m_duplicated = 0;
    qint64 m_redelivered = 0;
    qint64 m_wrong = 0;
};
