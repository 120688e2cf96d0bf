#pragma once

#include <QHash>
#include <QJsonValue>
#include <QList>
#include <QSet>
#include <QString>

#include <vector>

// What every client should receive, what it did receive, and the latency of each first delivery.
// A delivery is identified by (client, channel, id): the id on the wire is "<xml id>-r<repeat>", so
// that every send of every repeat is distinct while the check against the XML's text stays exact.
// Stored as one column per (channel, id), indexed by client: a broadcast-heavy run expects millions
// of deliveries, and recording one must cost the tool far less than sending it costs the node.
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
    // Foreign: an id this run never sent (another publisher on the same channel); Wrong: one of this
    // run's ids where it does not belong (another channel or client) or with another text.
    enum class Outcome { Delivered, Duplicate, Wrong, Foreign };

    // A delivery that was not what the ledger expected, named for the report.
    struct Anomaly
    {
        Outcome outcome = Outcome::Wrong;
        int client = 0;
        QString channel;
        QString id;
        QString came; // the data, as compact JSON, cut at MaxAnomalyText characters
    };
    static constexpr int MaxAnomalies = 20; // of each kind: the report names these, counts the rest
    static constexpr int MaxAnomalyText = 120;

    // With tolerateDuplicates (failover mode, where re-sends are expected), a second copy of a
    // delivery counts as "redelivered" instead of "duplicated" and does not fail the run.
    explicit DeliveryLedger(bool tolerateDuplicates = false);

    static QString wireId(const QString &xmlId, int repeat);

    // Returns false when (client, channel, id) is already expected, or client is negative.
    bool expect(int client, const QString &channel, const QString &id, const QString &text);
    // The first send of a delivery starts its latency clock; later calls (retries, re-sends) keep it.
    void markSent(int client, const QString &channel, const QString &id, qint64 atUs);
    // markSent() for every client that expects (channel, id): one broadcast.
    void markSentToAll(const QString &channel, const QString &id, qint64 atUs);
    Outcome record(int client, const QString &channel, const QString &id, const QJsonValue &data, qint64 atUs);
    // Deliveries that will never be sent: the client did not connect, or the send was refused. Counted
    // as unsent, not lost; one that arrives all the same counts as delivered.
    void markUnsent(int client, const QString &channel, const QString &id);
    void markColumnUnsent(const QString &channel, const QString &id); // a broadcast that was refused
    void markClientUnsent(int client); // everything the client expects

    bool isExpected(int client, const QString &channel, const QString &id) const;
    bool isDelivered(int client, const QString &channel, const QString &id) const;
    QString expectedText(const Key &key) const;
    static QString keyString(const Key &key);
    // The client's expected deliveries that have not arrived intact and were not given up as unsent,
    // in the order they were expected.
    QList<Key> missing(int client) const;

    qint64 expected() const { return m_expected; }
    qint64 received() const { return m_received; }
    qint64 delivered() const { return m_delivered; }
    qint64 unsent() const { return m_unsent; }
    qint64 lost() const { return expected() - m_delivered - m_unsent; } // sent, and never arrived
    qint64 duplicated() const { return m_duplicated; }
    qint64 redelivered() const { return m_redelivered; }
    qint64 wrong() const { return m_wrong; }
    qint64 foreign() const { return m_foreign; }
    // Nothing more to wait for: every expected delivery arrived or will never be sent.
    bool complete() const { return m_delivered + m_unsent == expected(); }
    const QList<qint64> &latenciesUs() const { return m_latenciesUs; }
    const QList<Anomaly> &anomalies() const { return m_anomalies; } // at most MaxAnomalies of each kind

private:
    enum class CellState : quint8 { NotExpected, Expected, Delivered, Unsent };
    struct Cell
    {
        qint64 sentAtUs = -1;
        CellState state = CellState::NotExpected;
    };
    struct Column
    {
        QString channel;
        QString id;
        QString text;
        std::vector<Cell> cells; // by client
    };

    int columnOf(const QString &channel, const QString &id) const; // -1: none
    Cell *cell(int client, const QString &channel, const QString &id);
    const Cell *cell(int client, const QString &channel, const QString &id) const;
    void markCellUnsent(Cell &entry);
    Outcome anomaly(Outcome outcome, int client, const QString &channel, const QString &id, const QJsonValue &data);

    bool m_tolerateDuplicates;
    QHash<QString, QHash<QString, int>> m_columnIndex; // channel → id → index in m_columns
    QSet<QString> m_ids; // every id this run sends, whatever the channel
    std::vector<Column> m_columns;
    std::vector<std::vector<int>> m_byClient; // the columns each client expects, in order
    QList<qint64> m_latenciesUs;
    qint64 m_expected = 0;
    qint64 m_received = 0;
    qint64 m_delivered = 0;
    qint64 m_duplicated = 0;
    qint64 m_redelivered = 0;
    qint64 m_wrong = 0;
    qint64 m_foreign = 0;
    qint64 m_unsent = 0;
    QList<Anomaly> m_anomalies;
    QHash<int, int> m_anomaliesKept; // by Outcome
};
