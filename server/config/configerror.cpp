#include "configerror.h"

using namespace Qt::StringLiterals;

QString ConfigError::toString() const
{
    QString line;
    if (!file.isEmpty()) line += file + u": "_s;
    if (!key.isEmpty()) line += key + u": "_s;
    line += problem;
    // One line on stderr, whatever a file name or a value contained.
    line.replace(u'\n', u' ').replace(u'\r', u' ');
    return line;
}
