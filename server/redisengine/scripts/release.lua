-- releasecometd: ARGV = prefix, user. Drops the user's pending reservation; returns 0 when the user
-- holds no slot. A slot held by live sessions stays until the node reports them closed.
local user = ARGV[2]
local r = getUser(user)
if not r then return 0 end
local before = slotNodes(r)
r.r = nil
putUser(user, r, before)
return 1
