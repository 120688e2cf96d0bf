#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QList>
#include <QLoggingCategory>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

// Helpers shared by the libFuzzer targets: the input as Qt bytes, a split into steps, and a check
// that aborts (so libFuzzer records the input) with a message naming the broken property.
namespace Fuzz {

inline QByteArray bytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

// Steps of a multi-step input are separated by a line "--", which a person can write in a seed and
// the dictionaries offer to the mutator.
inline QList<QByteArray> steps(const QByteArray &input, qsizetype maxSteps = 32)
{
    static constexpr QByteArrayView separator("\n--\n");
    QList<QByteArray> out;
    qsizetype from = 0;
    while (out.size() < maxSteps - 1) {
        const qsizetype at = input.indexOf(separator, from);
        if (at < 0) break;
        out.append(input.sliced(from, at - from));
        from = at + separator.size();
    }
    out.append(input.sliced(from));
    return out;
}

[[noreturn]] inline void fail(const char *property)
{
    std::fprintf(stderr, "fuzz property broken: %s\n", property);
    std::abort();
}

inline void check(bool ok, const char *property)
{
    if (!ok) fail(property);
}

// Targets that run QObjects (timers) need an application; logging off keeps the runs fast.
inline void initApplication()
{
    static int argc = 1;
    static char name[] = "fuzz";
    static char *argv[] = { name, nullptr };
    static QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("*=false"));
}

} // namespace Fuzz
