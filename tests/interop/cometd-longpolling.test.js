#!/usr/bin/env node
// Interop: the official CometD JavaScript client, long-polling transport only, against cometd-node.
// Usage: node cometd-longpolling.test.js [path/to/cometd-node]   (or COMETD_NODE=...)
import { getToken, runTest, scenario, stayConnected } from './lib/harness.js';
import { CometDClient, loadCometD } from './lib/cometd-client.js';

await loadCometD();
await runTest('cometd-longpolling', async ({ checks, url }) => {
    // Another user's token must be refused the way the spec says, and the client must stop there.
    const othersToken = await getToken(checks, url, 'exo-other');
    const bad = new CometDClient(url, 'long-polling');
    const refused = await checks.step('handshake with another user\'s token is answered', () => bad.handshake('exo-bad', othersToken));
    bad.disconnect();
    checks.equal({ successful: refused.successful, error: refused.error, reconnect: refused.advice?.reconnect },
        { successful: false, error: '403::invalid token', reconnect: 'none' }, 'wrong token: 403::invalid token, reconnect none');

    await scenario(checks, url, 'exo-lp', new CometDClient(url, 'long-polling'), 'long-polling');
    await stayConnected(checks, url, 'exo-lp-stay', new CometDClient(url, 'long-polling'));
});
