#!/usr/bin/env node
// idle-sessions.js: opens N idle Bayeux sessions over WebSocket or long-polling and keeps them
// connected, so that run-node-bench.sh can read a server's memory per session, its idle CPU, and
// (with a short long-poll hold on the server) its CPU per /meta/connect renewal.
//
// Each session: (optional) GET TOKEN_URL/rest/gettoken/<user>/, then over its own websocket or its
// own keep-alive HTTP connection: /meta/handshake (top-level exoId/exoToken when a token was
// fetched), /meta/subscribe, then /meta/connect in a loop (the first with advice.timeout=0 so that
// it is answered at once; the session counts as ready then). No subprotocol is offered. Needs the
// `ws` package (run-node-bench.sh sets NODE_PATH).
//
// stdout: `READY {"ready":n,"failed":f,"seconds":s,...}` once setup is over (all sessions ready or
// failed, or --setup-timeout), `COUNT {"connectReplies":n,"deliveries":d,"t":ms}` on each SIGUSR2
// (the bench brackets a CPU window with two), then `STATS {...}` when it stops (SIGTERM/SIGINT or
// --max-time).
// Only loopback targets are accepted. Exit 0 after a stop; 2 when no session became ready.
'use strict';

const http = require('http');
const { parseOptions, requireLoopback } = require('./bench-args');

const HELP = `usage: node idle-sessions.js --url=ws://127.0.0.1:PORT/cometd/cometd --sessions=N [options]
  --token-url=BASE       GET BASE/rest/gettoken/<user>/ first and send exoId/exoToken (cometd-node)
  --transport=T          websocket (default) or long-polling
  --user-prefix=TEXT     user names are TEXT0, TEXT1, ... (default idle-)
  --channel=C            channel each session subscribes to (default /eXo/cometd/test)
  --concurrency=K        sessions being set up at once (default 100)
  --setup-timeout=S      seconds allowed for setup (default 120)
  --max-time=S           stop by itself after S seconds (default 900)
`;
const opts = parseOptions(process.argv.slice(2), HELP);
const cfg = {
    url: opts.url,
    sessions: Number(opts.sessions),
    transport: opts.transport || 'websocket',
    tokenUrl: opts['token-url'] || null,
    userPrefix: opts['user-prefix'] || 'idle-',
    channel: opts.channel || '/eXo/cometd/test',
    concurrency: Number(opts.concurrency || 100),
    setupTimeout: Number(opts['setup-timeout'] || 120),
    maxTime: Number(opts['max-time'] || 900),
};
if (!cfg.url || !(cfg.sessions > 0 && cfg.sessions <= 50000) || !['websocket', 'long-polling'].includes(cfg.transport)) {
    process.stderr.write(HELP);
    process.exit(64);
}
requireLoopback([cfg.url, cfg.tokenUrl].filter(Boolean));
let WebSocket;
try {
    WebSocket = require('ws');
} catch {
    console.error('idle-sessions.js needs the "ws" package (NODE_PATH=<dir with node_modules/ws>)');
    process.exit(64);
}

const wsUrl = cfg.url.replace(/^http/, 'ws');
const httpUrl = cfg.url.replace(/^ws/, 'http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const stats = { ready: 0, failed: 0, closedAfterReady: 0, connects: 0, connectReplies: 0, connectFailures: 0,
    deliveries: 0, errors: {} };
let stopping = false;

function fail(why) {
    stats.failed++;
    const key = String(why).slice(0, 80);
    stats.errors[key] = (stats.errors[key] || 0) + 1;
}

function getToken(user) {
    return new Promise((resolve, reject) => {
        const u = `${cfg.tokenUrl.replace(/\/$/, '')}/rest/gettoken/${encodeURIComponent(user)}/`;
        const req = http.get(u, { agent, timeout: 30000 }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d) => { body += d; });
            res.on('end', () => (res.statusCode === 200 ? resolve(body.trim()) : reject(new Error(`gettoken HTTP ${res.statusCode}`))));
        });
        req.on('timeout', () => req.destroy(new Error('gettoken timeout')));
        req.on('error', reject);
    });
}

// The Bayeux side of one session, whatever carries it: handshake, subscribe, then /meta/connect in
// a loop. send(msgs) hands messages to the transport; onMessages(msgs) takes what came back.
// settle(ok, why) is called once, when the first /meta/connect is answered or setup fails.
function bayeuxSession(user, token, connectionType, send, settle, close) {
    let clientId = null;
    let ready = false;
    let nextId = 0;
    const connect = (first) => {
        stats.connects++;
        const msg = { channel: '/meta/connect', clientId, connectionType, id: String(++nextId) };
        if (first) msg.advice = { timeout: 0 };
        send([msg]);
    };
    const failSetup = (why) => {
        settle(false, why);
        close();
    };
    return {
        start() {
            const hs = { channel: '/meta/handshake', version: '1.0', minimumVersion: '1.0',
                supportedConnectionTypes: [connectionType], id: String(++nextId) };
            if (token !== null) Object.assign(hs, { exoId: user, exoToken: token });
            send([hs]);
        },
        get ready() { return ready; },
        onMessages(msgs) {
            for (const m of msgs) {
                if (m.channel === '/meta/handshake') {
                    if (!m.successful) return failSetup(`handshake: ${m.error}`);
                    clientId = m.clientId;
                    send([{ channel: '/meta/subscribe', clientId, subscription: cfg.channel, id: String(++nextId) }]);
                } else if (m.channel === '/meta/subscribe') {
                    if (!m.successful) return failSetup(`subscribe: ${m.error}`);
                    connect(true);
                } else if (m.channel === '/meta/connect') {
                    if (!m.successful) {
                        if (!ready) return failSetup(`connect: ${m.error}`);
                        stats.connectFailures++;
                        return close();
                    }
                    stats.connectReplies++;
                    if (!ready) {
                        ready = true;
                        settle(true);
                    }
                    if (stopping) return;
                    const interval = (m.advice && m.advice.interval) || 0;
                    if (interval > 0) setTimeout(() => connect(false), interval);
                    else connect(false);
                } else if (typeof m.channel === 'string' && !m.channel.startsWith('/meta/')) {
                    stats.deliveries++;
                }
            }
        },
    };
}

