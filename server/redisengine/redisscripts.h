#pragma once

#include "redisscript.h"

namespace RedisEngine {

// The cluster's Lua scripts (scripts/*.lua, built into the binary), each with the shared prelude in
// front. Every script takes the key prefix as ARGV[1].
struct Scripts
{
    Redis::Script place;
    Redis::Script release;
    Redis::Script report;
    Redis::Script expire;
    Redis::Script drain;
    Redis::Script configure;
    Redis::Script deliver;
    Redis::Script broadcast;
    Redis::Script nodes;
    Redis::Script channels;

    static const Scripts &instance();
};

} // namespace RedisEngine
