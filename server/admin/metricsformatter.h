#pragma once

#include <QByteArray>
#include <QLatin1StringView>
#include <QList>
#include <QPair>
#include <QString>

// Builds a Prometheus text exposition (format 0.0.4): one HELP and TYPE line per metric family, then
// its samples, whatever order they were added in.
class MetricsFormatter final
{
public:
    enum class Type { Gauge, Counter };
    using Labels = QList<QPair<QString, QString>>;

    void add(QLatin1StringView name, Type type, QLatin1StringView help, double value, const Labels &labels = {});
    void gauge(QLatin1StringView name, QLatin1StringView help, double value, const Labels &labels = {})
    {
        add(name, Type::Gauge, help, value, labels);
    }
    void counter(QLatin1StringView name, QLatin1StringView help, double value, const Labels &labels = {})
    {
        add(name, Type::Counter, help, value, labels);
    }

    QByteArray text() const;

    static QByteArray escapeLabelValue(const QString &value);
    static QByteArray formatValue(double value);

private:
    struct Family
    {
        QLatin1StringView name;
        Type type;
        QLatin1StringView help;
        QList<QByteArray> samples;
    };
    QList<Family> m_families;
};
