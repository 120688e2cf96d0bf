#pragma once

#include "admintypes.h"

#include <QHash>
#include <QObject>

namespace AdminGui {

// Each node's load over the last minutes: a fixed-size ring of samples per node.
class LoadHistory final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoadHistory)
public:
    struct Sample
    {
        QDateTime at;
        qint64 placed = 0; // users placed on the node
        qint64 maxConnection = 0;
        double load() const { return maxConnection > 0 ? double(placed) / double(maxConnection) : 0.0; }
    };

    explicit LoadHistory(qsizetype capacity = 300, QObject *parent = nullptr);

    qsizetype capacity() const { return m_capacity; }
    QStringList nodeIds() const; // sorted
    QList<Sample> samples(const QString &nodeId) const; // oldest first
    QDateTime latest() const { return m_latest; }

    void addSample(const QString &nodeId, const Sample &sample);
    void clear();
    // Valid while no samples can come (the events stream is lost): the chart says since when.
    void setStaleSince(const QDateTime &since);
    QDateTime staleSince() const { return m_staleSince; }

Q_SIGNALS:
    void changed();

private:
    struct Ring
    {
        QList<Sample> samples;
        qsizetype head = 0; // the oldest sample once the ring is full
    };
    qsizetype m_capacity;
    QHash<QString, Ring> m_rings;
    QDateTime m_latest;
    QDateTime m_staleSince;
};

} // namespace AdminGui
