#pragma once

#include "httptypes.h"

#include <QByteArray>

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

// Compares in time independent of where the inputs differ.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

Http::Response unauthorized();

} // namespace Rest
