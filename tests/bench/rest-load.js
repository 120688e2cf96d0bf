#!/usr/bin/env node
// rest-load.js: POSTs /rest/sendprivatemessage/ at a fixed rate over K keep-alive HTTP connections
// and reports the server's CPU per request, so that run-node-bench.sh can measure what one REST
// delivery request costs cometd-node (to a user without a session: the bare request; to a user
// with one session: the request and its delivery).
//
// The rate is kept by a 5 ms tick that adds what is owed by then; owed requests go out on free connections
// (at most K in flight) as soon as one is free. What is owed beyond 100 ms of requests is dropped
// and counted in `notSent`: when the server or this driver cannot keep up, the rate falls, the
// backlog does not grow. Warm-up first, then the measured window: the server's CPU
// (utime + stime of /proc/PID/stat) over the window ÷ requests answered in the window.
//
// stdout: `RESULT {...}` (one JSON object). Only loopback targets are accepted. Exit 0 when some
// request was answered in the window, 1 otherwise.
'use strict';

const fs = require('fs');
const http = require('http');
const { execFileSync } = require('child_process');
const { parseOptions, requireLoopback } = require('./bench-args');

const HELP = `usage: node rest-load.js --url=http://127.0.0.1:PORT --server-pid=PID [options]
  --path=P               request path (default /rest/sendprivatemessage/)
  --user=NAME            exoId of every message (default rest-nobody)
  --channel=C            channel of every message (default /eXo/cometd/test)
  --connections=K        keep-alive connections, at most one request in flight on each (default 8)
  --rate=N               requests per second in all (default 2000)
  --warmup=S             seconds of load before the window (default 2)
  --seconds=S            measured window (default 10)
  --label=TEXT           copied into the result
`;
const opts = parseOptions(process.argv.slice(2), HELP);
const cfg = {
    url: opts.url,
    serverPid: Number(opts['server-pid']),
    path: opts.path || '/rest/sendprivatemessage/',
    user: opts.user || 'rest-nobody',
    channel: opts.channel || '/eXo/cometd/test',
    connections: Number(opts.connections || 8),
    rate: Number(opts.rate || 2000),
    warmup: Number(opts.warmup ?? 2),
    seconds: Number(opts.seconds || 10),
    label: opts.label || '',
};
if (!cfg.url || !(cfg.serverPid > 0) || !(cfg.connections > 0) || !(cfg.rate > 0) || !(cfg.seconds > 0) || !(cfg.warmup >= 0)) {
    process.stderr.write(HELP);
    process.exit(64);
}
requireLoopback([cfg.url]);
const target = new URL(cfg.url);

let clockTicks = 100;
try {
    clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {
    // 100 on every Linux this runs on
}
function serverCpuSeconds() {
    const stat = fs.readFileSync(`/proc/${cfg.serverPid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks; // utime, stime
}

const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.connections });
const counts = { sent: 0, notSent: 0, answered: 0, errors: 0, byStatus: {} };
let measuring = false;
const win = { answered: 0, byStatus: {}, latencies: [], delivered: 0 };
let inFlight = 0;
let seq = 0;

function sendOne() {
    const id = String(++seq);
    const body = JSON.stringify({ channel: cfg.channel, exoId: cfg.user, message: `m${id}`, id });
    const t0 = process.hrtime.bigint();
    const inWindow = measuring;
    inFlight++;
    counts.sent++;
    const req = http.request({ host: target.hostname, port: target.port, path: cfg.path, method: 'POST', agent,
        timeout: 10000, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
    (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => {
            inFlight--;
            pump();
            counts.answered++;
            counts.byStatus[res.statusCode] = (counts.byStatus[res.statusCode] || 0) + 1;
            if (!measuring || !inWindow) return;
            win.answered++;
            win.byStatus[res.statusCode] = (win.byStatus[res.statusCode] || 0) + 1;
            win.latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            const m = /"delivered"\s*:\s*(\d+)/.exec(text);
            if (m) win.delivered += Number(m[1]);
        });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => {
        inFlight--;
        counts.errors++;
        pump();
    });
    req.end(body);
}

const TICK_MS = 5;
const MAX_OWED = Math.max(1, cfg.rate / 10);
let owed = 0;
function pump() {
    while (owed >= 1 && inFlight < cfg.connections) {
        owed--;
        sendOne();
    }
}
const loadStart = process.hrtime.bigint();
let scheduled = 0;
const tick = setInterval(() => {
    // from elapsed time, not from ticks: a late tick must not lower the rate
    const due = Math.floor((cfg.rate * Number(process.hrtime.bigint() - loadStart)) / 1e9);
    owed += due - scheduled;
    scheduled = due;
    if (owed > MAX_OWED) {
        counts.notSent += Math.floor(owed - MAX_OWED);
        owed -= Math.floor(owed - MAX_OWED);
    }
    pump();
}, TICK_MS);

const pct = (xs, p) => {
    if (!xs.length) return null;
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

setTimeout(() => {
    measuring = true;
    const cpu0 = serverCpuSeconds();
    const driver0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const notSent0 = counts.notSent;
    setTimeout(() => {
        const cpu1 = serverCpuSeconds();
        const driver = process.cpuUsage(driver0);
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        measuring = false;
        clearInterval(tick);
        owed = 0;
        const serverCpu = cpu1 - cpu0;
        const result = {
            label: cfg.label, path: cfg.path, user: cfg.user, connections: cfg.connections, rate: cfg.rate,
            seconds: Number(seconds.toFixed(3)),
            answered: win.answered, answeredPerSecond: Number((win.answered / seconds).toFixed(1)),
            byStatus: win.byStatus, delivered: win.delivered,
            notSent: counts.notSent - notSent0, errors: counts.errors,
            serverCpuSeconds: Number(serverCpu.toFixed(3)),
            serverCpuUsPerRequest: win.answered ? Number(((serverCpu * 1e6) / win.answered).toFixed(2)) : null,
            serverCpuPctOfOneCore: Number(((serverCpu * 100) / seconds).toFixed(1)),
            driverCpuPctOfOneCore: Number((((driver.user + driver.system) / 1e6) * 100 / seconds).toFixed(1)),
            latencyMs: { p50: pct(win.latencies, 50), p99: pct(win.latencies, 99) },
        };
        console.log(`RESULT ${JSON.stringify(result)}`);
        agent.destroy();
        setTimeout(() => process.exit(win.answered > 0 ? 0 : 1), 50);
    }, cfg.seconds * 1000);
}, cfg.warmup * 1000);
