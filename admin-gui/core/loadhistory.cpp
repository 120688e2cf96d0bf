#include "loadhistory.h"

namespace AdminGui {

LoadHistory::LoadHistory(qsizetype capacity, QObject *parent)
    : QObject(parent)
    , m_capacity(std::max<qsizetype>(capacity, 2))
{ }

QStringList LoadHistory::nodeIds() const
{
    QStringList ids = m_rings.keys();
    ids.sort();
    return ids;
}

QList<LoadHistory::Sample> LoadHistory::samples(const QString &nodeId) const
{
    const auto it = m_rings.constFind(nodeId);
    if (it == m_rings.constEnd()) return {};
    QList<Sample> out;
    out.reserve(it->samples.size());
    for (qsizetype i = 0; i < it->samples.size(); ++i)
        out.append(it->samples.at((it->head + i) % it->samples.size()));
    return out;
}

void LoadHistory::addSample(const QString &nodeId, const Sample &sample)
{
    Ring &ring = m_rings[nodeId];
    if (ring.samples.size() < m_capacity) {
        ring.samples.append(sample);
    } else {
        ring.samples[ring.head] = sample;
        ring.head = (ring.head + 1) % m_capacity;
    }
    if (!m_latest.isValid() || sample.at > m_latest) m_latest = sample.at;
    Q_EMIT changed();
}

void LoadHistory::clear()
{
    m_rings.clear();
    m_latest = {};
    Q_EMIT changed();
}

void LoadHistory::setStaleSince(const QDateTime &since)
{
    if (since == m_staleSince) return;
    m_staleSince = since;
    Q_EMIT changed();
}

} // namespace AdminGui
