#!/usr/bin/env node
// Interop: the official CometD JavaScript client, websocket transport only (no subprotocol),
// against cometd-node.
// Usage: node cometd-websocket.test.js [path/to/cometd-node]   (or COMETD_NODE=...)
import { runTest, scenario, stayConnected } from './lib/harness.js';
import { CometDClient, loadCometD } from './lib/cometd-client.js';

await loadCometD();
await runTest('cometd-websocket', async ({ checks, url }) => {
    await scenario(checks, url, 'exo-ws', new CometDClient(url, 'websocket'), 'websocket');
    await stayConnected(checks, url, 'exo-ws-stay', new CometDClient(url, 'websocket'));
});
