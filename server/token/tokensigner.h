#pragma once

#include <QByteArray>
#include <QString>

#include <chrono>
#include <functional>

enum class TokenCheck { Valid, Malformed, BadSignature, Expired, WrongUser };

// Issues and checks the eXo userToken: HMAC-SHA256 signed, expiring, naming its user, so that any
// process holding the cluster secret verifies it without shared state.
// Token = base64url(payload) "." base64url(mac), payload = "v1\n<expiry unix s>\n<nonce>\n<user UTF-8>".
class TokenSigner final
{
public:
    using Clock = std::function<std::chrono::system_clock::time_point()>;

    static constexpr qsizetype MaxUserBytes = 256;

    // secret must not be empty; it is only kept as a derived key.
    explicit TokenSigner(const QByteArray &secret, std::chrono::seconds ttl, Clock clock = systemClock());

    // A token for user valid for ttl from now; empty when !isValidUser(user).
    QString issue(const QString &user) const;
    TokenCheck verify(const QString &user, const QString &token) const;

    std::chrono::seconds ttl() const { return m_ttl; }

    // The names SPEC §2 accepts: non-empty, at most 256 bytes of UTF-8, no C0 control character or
    // DEL, and no lone surrogate (which would not survive UTF-8).
    static bool isValidUser(QStringView user);
    // 32 bytes from the system's secure generator, hex-encoded (64 characters).
    static QByteArray generateSecret();
    static Clock systemClock();

private:
    QByteArray mac(const QByteArray &payload) const;

    QByteArray m_key;
    std::chrono::seconds m_ttl;
    Clock m_clock;
};

QString tokenCheckName(TokenCheck check);
