#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

#include <algorithm>
#include <optional>
#include <utility>

namespace AdminGui {

// A table of values keyed by T::key(), changed in place (dataChanged / insert / remove, never a
// reset) so that views keep selection, sort and scroll; a key→row hash keeps lookups O(1).
template<typename T> class KeyedTableModel : public QAbstractTableModel
{
public:
    // A change to apply: the new value of a key, or std::nullopt to remove it.
    using Change = std::pair<QString, std::optional<T>>;

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }

    const T &at(int row) const { return m_rows.at(row); }
    int rowOf(const QString &key) const { return m_index.value(key, -1); }
    const QList<T> &rows() const { return m_rows; }

    // The model becomes `items`: kept keys are updated, missing ones removed, new ones appended.
    void replaceAll(const QList<T> &items)
    {
        QList<Change> changes;
        changes.reserve(items.size());
        for (const T &item : items)
            changes.append({ item.key(), item });
        apply(changes, true);
    }

    // Applies a batch in order. The batch is collapsed per key first, so that a burst of events
    // costs one insert block, one removal per contiguous range, and one dataChanged per row.
    void applyChanges(const QList<Change> &changes) { apply(changes, false); }

protected:
    // How an incoming value replaces the stored one; subclasses keep console-side fields.
    virtual T merged(const T &stored, const T &incoming) const
    {
        Q_UNUSED(stored);
        return incoming;
    }

    T &mutableAt(int row) { return m_rows[row]; }
    void rowChanged(int row) { Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1)); }

private:
    void apply(const QList<Change> &changes, bool removeOthers)
    {
        QHash<QString, std::optional<T>> last;
        QList<QString> order;
        last.reserve(changes.size());
        for (const Change &change : changes) {
            auto it = last.find(change.first);
            if (it == last.end()) {
                order.append(change.first);
                last.insert(change.first, change.second);
            } else {
                *it = change.second;
            }
        }

        QList<int> removals;
        QList<T> appends;
        for (const QString &key : std::as_const(order)) {
            const std::optional<T> &value = last.value(key);
            const int row = rowOf(key);
            if (value && row >= 0) {
                T next = merged(m_rows.at(row), *value);
                if (!(next == m_rows.at(row))) {
                    m_rows[row] = std::move(next);
                    rowChanged(row);
                }
            } else if (value) {
                appends.append(*value);
            } else if (row >= 0) {
                removals.append(row);
            }
        }
        if (removeOthers) {
            for (int row = 0; row < m_rows.size(); ++row) {
                if (!last.contains(m_rows.at(row).key())) removals.append(row);
            }
        }

        if (!removals.isEmpty()) {
            std::sort(removals.begin(), removals.end(), std::greater<int>());
            removals.erase(std::unique(removals.begin(), removals.end()), removals.end());
            qsizetype i = 0;
            while (i < removals.size()) {
                const int high = removals.at(i);
                int low = high;
                while (i + 1 < removals.size() && removals.at(i + 1) == low - 1)
                    low = removals.at(++i);
                ++i;
                beginRemoveRows({}, low, high);
                m_rows.remove(low, high - low + 1);
                endRemoveRows();
            }
            m_index.clear();
            m_index.reserve(m_rows.size());
            for (int row = 0; row < m_rows.size(); ++row)
                m_index.insert(m_rows.at(row).key(), row);
        }

        if (!appends.isEmpty()) {
            const int first = int(m_rows.size());
            beginInsertRows({}, first, first + int(appends.size()) - 1);
            for (T &item : appends) {
                m_index.insert(item.key(), int(m_rows.size()));
                m_rows.append(std::move(item));
            }
            endInsertRows();
        }
    }

    QList<T> m_rows;
    QHash<QString, int> m_index;
};

} // namespace AdminGui
