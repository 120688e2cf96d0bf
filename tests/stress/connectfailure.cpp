#include "connectfailure.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

ConnectFailure ConnectFailure::classify(const QString &error, bool gaveUp)
{
    static const QRegularExpression balancerStatus(u"^cometdurl answered HTTP (\\d+)"_s);
    static const QRegularExpression balancerRefused(u"^cometdurl refused user \\S+: HTTP (\\d+)"_s);
    static const QRegularExpression tokenRefused(u"^gettoken refused user \\S+: HTTP (\\d+)"_s);
    if (const auto m = balancerStatus.match(error); m.hasMatch()) {
        if (m.captured(1) == u"503") return { u"the balancer has no room for them (503)"_s, true };
        return { u"the balancer answered %1"_s.arg(m.captured(1)), gaveUp };
    }
    if (const auto m = balancerRefused.match(error); m.hasMatch())
        return { u"the balancer refused them (%1)"_s.arg(m.captured(1)), true };
    if (const auto m = tokenRefused.match(error); m.hasMatch())
        return { u"the node refused them a token (%1)"_s.arg(m.captured(1)), true };
    if (error.startsWith(u"handshake refused: "_s)) {
        QString refusal = error.mid(19);
        if (refusal.endsWith(u"; trying again"_s)) refusal.chop(14);
        return { u"the node refused the handshake (%1)"_s.arg(refusal), gaveUp };
    }
    if (error == u"the balancer is unreachable"_s) return { u"the balancer did not answer"_s, gaveUp };
    if (error.isEmpty()) return { u"no answer in time"_s, gaveUp };
    return { error, gaveUp };
}
