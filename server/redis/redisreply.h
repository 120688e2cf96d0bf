#pragma once

#include <QByteArray>
#include <QList>

class QDebug;

namespace Redis {

// One reply of Redis (RESP2), copied out of hiredis' reply object before its callback returns, so
// that it can be kept and passed around freely.
struct Reply
{
    enum class Type { Nil, Status, Error, Integer, String, Array };

    Type type = Type::Nil;
    QByteArray text; // Status, Error and String
    qint64 integer = 0; // Integer
    QList<Reply> elements; // Array

    bool isNil() const { return type == Type::Nil; }
    bool isError() const { return type == Type::Error; }
    bool isArray() const { return type == Type::Array; }
    bool isString() const { return type == Type::String; }
    bool isInteger() const { return type == Type::Integer; }
    // The "+OK" of SET, SELECT, AUTH and their kind.
    bool isOk() const { return type == Type::Status && text == "OK"; }

    // An error that did not come from Redis: the command never got an answer (the connection was
    // down or went down). Its text starts with "DOWN", which no Redis error does.
    static Reply error(const QByteArray &message);

    // One line for logs and test failures: (nil), +OK, -ERR ..., (integer) 3, "text", [..., ...].
    QByteArray toDebugText() const;

    friend bool operator==(const Reply &, const Reply &) = default;
};

QDebug operator<<(QDebug debug, const Reply &reply);

} // namespace Redis
