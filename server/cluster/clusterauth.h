#pragma once

#include "httptypes.h"
#include "logthrottle.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QPair>
#include <QSet>
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

// Why a signed request between the cluster's processes got no usable answer, in an operator's
// words: "refused: bad signature (401)" (most often secrets that differ), "no answer: Connection
// refused". `status` 0: no HTTP answer, `networkError` says why; 200: an answer we could not read.
QString describeFailedAnswer(int status, const QString &networkError);
// The signature, the timestamp window and the nonce's form; not whether the nonce was seen before.
bool isAuthenticClusterRequest(const Http::Request &request, QByteArrayView secret);

// The nonces of the signed requests accepted within the clock-skew window: a request whose nonce is
// here is a replay. A nonce is forgotten once its request would be refused for its age anyway: by
// the receiver's wall clock (sentAt more than the window ago) and, so that a wall clock stepping
// forward cannot cut it short, by its monotonic clock (twice the window after arrival: its timestamp
// may have been up to one window ahead). A wall clock stepping back keeps nonces longer, never
// shorter. Memory is bounded by the signed request rate times that; past MaxEntries (a rate no
// cluster of ours reaches) requests are refused rather than let a replay through.
class NonceCache final
{
public:
    static constexpr qint64 KeepMs = 2 * MaxClockSkewMs;
    static constexpr qsizetype MaxEntries = 2'000'000;

    // False for a nonce still remembered (or a full cache); otherwise remembers it. `monotonicMs`
    // and `wallMs` are the receiver's clocks now, `sentAtMs` the request's timestamp.
    bool accept(const QByteArray &nonce, qint64 monotonicMs, qint64 wallMs, qint64 sentAtMs);
    qsizetype size() const { return m_seen.size(); }

private:
    struct Entry
    {
        qint64 keepUntil = 0; // monotonic
        qint64 sentAt = 0; // wall clock
        QByteArray nonce;
    };
    QSet<QByteArray> m_seen;
    std::deque<Entry> m_order; // arrival order, so keepUntil ascending
};

// Both checks for one receiving endpoint: authentic and not seen before. Unsigned requests (no
// secret configured) are loopback-only and not replay-checked.
class SignedRequestGuard final
{
public:
    explicit SignedRequestGuard(QByteArray secret);

    enum class Verdict { Accepted, BadSignature, Replayed };
    Verdict check(const Http::Request &request);
    // check(), with a refusal logged (a few lines per interval under a flood) as "refused `what`
    // ...". false: answer 401.
    bool accept(const Http::Request &request, QLatin1StringView what);

private:
    QByteArray m_secret;
    LogThrottle m_refusalLog;
    QElapsedTimer m_clock;
    NonceCache m_nonces;
};

} // namespace Cluster
