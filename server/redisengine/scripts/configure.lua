-- A balancer's configured nodes, written when it connects (and again after Redis comes back
-- empty). ARGV = prefix, JSON [[id, url, maxConnection], ...] in placement order. A configured node
-- starts down until it reports; what a node reports (its URL, its capacity) wins over the file.
local list = cjson.decode(ARGV[2])
for i, entry in ipairs(list) do
    local id, url, max = entry[1], entry[2], entry[3]
    local n = getNode(id)
    local changed = false
    if not n then
        n = { id = id, url = url, max = max, alive = false }
        changed = true
    end
    if n.order ~= i or n.dyn ~= false then
        n.order = i
        n.dyn = false
        changed = true
    end
    if changed then
        putNode(n)
        publishNode(id)
    end
end
return #list
