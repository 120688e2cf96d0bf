#include "metricsformatter.h"

#include <cmath>

void MetricsFormatter::add(
    QLatin1StringView name, Type type, QLatin1StringView help, double value, const Labels &labels)
{
    auto it = std::find_if(m_families.begin(), m_families.end(), [&](const Family &f) { return f.name == name; });
    if (it == m_families.end()) {
        m_families.append(Family { name, type, help, {} });
        it = std::prev(m_families.end());
    }
    QByteArray sample = QByteArray(name.data(), name.size());
    if (!labels.isEmpty()) {
        sample += '{';
        for (qsizetype i = 0; i < labels.size(); ++i) {
            if (i) sample += ',';
            sample += labels.at(i).first.toUtf8() + "=\"" + escapeLabelValue(labels.at(i).second) + '"';
        }
        sample += '}';
    }
    sample += ' ' + formatValue(value);
    it->samples.append(sample);
}

QByteArray MetricsFormatter::text() const
{
    QByteArray out;
    for (const Family &f : m_families) {
        const QByteArray name(f.name.data(), f.name.size());
        out += "# HELP " + name + ' ' + QByteArray(f.help.data(), f.help.size()) + '\n';
        out += "# TYPE " + name + (f.type == Type::Counter ? " counter\n" : " gauge\n");
        for (const QByteArray &s : f.samples)
            out += s + '\n';
    }
    return out;
}

QByteArray MetricsFormatter::escapeLabelValue(const QString &value)
{
    QByteArray out;
    for (const char c : value.toUtf8()) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray MetricsFormatter::formatValue(double value)
{
    if (std::isnan(value)) return QByteArrayLiteral("NaN");
    if (std::isinf(value)) return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    // Integral counts (all of ours) print without an exponent up to 2^53.
    if (value == std::floor(value) && std::abs(value) < 9007199254740992.0) return QByteArray::number(qint64(value));
    return QByteArray::number(value, 'g', 17);
}
