#include "router.h"

namespace Http {

namespace {
const QString kParam = QStringLiteral("{}");
}

QList<QString> Router::splitPattern(QStringView pattern)
{
    QList<QString> out;
    for (QStringView s : pattern.split(u'/', Qt::SkipEmptyParts))
        out.append(s.toString());
    return out;
}

void Router::add(QList<Method> methods, QStringView pattern, Handler handler, Access access)
{
    m_routes.append(Route { std::move(methods), splitPattern(pattern), std::move(handler), access });
}

bool Router::segmentsMatch(const Route &route, const QList<QString> &segments, Params *params)
{
    if (route.pattern.size() != segments.size()) return false;
    Params found;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QString &p = route.pattern.at(i);
        if (p == kParam)
            found.append(segments.at(i));
        else if (p != segments.at(i))
            return false;
    }
    if (params) *params = std::move(found);
    return true;
}

std::variant<Router::Match, Router::NoMatch> Router::match(Method method, const QList<QString> &segments) const
{
    NoMatch miss;
    const Route *best = nullptr;
    Params bestParams;
    qsizetype bestParamCount = 0;
    for (const Route &route : m_routes) {
        Params params;
        if (!segmentsMatch(route, segments, &params)) continue;
        miss.status = 405;
        miss.open = miss.open || route.access == Access::Open;
        for (Method m : route.methods) {
            if (!miss.allowed.contains(m)) miss.allowed.append(m);
        }
        const bool methodOk
            = route.methods.contains(method) || (method == Method::Head && route.methods.contains(Method::Get));
        if (!methodOk) continue;
        // fewer parameters = more literal = more specific
        if (!best || params.size() < bestParamCount) {
            best = &route;
            bestParamCount = params.size();
            bestParams = std::move(params);
        }
    }
    if (best) return Match { best, std::move(bestParams) };
    return miss;
}

QByteArray methodName(Method method)
{
    switch (method) {
    case Method::Get:
        return QByteArrayLiteral("GET");
    case Method::Head:
        return QByteArrayLiteral("HEAD");
    case Method::Post:
        return QByteArrayLiteral("POST");
    case Method::Put:
        return QByteArrayLiteral("PUT");
    case Method::Delete:
        return QByteArrayLiteral("DELETE");
    case Method::Options:
        return QByteArrayLiteral("OPTIONS");
    case Method::Patch:
        return QByteArrayLiteral("PATCH");
    case Method::Other:
        break;
    }
    return QByteArrayLiteral("OTHER");
}

} // namespace Http
