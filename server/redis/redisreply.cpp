#include "redisreply.h"

#include <QDebug>

namespace Redis {

Reply Reply::error(const QByteArray &message)
{
    Reply reply;
    reply.type = Type::Error;
    reply.text = message;
    return reply;
}

QByteArray Reply::toDebugText() const
{
    switch (type) {
    case Type::Nil:
        return QByteArrayLiteral("(nil)");
    case Type::Status:
        return '+' + text;
    case Type::Error:
        return '-' + text;
    case Type::Integer:
        return "(integer) " + QByteArray::number(integer);
    case Type::String:
        return '"' + text + '"';
    case Type::Array: {
        QByteArrayList parts;
        parts.reserve(elements.size());
        for (const Reply &element : elements)
            parts.append(element.toDebugText());
        return '[' + parts.join(", ") + ']';
    }
    }
    return {};
}

QDebug operator<<(QDebug debug, const Reply &reply)
{
    QDebugStateSaver saver(debug);
    debug.noquote().nospace() << "Redis::Reply(" << reply.toDebugText() << ')';
    return debug;
}

} // namespace Redis
