#include "credentials.h"

namespace Rest {

Credentials::Credentials(QByteArray key)
    : m_key(std::move(key))
{ }

bool Credentials::allows(const Http::Request &request) const
{
    if (m_key.isEmpty()) return request.isLoopbackPeer();
    const QByteArray auth = request.header("Authorization");
    static constexpr QByteArrayView prefix = "Bearer ";
    if (!auth.startsWith(prefix)) return false;
    return constantTimeEquals(QByteArrayView(auth).sliced(prefix.size()).trimmed(), m_key);
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
