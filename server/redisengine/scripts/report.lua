-- A node's heartbeat (the report of SPEC §2, as JSON: Cluster::encodeReport). ARGV = prefix, node
-- timeout (ms), the report. Returns {joined (0/1), wantFullList (0/1)}.
-- Every user and channel entry is an upsert (0 sessions or subscribers: gone). A full list comes in
-- pages of one epoch; on its last page, the users and channels of the node that the epoch did not
-- mention are dropped. A page out of sequence abandons the epoch and asks for a new list.
local timeout = tonumber(ARGV[2])
local report = cjson.decode(ARGV[3])
local now = nowMs()
local id = report.nodeId
if type(id) ~= 'string' or id == '' then return redis.error_reply('report without a node id') end

local n = getNode(id)
local joined = false
if not n then
    n = { id = id, dyn = true, order = 1000000000 + redis.call('INCR', P .. ':joinseq') }
    joined = true
    warn('node ' .. id .. ' joined at ' .. tostring(report.url))
elseif n.alive == true and not isAlive(n, now, timeout) then
    dropNode(n) -- silent past the timeout, and no balancer has noticed yet
end
local cameUp = n.alive ~= true
local changed = joined or cameUp or n.url ~= report.url or n.max ~= report.maxConnection
n.alive = true
n.seen = now
n.url = report.url
n.max = report.maxConnection
n.sessions = report.sessions or 0
n['in'] = report.messagesIn or 0
n.out = report.messagesOut or 0
if cameUp then n.knows = false end

local listed, listedChannels = listedUsersKey(id), listedChannelsKey(id)
local inSequence = true
local page = report.fullList
if type(page) ~= 'table' then page = nil end
if page then
    if page.page == 0 then
        n.fle = page.epoch
        n.fln = 0
        redis.call('DEL', listed, listedChannels)
    end
    if n.fle == page.epoch and n.fln == page.page then
        n.fln = n.fln + 1
    else
        inSequence = false
        n.fle = nil
        n.fln = nil
        redis.call('DEL', listed, listedChannels)
    end
end
local progress = n.fle ~= nil

if type(report.users) == 'table' then
    for _, u in ipairs(report.users) do
        local user = u.user
        if type(user) == 'string' and user ~= '' then
            local r = getUser(user) or { p = {} }
            local before = slotNodes(r)
            local sessions = tonumber(u.sessions) or 0
            if u.opened == true then r.r = nil end
            if sessions <= 0 then
                removePresence(r, id)
            else
                local entry
                for _, p in ipairs(r.p) do
                    if p[1] == id then entry = p end
                end
                if not entry then
                    entry = { id, 0, '', '' }
                    r.p[#r.p + 1] = entry
                end
                entry[2] = sessions
                if type(u.transport) == 'string' and u.transport ~= '' then entry[3] = u.transport end
                if type(u.connectedSince) == 'string' and u.connectedSince ~= '' then entry[4] = u.connectedSince end
                if progress then redis.call('SADD', listed, user) end
            end
            putUser(user, r, before)
        end
    end
end

-- Channel changes only count on top of a full list: until then the node is asked for one.
if (progress or n.knows == true) and type(report.channels) == 'table' then
    local key = channelsKey(id)
    for _, c in ipairs(report.channels) do
        if type(c.channel) == 'string' then
            local subscribers = tonumber(c.subscribers) or 0
            if subscribers > 0 then
                redis.call('HSET', key, c.channel, subscribers .. ' ' .. (tonumber(c.messages) or 0))
                if progress then redis.call('SADD', listedChannels, c.channel) end
            else
                redis.call('HDEL', key, c.channel)
            end
        end
    end
end

if progress and inSequence and page and page.last == true then
    for _, user in ipairs(redis.call('SMEMBERS', slotsKey(id))) do
        if redis.call('SISMEMBER', listed, user) == 0 then
            local r = getUser(user)
            if r then
                local before = slotNodes(r)
                local had = #r.p
                removePresence(r, id)
                if #r.p ~= had then putUser(user, r, before) end
            end
        end
    end
    local key = channelsKey(id)
    for _, channel in ipairs(redis.call('HKEYS', key)) do
        if redis.call('SISMEMBER', listedChannels, channel) == 0 then redis.call('HDEL', key, channel) end
    end
    redis.call('DEL', listed, listedChannels)
    n.knows = true
    n.fle = nil
    n.fln = nil
end

putNode(n)
if changed then publishNode(id) end
local wantFullList = (not inSequence) or (n.knows ~= true and n.fle == nil)
return { joined and 1 or 0, wantFullList and 1 or 0 }
