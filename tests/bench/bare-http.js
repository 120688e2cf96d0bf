#!/usr/bin/env node
// bare-http.js: a bare Node http server on 127.0.0.1 (port 0) that reads any request's body and
// answers 404 with a short JSON body, as cometd-node answers a private message to a user without a
// session. run-node-bench.sh puts rest-load.js against it beside cometd-node: what an HTTP request
// costs a server that does nothing else, in the same run. Prints `listening on http://127.0.0.1:PORT`;
// exits on SIGTERM/SIGINT or after --max-time=S (default 600).
'use strict';
const http = require('http');

const maxTime = Number((process.argv.find((a) => a.startsWith('--max-time=')) || '=600').split('=')[1]);
const body = '{"error":"no session for this user"}';
const server = http.createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
        res.writeHead(404, { 'Content-Type': 'application/json', 'Content-Length': body.length });
        res.end(body);
    });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
const stop = () => {
    server.close();
    process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setTimeout(stop, maxTime * 1000).unref(); // the listening server keeps the process up until then
