#pragma once

#include "httptypes.h"

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace Rest {

// Who may call a protected REST endpoint (SPEC §2): with a key configured, the bearer of that key;
// with none, loopback callers only.
class Credentials final
{
public:
    explicit Credentials(QByteArray key);
    bool allows(const Http::Request &request) const;
    bool hasKey() const { return !m_key.isEmpty(); }

private:
    QByteArray m_key;
};

// The token of an "Authorization: Bearer <token>" header value: the scheme in any case, then one or
// more spaces. nullopt for another scheme or no token.
std::optional<QByteArrayView> bearerToken(QByteArrayView authorization);

// Compares in time independent of where the inputs differ.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

Http::Response unauthorized();

} // namespace Rest
