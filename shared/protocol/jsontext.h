#pragma once

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <QString>

// Any JSON value (a string, a number, a literal, not only an object or array) as compact JSON text,
// for a log line, a report or a table cell: QJsonDocument holds only objects and arrays, so the
// value goes in a one-element array whose brackets are then cut off.
namespace JsonText {

inline QString compact(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

} // namespace JsonText
