-- ARGV = prefix, node id, 1 to drain / 0 to take users again. Returns 0 for an unknown node.
local n = getNode(ARGV[2])
if not n then return 0 end
local draining = ARGV[3] == '1'
if (n.drain == true) ~= draining then
    n.drain = draining
    putNode(n)
    publishNode(n.id)
end
return 1
