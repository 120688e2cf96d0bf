#pragma once

#include "redisconnection.h"
#include "redisscript.h"

#include <QTest>

#include <optional>

// Runs one script or command and waits for its reply in the test's event loop (QTRY, no sleeps).
inline Redis::Reply callScript(Redis::Connection &redis, const Redis::Script &script, const QList<QByteArray> &args)
{
    std::optional<Redis::Reply> reply;
    script.run(redis, {}, args, [&reply](const Redis::Reply &r) { reply = r; });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(reply.has_value(), 10000); }();
    return reply.value_or(Redis::Reply::error("DOWN no reply"));
}

inline Redis::Reply callCommand(Redis::Connection &redis, const QList<QByteArray> &args)
{
    std::optional<Redis::Reply> reply;
    redis.command(args, [&reply](const Redis::Reply &r) { reply = r; });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(reply.has_value(), 10000); }();
    return reply.value_or(Redis::Reply::error("DOWN no reply"));
}
