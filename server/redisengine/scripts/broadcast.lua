-- A broadcast: ARGV = prefix, node timeout (ms), channel, the delivery (the delivery API's body).
-- Publishes it once on P:broadcast, which every node listens to; returns the subscribers it was
-- routed to, as the live nodes last reported them (the channel and the wildcards that cover it).
local timeout = tonumber(ARGV[2])
local channel = ARGV[3]
redis.call('PUBLISH', P .. ':broadcast', ARGV[4])
local patterns = { channel }
local prefix = ''
local segments = {}
for segment in string.gmatch(channel, '[^/]+') do segments[#segments + 1] = segment end
for i = 1, #segments do
    if i == #segments then patterns[#patterns + 1] = prefix .. '/*' end
    patterns[#patterns + 1] = prefix .. '/**'
    prefix = prefix .. '/' .. segments[i]
end
local now = nowMs()
local subscribers = 0
for _, n in ipairs(allNodes()) do
    if isAlive(n, now, timeout) then
        local counts = redis.call('HMGET', channelsKey(n.id), unpack(patterns))
        for _, value in ipairs(counts) do
            if value then subscribers = subscribers + (tonumber(string.match(value, '^(%d+)')) or 0) end
        end
    end
end
return subscribers
