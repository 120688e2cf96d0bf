#pragma once

#include "channelname.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVarLengthArray>

#include <algorithm>

namespace Bayeux {

struct Session;

// Channel or pattern -> subscribed sessions. Finding who receives a message on a concrete channel
// costs one hash lookup for the channel and one per pattern that could cover it (O(depth)),
// never a walk over sessions.
class ChannelIndex final
{
public:
    bool subscribe(const ChannelName &channel, Session *session); // false if it already was
    bool unsubscribe(const QString &channel, Session *session); // false if it was not

    // Calls function(Session *) once per session subscribed to the concrete `channel`, directly or
    // through patterns. `function` must not subscribe or unsubscribe (the sets are being iterated).
    template<typename Function> void forEachSubscriber(const ChannelName &channel, Function function) const;
    QList<Session *> subscribers(const ChannelName &channel) const;

    bool hasSubscribers(const QString &channelOrPattern) const { return m_subscribers.contains(channelOrPattern); }
    qsizetype subscriberCount(const QString &channelOrPattern) const;
    qsizetype channelCount() const { return m_subscribers.size(); } // channels and patterns
    bool hasPatterns() const { return m_patternCount > 0; }
    QStringList channels() const { return m_subscribers.keys(); }

private:
    static bool isPattern(const QString &name) { return name.endsWith(u'*'); }

    QHash<QString, QSet<Session *>> m_subscribers; // never holds an empty set
    qsizetype m_patternCount = 0; // keys that are patterns; 0 lets publishing skip their lookups
};

template<typename Function> void ChannelIndex::forEachSubscriber(const ChannelName &channel, Function function) const
{
    if (channel.isWildcard()) return;
    QVarLengthArray<const QSet<Session *> *, 16> buckets;
    const auto exact = m_subscribers.constFind(channel.toString());
    if (exact != m_subscribers.cend()) buckets.append(&*exact);
    if (m_patternCount > 0) {
        for (const QString &pattern : channel.matchingPatterns()) {
            const auto it = m_subscribers.constFind(pattern);
            if (it != m_subscribers.cend()) buckets.append(&*it);
        }
    }
    if (buckets.isEmpty()) return;
    // The largest set goes first and unchecked; a session of a later set is a duplicate when an
    // earlier set holds it, which costs a few lookups and no allocation.
    std::swap(buckets[0],
        *std::max_element(buckets.begin(), buckets.end(), [](auto a, auto b) { return a->size() < b->size(); }));
    for (qsizetype i = 0; i < buckets.size(); ++i) {
        for (Session *session : *buckets[i]) {
            const bool seen = std::any_of(
                buckets.cbegin(), buckets.cbegin() + i, [session](auto earlier) { return earlier->contains(session); });
            if (!seen) function(session);
        }
    }
}

} // namespace Bayeux
