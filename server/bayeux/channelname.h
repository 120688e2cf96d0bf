#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace Bayeux {

// A validated Bayeux channel name ("/a/b", "/a/*", "/a/**") and the wildcard patterns that cover it.
class ChannelName final
{
public:
    enum class Kind {
        Concrete, // "/a/b"
        Wildcard, // "/a/*": one more segment
        DeepWildcard, // "/a/**": one or more segments
    };

    // Longer names are refused (SPEC §4: 1,024 bytes of UTF-8): a client must not make the server
    // store arbitrarily long keys. Segments are ASCII only, so a valid name's UTF-8 bytes are its
    // QChars, and the check can run before the scan.
    static constexpr qsizetype MaxLength = 1024;

    // Segments are non-empty runs of [A-Za-z0-9] and - _ ! ~ ( ) $ @ . + # { } (CometD's set without
    // the space); "*" and "**" only as the whole last segment.
    static std::optional<ChannelName> parse(const QString &name);
    static bool isValid(const QString &name) { return parse(name).has_value(); }

    const QString &toString() const { return m_name; }
    Kind kind() const { return m_kind; }
    bool isWildcard() const { return m_kind != Kind::Concrete; }
    bool isMeta() const; // "/meta" or below
    bool isService() const; // "/service" or below
    int depth() const { return m_depth; } // number of segments, the wildcard included

    // For a concrete channel, every pattern that matches it, most specific first:
    // "/a/b/c" gives "/a/b/*", "/a/b/**", "/a/**", "/**". Empty for a pattern.
    QStringList matchingPatterns() const;

    // Whether this name (a pattern, or a concrete name for equality) covers the concrete `channel`.
    bool matches(const ChannelName &channel) const;

private:
    ChannelName(QString name, Kind kind, int depth);
    bool firstSegmentIs(QLatin1StringView segment) const;

    QString m_name;
    Kind m_kind = Kind::Concrete;
    int m_depth = 0;
};

} // namespace Bayeux
