#pragma once

#include "httptypes.h"

#include <QList>
#include <QString>

#include <functional>
#include <variant>

namespace Http {

class Responder;

// Maps (method, path) to a handler. Patterns are segment lists where "{}" takes one segment (which
// may be empty); every route answers with and without a trailing slash (SPEC §2). No regex, no
// registration order surprises: the most specific literal match wins.
class Router final
{
public:
    using Params = QList<QString>;
    using Handler = std::function<void(Request &&, Responder &&, const Params &)>;
    enum class Access { Open, Protected }; // Open routes get CORS headers and preflight

    struct Route
    {
        QList<Method> methods;
        QList<QString> pattern;
        Handler handler;
        Access access = Access::Open;
    };
    struct Match
    {
        const Route *route = nullptr;
        Params params;
    };
    struct NoMatch
    {
        int status = 404; // 404 unknown path, 405 known path with another method
        QList<Method> allowed; // for 405 and OPTIONS
        bool open = false; // some route at this path is Open
    };

    void add(QList<Method> methods, QStringView pattern, Handler handler, Access access = Access::Open);

    std::variant<Match, NoMatch> match(Method method, const QList<QString> &segments) const;

    static QList<QString> splitPattern(QStringView pattern);

private:
    static bool segmentsMatch(const Route &route, const QList<QString> &segments, Params *params);
    QList<Route> m_routes;
};

QByteArray methodName(Method method);

} // namespace Http
