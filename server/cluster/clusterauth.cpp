#include "clusterauth.h"

#include "credentials.h"
#include "reportcodec.h"
#include "wire.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QRandomGenerator>

#include <algorithm>
#include <array>
#include <cstdlib>

Q_DECLARE_LOGGING_CATEGORY(lcCluster)

using namespace Qt::StringLiterals;

namespace Cluster {

namespace {

constexpr qsizetype NonceBytes = 16;

QByteArray newNonce()
{
    std::array<quint32, NonceBytes / sizeof(quint32)> words {};
    QRandomGenerator::system()->fillRange(words.data(), qsizetype(words.size()));
    return QByteArray(reinterpret_cast<const char *>(words.data()), NonceBytes).toHex();
}

bool isNonceForm(QByteArrayView nonce)
{
    return nonce.size() == 2 * NonceBytes
        && std::ranges::all_of(nonce, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

} // namespace

QList<QPair<QByteArray, QByteArray>> signatureHeaders(QByteArrayView secret, QByteArrayView body)
{
    if (secret.isEmpty()) return {};
    const QByteArray timestamp = QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    const QByteArray nonce = newNonce();
    return { { Wire::Report::TimestampHeader.toByteArray(), timestamp },
        { Wire::Report::NonceHeader.toByteArray(), nonce },
        { Wire::Report::SignatureHeader.toByteArray(), reportSignature(secret, timestamp, nonce, body) } };
}

bool isAuthenticClusterRequest(const Http::Request &request, QByteArrayView secret)
{
    if (secret.isEmpty()) return request.isLoopbackPeer();
    const QByteArray timestamp = request.header(Wire::Report::TimestampHeader);
    const QByteArray nonce = request.header(Wire::Report::NonceHeader);
    bool ok = false;
    const qint64 sentAt = timestamp.toLongLong(&ok);
    if (!ok || std::abs(QDateTime::currentMSecsSinceEpoch() - sentAt) > MaxClockSkewMs || !isNonceForm(nonce))
        return false;
    return Rest::constantTimeEquals(
        request.header(Wire::Report::SignatureHeader), reportSignature(secret, timestamp, nonce, request.body));
}

bool NonceCache::accept(const QByteArray &nonce, qint64 monotonicMs, qint64 wallMs, qint64 sentAtMs)
{
    while (!m_order.empty() && m_order.front().keepUntil <= monotonicMs
        && wallMs - m_order.front().sentAt > MaxClockSkewMs) {
        m_seen.remove(m_order.front().nonce);
        m_order.pop_front();
    }
    if (m_seen.contains(nonce) || m_seen.size() >= MaxEntries) return false;
    m_seen.insert(nonce);
    m_order.push_back({ monotonicMs + KeepMs, sentAtMs, nonce });
    return true;
}

SignedRequestGuard::SignedRequestGuard(QByteArray secret)
    : m_secret(std::move(secret))
{
    m_clock.start();
}

SignedRequestGuard::Verdict SignedRequestGuard::check(const Http::Request &request)
{
    if (!isAuthenticClusterRequest(request, m_secret)) return Verdict::BadSignature;
    if (m_secret.isEmpty()) return Verdict::Accepted;
    const qint64 sentAt = request.header(Wire::Report::TimestampHeader).toLongLong(); // checked above
    if (!m_nonces.accept(
            request.header(Wire::Report::NonceHeader), m_clock.elapsed(), QDateTime::currentMSecsSinceEpoch(), sentAt))
        return Verdict::Replayed;
    return Verdict::Accepted;
}

bool SignedRequestGuard::accept(const Http::Request &request, QLatin1StringView what)
{
    const Verdict verdict = check(request);
    if (verdict == Verdict::Accepted) return true;
    if (const LogThrottle::Admission admitted = m_refusalLog.admit()) {
        if (admitted.suppressed > 0)
            qCWarning(lcCluster).noquote() << admitted.suppressed << "more refusals were not logged";
        qCWarning(lcCluster).noquote() << "refused" << what << "from" << request.peer.toString() << ":"
                                       << (verdict == Verdict::Replayed ? "replayed" : "bad signature (401)");
    }
    return false;
}

QString describeFailedAnswer(int status, const QString &networkError)
{
    const auto refused
        = [status](const char *why) { return u"refused: %1 (%2)"_s.arg(QLatin1StringView(why)).arg(status); };
    switch (status) {
    case 0:
        return u"no answer: "_s + (networkError.isEmpty() ? u"connection lost"_s : networkError);
    case 200:
        return u"an answer that could not be read (200)"_s;
    case 400:
        return refused("malformed request");
    case 401:
        return refused("bad signature, or a replay; are the secrets the same?");
    case 404:
        return refused("unknown node or path");
    case 413:
        return refused("too large");
    case 503:
        return refused("unavailable");
    default:
        return status >= 500 ? u"failed: server error (%1)"_s.arg(status) : refused("HTTP error");
    }
}

} // namespace Cluster
