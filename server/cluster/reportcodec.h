#pragma once

#include "clustertypes.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <variant>

namespace Cluster {

// The JSON form of a node's report (Wire::Report) and its signature with the cluster secret.
QByteArray encodeReport(const Balancer::NodeReport &report);

// Every report body a node sends stays within this, whatever the node holds: a node with many users
// or long channel names pages its full list and splits its changes (NodeReporter), so that a report
// never meets the balancer's request size limit and a heartbeat always stays cheap.
inline constexpr qsizetype MaxReportBytes = qsizetype(32) * 1024;

// Upper bounds of what encodeReport() writes, cheap enough to run on every entry: the report with
// no users and no channels, and what one more entry adds to it (its comma included).
qsizetype encodedSizeBound(const Balancer::NodeReport &reportWithoutEntries);
qsizetype encodedSizeBound(const Balancer::UserPresence &user);
qsizetype encodedSizeBound(const Balancer::ChannelPresence &channel);

struct ReportError
{
    QString message;
};
std::variant<Balancer::NodeReport, ReportError> decodeReport(const QByteArray &body);

QByteArray encodeReportAnswer(bool wantFullList);
// nullopt: not the answer's shape.
std::optional<bool> decodeReportAnswer(const QByteArray &body);

// hex(HMAC-SHA256(secret, timestamp "\n" nonce "\n" body)): binding the timestamp stops an old
// request being replayed outside the accepted clock skew, binding the nonce lets the receiver refuse
// the same request twice within it.
QByteArray reportSignature(QByteArrayView secret, QByteArrayView timestamp, QByteArrayView nonce, QByteArrayView body);

} // namespace Cluster
