-- Channels with subscribers on live nodes, summed over them: ARGV = prefix, node timeout (ms).
-- Returns a flat list: channel, subscribers, messages, channel, ...
local timeout = tonumber(ARGV[2])
local now = nowMs()
local sums, order = {}, {}
for _, n in ipairs(allNodes()) do
    if isAlive(n, now, timeout) then
        local flat = redis.call('HGETALL', channelsKey(n.id))
        for i = 1, #flat, 2 do
            local subscribers, messages = string.match(flat[i + 1], '^(%d+) (%d+)$')
            if subscribers then
                local entry = sums[flat[i]]
                if not entry then
                    entry = { 0, 0 }
                    sums[flat[i]] = entry
                    order[#order + 1] = flat[i]
                end
                entry[1] = entry[1] + tonumber(subscribers)
                entry[2] = entry[2] + tonumber(messages)
            end
        end
    end
end
local out = {}
for _, channel in ipairs(order) do
    out[#out + 1] = channel
    out[#out + 1] = sums[channel][1]
    out[#out + 1] = sums[channel][2]
end
return out
