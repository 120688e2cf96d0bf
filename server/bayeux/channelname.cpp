#include "channelname.h"

namespace Bayeux {

namespace {

bool isSegmentChar(QChar c)
{
    const char16_t u = c.unicode();
    if ((u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9')) return true;
    switch (u) {
    case u'-':
    case u'_':
    case u'!':
    case u'~':
    case u'(':
    case u')':
    case u'$':
    case u'@':
    case u'.':
    case u'+':
    case u'#':
    case u'{':
    case u'}':
        return true;
    default:
        return false;
    }
}

} // namespace

ChannelName::ChannelName(QString name, Kind kind, int depth)
    : m_name(std::move(name))
    , m_kind(kind)
    , m_depth(depth)
{ }

std::optional<ChannelName> ChannelName::parse(const QString &name)
{
    if (name.size() < 2 || name.size() > MaxLength || name.front() != u'/') return std::nullopt;

    Kind kind = Kind::Concrete;
    int depth = 0;
    qsizetype start = 1;
    while (start <= name.size()) {
        qsizetype end = name.indexOf(u'/', start);
        if (end < 0) end = name.size();
        const QStringView segment = QStringView(name).sliced(start, end - start);
        if (segment.isEmpty()) return std::nullopt;
        ++depth;
        const bool last = end == name.size();
        if (segment == u"*" || segment == u"**") {
            if (!last) return std::nullopt;
            kind = segment.size() == 1 ? Kind::Wildcard : Kind::DeepWildcard;
        } else {
            for (const QChar c : segment) {
                if (!isSegmentChar(c)) return std::nullopt;
            }
        }
        start = end + 1;
    }
    return ChannelName(name, kind, depth);
}

bool ChannelName::firstSegmentIs(QLatin1StringView segment) const
{
    const QStringView name(m_name);
    return name.sliced(1).startsWith(segment)
        && (name.size() == segment.size() + 1 || name.at(segment.size() + 1) == u'/');
}

bool ChannelName::isMeta() const
{
    return firstSegmentIs(QLatin1StringView("meta"));
}

bool ChannelName::isService() const
{
    return firstSegmentIs(QLatin1StringView("service"));
}

QStringList ChannelName::matchingPatterns() const
{
    QStringList patterns;
    if (isWildcard()) return patterns;
    patterns.reserve(m_depth + 1);
    // Parent of the last segment: "/a/b" for "/a/b/c", "" for "/a".
    qsizetype cut = m_name.lastIndexOf(u'/');
    QStringView parent = QStringView(m_name).first(cut);
    const auto join = [](QStringView prefix, QLatin1StringView tail) {
        QString pattern;
        pattern.reserve(prefix.size() + tail.size());
        pattern.append(prefix);
        pattern.append(tail);
        return pattern;
    };
    patterns.append(join(parent, QLatin1StringView("/*")));
    while (true) {
        patterns.append(join(parent, QLatin1StringView("/**")));
        if (parent.isEmpty()) break;
        cut = parent.lastIndexOf(u'/');
        parent = parent.first(cut);
    }
    return patterns;
}

bool ChannelName::matches(const ChannelName &channel) const
{
    if (channel.isWildcard()) return false;
    switch (m_kind) {
    case Kind::Concrete:
        return m_name == channel.m_name;
    case Kind::Wildcard:
        // "/a/*" has the prefix "/a/" and covers exactly one more segment.
        return channel.m_depth == m_depth && channel.m_name.startsWith(QStringView(m_name).chopped(1));
    case Kind::DeepWildcard:
        return channel.m_depth >= m_depth && channel.m_name.startsWith(QStringView(m_name).chopped(2));
    }
    return false;
}

} // namespace Bayeux
