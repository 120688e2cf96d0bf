#!/usr/bin/env node
// Interop: the official CometD JavaScript client, callback-polling (JSONP) transport only, against
// cometd-node. The browser's <script> loading is emulated by lib/cometd-client.js.
// Usage: node cometd-callbackpolling.test.js [path/to/cometd-node]   (or COMETD_NODE=...)
import { runTest, scenario } from './lib/harness.js';
import { CometDClient, loadCometD } from './lib/cometd-client.js';

await loadCometD();
await runTest('cometd-callbackpolling', async ({ checks, url }) => {
    await scenario(checks, url, 'exo-jsonp', new CometDClient(url, 'callback-polling'), 'callback-polling');
});
