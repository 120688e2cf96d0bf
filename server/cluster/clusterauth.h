#pragma once

#include "httptypes.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>

#include <deque>

namespace Cluster {

// A signed request older or newer than this (by the sender's wall clock against the receiver's) is
// refused: a captured one cannot be replayed later. Within it, NonceCache refuses it a second time.
inline constexpr qint64 MaxClockSkewMs = 30000;

// Requests between cluster processes (reports, batched deliveries) carry a timestamp, a random nonce
// and an HMAC of them and the body with the cluster secret (Wire::Report headers). Without a secret
// they go unsigned and are taken from loopback callers only.
QList<QPair<QByteArray, QByteArray>> signatureHeaders(QByteArrayView secret, QByteArrayView body);
// The signature, the timestamp window and the nonce's form; not whether the nonce was seen before.
bool isAuthenticClusterRequest(const Http::Request &request, QByteArrayView secret);

// The nonces of the signed requests accepted within the clock-skew window: a request whose nonce is
// here is a replay. A nonce is kept for twice the window after it arrived (its timestamp may have
// been up to one window ahead), on the receiver's monotonic clock, so memory is bounded by the
// signed request rate times that; past MaxEntries (a rate no cluster of ours reaches) requests are
// refused rather than let a replay through.
class NonceCache final
{
public:
    static constexpr qint64 KeepMs = 2 * MaxClockSkewMs;
    static constexpr qsizetype MaxEntries = 2'000'000;

    // False for a nonce seen in the last KeepMs (or a full cache); otherwise remembers it.
    bool accept(const QByteArray &nonce, qint64 nowMs);
    qsizetype size() const { return m_seen.size(); }

private:
    QHash<QByteArray, qint64> m_seen; // nonce -> when it may be forgotten
    std::deque<std::pair<qint64, QByteArray>> m_order; // the same, oldest first
};

// Both checks for one receiving endpoint: authentic and not seen before. Unsigned requests (no
// secret configured) are loopback-only and not replay-checked.
class SignedRequestGuard final
{
public:
    explicit SignedRequestGuard(QByteArray secret);

    enum class Verdict { Accepted, BadSignature, Replayed };
    Verdict check(const Http::Request &request);

private:
    QByteArray m_secret;
    QElapsedTimer m_clock;
    NonceCache m_nonces;
};

} // namespace Cluster