function parseMessages(text) {
    try {
        return [].concat(JSON.parse(text));
    } catch {
        return null;
    }
}

// Resolves true once the session's first /meta/connect is answered, false when it failed.
async function openSession(index) {
    const user = cfg.userPrefix + index;
    let token = null;
    if (cfg.tokenUrl) {
        try {
            token = await getToken(user);
        } catch (e) {
            fail(e.message);
            return false;
        }
    }
    return new Promise((resolve) => {
        let settled = false;
        let timer = null;
        const settle = (ok, why) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            if (ok) stats.ready++;
            else fail(why);
            resolve(ok);
        };
        const open = cfg.transport === 'websocket' ? openWebSocket : openLongPolling;
        const close = open(user, token, settle, () => settled);
        timer = setTimeout(() => { settle(false, 'setup timeout'); close(); }, 60000);
    });
}

// One websocket per session; no subprotocol is offered. Returns a function that closes it.
function openWebSocket(user, token, settle, isSettled) {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false, handshakeTimeout: 30000 });
    const close = () => ws.terminate();
    const session = bayeuxSession(user, token, 'websocket', (msgs) => ws.send(JSON.stringify(msgs)), settle, close);
    ws.on('open', () => session.start());
    ws.on('message', (data) => {
        const msgs = parseMessages(data.toString('utf8'));
        if (msgs) session.onMessages(msgs);
    });
    ws.on('error', (e) => settle(false, `ws: ${e.message}`));
    ws.on('close', () => {
        if (!isSettled()) settle(false, 'ws closed during setup');
        else if (session.ready && !stopping) stats.closedAfterReady++;
    });
    closers.push(close);
    return close;
}

// One keep-alive HTTP connection per session, as a browser's long-polling client holds: every
// request of the session (handshake, subscribe, the held /meta/connect) goes over it in turn.
function openLongPolling(user, token, settle, isSettled) {
    const sessionAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const url = new URL(httpUrl);
    let closed = false;
    const close = () => {
        closed = true;
        sessionAgent.destroy();
    };
    const send = (msgs) => {
        const body = JSON.stringify(msgs);
        const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
            agent: sessionAgent, timeout: 120000,
            headers: { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(body) } },
        (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d) => { text += d; });
            res.on('end', () => {
                const replies = res.statusCode === 200 ? parseMessages(text) : null;
                if (replies) return session.onMessages(replies);
                lost(`HTTP ${res.statusCode}`);
            });
        });
        req.on('timeout', () => req.destroy(new Error('request timeout')));
        req.on('error', (e) => lost(`http: ${e.message}`));
        req.end(body);
    };
    const lost = (why) => {
        if (closed || stopping) return;
        if (!isSettled()) settle(false, why);
        else if (session.ready) stats.closedAfterReady++;
        close();
    };
    const session = bayeuxSession(user, token, 'long-polling', send, settle, close);
    session.start();
    closers.push(close);
    return close;
}

const closers = [];
const t0 = Date.now();

function stop(why) {
    if (stopping) return;
    stopping = true;
    for (const close of closers) close();
    agent.destroy();
    console.log(`STATS ${JSON.stringify({ why, ...stats, seconds: (Date.now() - t0) / 1000 })}`);
    setTimeout(() => process.exit(stats.ready > 0 ? 0 : 2), 50);
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGUSR2', () => console.log(`COUNT ${JSON.stringify({ connectReplies: stats.connectReplies,
    deliveries: stats.deliveries, t: Date.now() })}`));
setTimeout(() => stop('max-time'), cfg.maxTime * 1000).unref();
setInterval(() => {}, 60000); // keeps the process up between connect replies

(async () => {
    let next = 0;
    let lastReport = 0;
    const worker = async () => {
        while (next < cfg.sessions && !stopping && Date.now() - t0 < cfg.setupTimeout * 1000) {
            await openSession(next++);
            const done = stats.ready + stats.failed;
            if (done - lastReport >= 1000) {
                lastReport = done;
                console.error(`idle-sessions: ${stats.ready} ready, ${stats.failed} failed of ${cfg.sessions}`);
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(cfg.concurrency, cfg.sessions) }, worker));
    console.log(`READY ${JSON.stringify({ ready: stats.ready, failed: stats.failed, requested: cfg.sessions,
        seconds: (Date.now() - t0) / 1000, errors: stats.errors })}`);
    if (stats.ready === 0) stop('no session ready');
})();
