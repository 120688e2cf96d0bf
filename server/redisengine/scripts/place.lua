-- cometdurl (SPEC §2): ARGV = prefix, user, node timeout (ms), reservation timeout (ms).
-- Returns {'placed', node id, url} or {'full'}. Sticky: a user holding a slot on a live node (its
-- sessions first, oldest node first, then its reservation) gets that node again, even a draining or
-- full one, and its reservation is renewed. Otherwise the least loaded live node that takes users
-- and has room (slots / maxConnection; ties go to the earlier node in placement order).
local user = ARGV[2]
local timeout = tonumber(ARGV[3])
local reservation = tonumber(ARGV[4])
local now = nowMs()

local r = getUser(user)
local function reserveOn(n)
    local record = r or { p = {} }
    local before = slotNodes(r)
    record.r = n.id
    record.ru = now + reservation
    putUser(user, record, before)
    return { 'placed', n.id, n.url }
end

if r then
    for _, p in ipairs(r.p) do
        local n = getNode(p[1])
        if isAlive(n, now, timeout) then return reserveOn(n) end
    end
    if type(r.r) == 'string' then
        local n = getNode(r.r)
        if isAlive(n, now, timeout) then return reserveOn(n) end
    end
end

local best, bestUsed
for _, n in ipairs(allNodes()) do
    local max = tonumber(n.max) or 0
    if isAlive(n, now, timeout) and not n.drain and max > 0 then
        local used = redis.call('SCARD', slotsKey(n.id))
        if used < max and (best == nil or used * best.max < bestUsed * max) then
            best = n
            bestUsed = used
        end
    end
end
if not best then return { 'full' } end
return reserveOn(best)
