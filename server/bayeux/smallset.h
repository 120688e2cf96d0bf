#pragma once

#include <QSet>
#include <QtGlobal>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

namespace Bayeux {

// A set that usually holds a handful of elements (a session's subscriptions, the sessions on one
// connection). Qt 6's smallest QSet table is about 1.3 KiB, which at tens of thousands of idle
// sessions was half of a session's memory; here up to `Inline` elements sit in a vector searched
// linearly (a few dozen bytes). Past that the elements move to a QSet, so that a client with
// thousands of them cannot make every operation linear.
template<typename T, qsizetype Inline = 16> class SmallSet
{
public:
    SmallSet() = default;
    SmallSet(SmallSet &&) noexcept = default;
    SmallSet &operator=(SmallSet &&) noexcept = default;
    Q_DISABLE_COPY(SmallSet)

    bool contains(const T &value) const
    {
        if (m_large) return m_large->contains(value);
        return std::find(m_small.cbegin(), m_small.cend(), value) != m_small.cend();
    }

    // False when the value was already there.
    bool insert(T value)
    {
        if (contains(value)) return false;
        if (m_large) {
            m_large->insert(std::move(value));
        } else if (qsizetype(m_small.size()) < Inline) {
            m_small.push_back(std::move(value));
        } else {
            m_large = std::make_unique<QSet<T>>();
            m_large->reserve(Inline * 2);
            for (T &element : m_small)
                m_large->insert(std::move(element));
            m_large->insert(std::move(value));
            std::vector<T>().swap(m_small);
        }
        return true;
    }

    // False when the value was not there.
    bool remove(const T &value)
    {
        if (m_large) {
            if (!m_large->remove(value)) return false;
            if (m_large->isEmpty()) m_large.reset();
            return true;
        }
        const auto it = std::find(m_small.begin(), m_small.end(), value);
        if (it == m_small.end()) return false;
        if (it != m_small.end() - 1) *it = std::move(m_small.back());
        m_small.pop_back();
        if (m_small.empty()) std::vector<T>().swap(m_small);
        return true;
    }

    qsizetype size() const { return m_large ? m_large->size() : qsizetype(m_small.size()); }
    bool isEmpty() const { return size() == 0; }

    // Calls `function(const T &)` for each element, in no particular order. The set must not
    // change meanwhile.
    template<typename Function> void forEach(Function &&function) const
    {
        if (m_large) {
            for (const T &value : *m_large)
                function(value);
        } else {
            for (const T &value : m_small)
                function(value);
        }
    }

private:
    std::vector<T> m_small;
    std::unique_ptr<QSet<T>> m_large;
};

} // namespace Bayeux
