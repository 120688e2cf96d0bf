-- The cluster's nodes for a balancer's view, in placement order: ARGV = prefix, node timeout (ms).
-- Returns a list of JSON records with the derived figures added: state, users (slots held there),
-- age (ms since its last report, -1 if never).
local timeout = tonumber(ARGV[2])
local now = nowMs()
local out = {}
for _, n in ipairs(allNodes()) do
    local alive = isAlive(n, now, timeout)
    n.state = (not alive and 'down') or (n.drain == true and 'draining') or 'up'
    n.users = redis.call('SCARD', slotsKey(n.id))
    n.age = type(n.seen) == 'number' and (now - n.seen) or -1
    out[#out + 1] = cjson.encode(n)
end
return out
