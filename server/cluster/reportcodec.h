#pragma once

#include "clustertypes.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <variant>

namespace Cluster {

// The JSON form of a node's report (Wire::Report) and its signature with the cluster secret.
QByteArray encodeReport(const Balancer::NodeReport &report);

struct ReportError
{
    QString message;
};
std::variant<Balancer::NodeReport, ReportError> decodeReport(const QByteArray &body);

QByteArray encodeReportAnswer(bool wantFullList);
// nullopt: not the answer's shape.
std::optional<bool> decodeReportAnswer(const QByteArray &body);

// hex(HMAC-SHA256(secret, timestamp "\n" body)): binding the timestamp stops an old report being
// replayed outside the accepted clock skew.
QByteArray reportSignature(QByteArrayView secret, QByteArrayView timestamp, QByteArrayView body);

} // namespace Cluster
