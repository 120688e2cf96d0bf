-- A private message (SPEC §6): ARGV = prefix, node timeout (ms), user, the delivery (the delivery
-- API's body). Publishes it on the channel of every live node where the user has sessions; returns
-- the number of sessions it was routed to (0: the user has no session in the cluster).
local timeout = tonumber(ARGV[2])
local r = getUser(ARGV[3])
if not r then return 0 end
local now = nowMs()
local sessions = 0
for _, p in ipairs(r.p) do
    local count = tonumber(p[2]) or 0
    if count > 0 and isAlive(getNode(p[1]), now, timeout) then
        redis.call('PUBLISH', P .. ':node:' .. p[1], ARGV[4])
        sessions = sessions + count
    end
end
return sessions
