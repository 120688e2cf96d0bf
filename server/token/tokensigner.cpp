#include "tokensigner.h"

#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

#include <array>
#include <optional>

using namespace Qt::StringLiterals;

namespace {

constexpr QByteArrayView Version = "v1";
constexpr QByteArrayView KeyContext = "cometd-cluster userToken v1";
constexpr qsizetype MacBytes = 32;
constexpr qsizetype MaxTokenChars = 1024;
constexpr auto Base64Options = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

qint64 unixSeconds(std::chrono::system_clock::time_point time)
{
    return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

// Only the canonical encoding is accepted, so a token has exactly one spelling.
std::optional<QByteArray> decode(QByteArrayView text)
{
    auto decoded
        = QByteArray::fromBase64Encoding(text.toByteArray(), Base64Options | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.toBase64(Base64Options) != text) return std::nullopt;
    return std::move(decoded.decoded);
}

bool equalInConstantTime(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size()) return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

} // namespace

TokenSigner::TokenSigner(const QByteArray &secret, std::chrono::seconds ttl, Clock clock)
    : m_key(QMessageAuthenticationCode::hash(KeyContext.toByteArray(), secret, QCryptographicHash::Sha256))
    , m_ttl(ttl)
    , m_clock(std::move(clock))
{
    Q_ASSERT(!secret.isEmpty());
}

TokenSigner::Clock TokenSigner::systemClock()
{
    return [] { return std::chrono::system_clock::now(); };
}

QByteArray TokenSigner::mac(const QByteArray &payload) const
{
    return QMessageAuthenticationCode::hash(payload, m_key, QCryptographicHash::Sha256);
}

QString TokenSigner::issue(const QString &user) const
{
    if (!isValidUser(user)) return {};
    const qint64 expiry = unixSeconds(m_clock() + m_ttl);
    const QByteArray nonce = QByteArray::number(QRandomGenerator::global()->generate64(), 16);
    const QByteArray payload
        = Version.toByteArray() + '\n' + QByteArray::number(expiry) + '\n' + nonce + '\n' + user.toUtf8();
    return QString::fromLatin1(payload.toBase64(Base64Options) + '.' + mac(payload).toBase64(Base64Options));
}

TokenCheck TokenSigner::verify(const QString &user, const QString &token) const
{
    if (token.isEmpty() || token.size() > MaxTokenChars) return TokenCheck::Malformed;
    for (const QChar c : token) {
        if (c.unicode() > 0x7f) return TokenCheck::Malformed;
    }
    const QByteArray text = token.toLatin1();
    const qsizetype dot = text.indexOf('.');
    if (dot <= 0 || text.indexOf('.', dot + 1) >= 0) return TokenCheck::Malformed;
    const std::optional<QByteArray> payload = decode(QByteArrayView(text).first(dot));
    const std::optional<QByteArray> signature = decode(QByteArrayView(text).sliced(dot + 1));
    if (!payload || !signature || signature->size() != MacBytes) return TokenCheck::Malformed;
    if (!equalInConstantTime(mac(*payload), *signature)) return TokenCheck::BadSignature;

    // Signed by a holder of the secret from here on, so the layout is ours; still checked, cheaply.
    std::array<qsizetype, 3> newlines {};
    qsizetype from = 0;
    for (qsizetype &position : newlines) {
        position = payload->indexOf('\n', from);
        if (position < 0) return TokenCheck::Malformed;
        from = position + 1;
    }
    const QByteArrayView view(*payload);
    if (view.first(newlines[0]) != Version) return TokenCheck::Malformed;
    bool ok = false;
    const qint64 expiry = view.sliced(newlines[0] + 1, newlines[1] - newlines[0] - 1).toLongLong(&ok);
    if (!ok) return TokenCheck::Malformed;
    if (!isValidUser(user) || view.sliced(newlines[2] + 1) != user.toUtf8()) return TokenCheck::WrongUser;
    if (unixSeconds(m_clock()) >= expiry) return TokenCheck::Expired;
    return TokenCheck::Valid;
}

bool TokenSigner::isValidUser(QStringView user)
{
    if (user.isEmpty() || !user.isValidUtf16()) return false;
    for (const QChar c : user) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f) return false;
    }
    return user.toUtf8().size() <= MaxUserBytes;
}

QByteArray TokenSigner::generateSecret()
{
    std::array<quint32, 8> words {};
    QRandomGenerator::system()->fillRange(words.data(), qsizetype(words.size()));
    return QByteArray(reinterpret_cast<const char *>(words.data()), qsizetype(sizeof(words))).toHex();
}

QString tokenCheckName(TokenCheck check)
{
    switch (check) {
    case TokenCheck::Valid:
        return u"valid"_s;
    case TokenCheck::Malformed:
        return u"malformed"_s;
    case TokenCheck::BadSignature:
        return u"bad signature"_s;
    case TokenCheck::Expired:
        return u"expired"_s;
    case TokenCheck::WrongUser:
        return u"wrong user"_s;
    }
    return {};
}
