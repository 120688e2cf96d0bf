#include "credentials.h"

namespace Rest {

Credentials::Credentials(QByteArray key)
    : m_key(std::move(key))
{ }

bool Credentials::allows(const Http::Request &request) const
{
    if (m_key.isEmpty()) return request.isLoopbackPeer();
    const QByteArray auth = request.header("Authorization");
    const auto token = bearerToken(auth);
    return token && constantTimeEquals(*token, m_key);
}

std::optional<QByteArrayView> bearerToken(QByteArrayView authorization)
{
    // RFC 7235 §2.1: credentials = auth-scheme [ 1*SP token68 ], and the scheme is case-insensitive
    // (curl, Go and some proxies send "bearer").
    static constexpr QByteArrayView scheme = "Bearer";
    if (authorization.size() <= scheme.size()) return std::nullopt;
    if (authorization.first(scheme.size()).compare(scheme, Qt::CaseInsensitive) != 0) return std::nullopt;
    QByteArrayView rest = authorization.sliced(scheme.size());
    if (!rest.startsWith(' ')) return std::nullopt; // "Bearerx" is another scheme
    while (rest.startsWith(' '))
        rest = rest.sliced(1);
    rest = rest.trimmed();
    if (rest.isEmpty()) return std::nullopt;
    return rest;
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const qsizetype n = std::min(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

Http::Response unauthorized()
{
    Http::Response r = Http::Response::error(401, QStringLiteral("missing or wrong credentials"));
    r.headers.append({ QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer") });
    return r;
}

} // namespace Rest
