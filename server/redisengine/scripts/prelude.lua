-- Shared by every script (prepended when the process loads them). ARGV[1] is the key prefix, so
-- that several clusters can share one Redis. Times are Redis' own clock (TIME), so every balancer
-- and node judges liveness and reservations on the same clock.
--
-- Keys (P = prefix):
--   P:nodes        HASH  node id -> JSON node record
--   P:slots:<id>   SET   users holding a slot on the node (a reservation or live sessions)
--   P:users        HASH  user -> JSON user record {p = {{node, sessions, transport, since}, ...}, r, ru, rev}
--   P:resv         ZSET  user -> reservation deadline (ms)
--   P:ch:<id>      HASH  channel -> "subscribers messages" on the node
--   P:fl:<id>, P:flc:<id>  SETs: users and channels listed by the node's full list under way
--   P:rev, P:joinseq       counters
-- Channels: P:events (user and node changes), P:node:<id> and P:broadcast (deliveries).
local P = ARGV[1]
local K_NODES = P .. ':nodes'
local K_USERS = P .. ':users'
local K_RESV = P .. ':resv'
local K_EVENTS = P .. ':events'
local function slotsKey(id) return P .. ':slots:' .. id end
local function channelsKey(id) return P .. ':ch:' .. id end
local function listedUsersKey(id) return P .. ':fl:' .. id end
local function listedChannelsKey(id) return P .. ':flc:' .. id end

local function nowMs()
    local t = redis.call('TIME')
    return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function warn(text)
    redis.log(redis.LOG_WARNING, 'cometd (' .. P .. '): ' .. text)
end

-- A key of ours holding another type is garbage (a typo, another program): dropped, so that the
-- cluster rewrites it, instead of failing every call that touches it.
local function ensureType(key, wanted)
    local actual = redis.call('TYPE', key)['ok']
    if actual ~= 'none' and actual ~= wanted then
        warn(key .. ' is a ' .. actual .. ', not a ' .. wanted .. '; dropped')
        redis.call('DEL', key)
    end
end

local function decodeRecord(text, what)
    if not text then return nil end
    local ok, value = pcall(cjson.decode, text)
    if ok and type(value) == 'table' then return value end
    warn('skipped a malformed ' .. what)
    return nil
end

local function getNode(id)
    local n = decodeRecord(redis.call('HGET', K_NODES, id), 'node record')
    if n and type(n.id) == 'string' then return n end
    return nil
end

local function putNode(n)
    redis.call('HSET', K_NODES, n.id, cjson.encode(n))
end

local function allNodes()
    local list = {}
    local raw = redis.call('HVALS', K_NODES)
    for i = 1, #raw do
        local n = decodeRecord(raw[i], 'node record')
        if n and type(n.id) == 'string' then list[#list + 1] = n end
    end
    table.sort(list, function(a, b)
        if a.order ~= b.order then return (a.order or 0) < (b.order or 0) end
        return a.id < b.id
    end)
    return list
end

-- Alive: reported within the timeout and not marked down since.
local function isAlive(n, now, timeout)
    return n ~= nil and n.alive == true and type(n.seen) == 'number' and now - n.seen < timeout
end

local function publishNode(id)
    redis.call('PUBLISH', K_EVENTS, cjson.encode({ k = 'n', id = id }))
end

local function getUser(user)
    local r = decodeRecord(redis.call('HGET', K_USERS, user), 'user record')
    if not r then return nil end
    if type(r.p) ~= 'table' then r.p = {} end
    return r
end

-- Nodes where the user holds a slot: nodes with its live sessions (oldest first), then its reservation.
local function slotNodes(r)
    local nodes, seen = {}, {}
    if not r then return nodes end
    for _, p in ipairs(r.p) do
        if not seen[p[1]] then
            nodes[#nodes + 1] = p[1]
            seen[p[1]] = true
        end
    end
    if type(r.r) == 'string' and not seen[r.r] then nodes[#nodes + 1] = r.r end
    return nodes
end

local function contains(list, value)
    for _, v in ipairs(list) do
        if v == value then return true end
    end
    return false
end

-- Writes the user's record after a change, keeping the slot sets and the reservation index in step,
-- and tells every balancer (P:events). `before`: its slot nodes before the change.
local function putUser(user, r, before)
    local after = slotNodes(r)
    for _, id in ipairs(before) do
        if not contains(after, id) then redis.call('SREM', slotsKey(id), user) end
    end
    for _, id in ipairs(after) do
        if not contains(before, id) then redis.call('SADD', slotsKey(id), user) end
    end
    local rev = redis.call('INCR', P .. ':rev')
    if #after == 0 then
        redis.call('ZREM', K_RESV, user)
        if redis.call('HDEL', K_USERS, user) == 1 then
            redis.call('PUBLISH', K_EVENTS, cjson.encode({ k = 'u', u = user, rev = rev }))
        end
        return
    end
    r.rev = rev
    if type(r.r) == 'string' then
        redis.call('ZADD', K_RESV, r.ru, user)
    else
        r.r = nil
        r.ru = nil
        redis.call('ZREM', K_RESV, user)
    end
    local text
    if #r.p == 0 then
        local p = r.p
        r.p = nil -- cjson writes an empty table as {}
        text = cjson.encode(r)
        r.p = p
    else
        text = cjson.encode(r)
    end
    redis.call('HSET', K_USERS, user, text)
    redis.call('PUBLISH', K_EVENTS, '{"k":"u","u":' .. cjson.encode(user) .. ',"rev":' .. rev .. ',"r":' .. text .. '}')
end

local function removePresence(r, id)
    local kept = {}
    for _, p in ipairs(r.p) do
        if p[1] ~= id then kept[#kept + 1] = p end
    end
    r.p = kept
end

-- The node is down: every session and reservation there is gone, and so are its channels.
local function dropNode(n)
    local users = redis.call('SMEMBERS', slotsKey(n.id))
    for _, user in ipairs(users) do
        local r = getUser(user)
        if r then
            local before = slotNodes(r)
            removePresence(r, n.id)
            if r.r == n.id then r.r = nil end
            putUser(user, r, before)
        end
    end
    redis.call('DEL', slotsKey(n.id), channelsKey(n.id), listedUsersKey(n.id), listedChannelsKey(n.id))
    n.alive = false
    n.knows = false
    n.fle = nil
    n.fln = nil
    n.sessions = 0
end

ensureType(K_NODES, 'hash')
ensureType(K_USERS, 'hash')
ensureType(K_RESV, 'zset')
