-- Run by every balancer on a short period; idempotent, so several running it is harmless.
-- ARGV = prefix, node timeout (ms). Marks down the nodes silent for the timeout (their users lose
-- their slots there) and releases the reservations whose time is up. Returns the number of changes.
local timeout = tonumber(ARGV[2])
local now = nowMs()
local changes = 0
for _, n in ipairs(allNodes()) do
    if n.alive == true and not isAlive(n, now, timeout) then
        dropNode(n)
        putNode(n)
        publishNode(n.id)
        warn('node ' .. n.id .. ' is down (silent for ' .. timeout .. ' ms)')
        changes = changes + 1
    end
end
local due = redis.call('ZRANGEBYSCORE', K_RESV, '-inf', now, 'LIMIT', 0, 1000)
for _, user in ipairs(due) do
    local r = getUser(user)
    if r and type(r.r) == 'string' and (tonumber(r.ru) or 0) <= now then
        local before = slotNodes(r)
        r.r = nil
        putUser(user, r, before)
        changes = changes + 1
    else
        redis.call('ZREM', K_RESV, user) -- a stale index entry
    end
end
return changes
