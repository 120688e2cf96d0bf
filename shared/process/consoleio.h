#pragma once

#include <QString>
#include <QStringList>

#include <cstdio>

// What every program's main() does before and after its application object: read its arguments
// (needed before one exists, to choose the event dispatcher) and print whole lines at once.
namespace ConsoleIo {

inline QStringList arguments(int argc, char **argv)
{
    QStringList list;
    list.reserve(argc);
    for (int i = 0; i < argc; ++i)
        list.append(QString::fromLocal8Bit(argv[i]));
    return list;
}

// UTF-8, flushed: a supervisor or a pipe sees the line as soon as it is said.
inline void printLine(FILE *stream, const QString &line)
{
    std::fprintf(stream, "%s\n", line.toUtf8().constData());
    std::fflush(stream);
}

} // namespace ConsoleIo
