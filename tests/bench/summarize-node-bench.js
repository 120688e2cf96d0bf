#!/usr/bin/env node
// Median-of-runs markdown tables for run-node-bench.sh: per transport the physical floor
// (tcp-floor), Faye and cometd-node side by side with the ratios, then the idle-sessions table.
// Usage: node summarize-node-bench.js RESULTS_DIR [--faye-version=V] [--node-version=V]
//   RESULTS_DIR/runs.jsonl   bayeux-load.js RESULT lines, labels "<server>-<transport>-r<rep>"
//   RESULTS_DIR/floor.jsonl  tcp-floor lines ({"mode": "ws"|"lp", "serverCpuUsPerDelivery", ...})
//   RESULTS_DIR/idle.jsonl   one line per idle measurement (written by run-node-bench.sh)
//   RESULTS_DIR/heartbeat.jsonl  one line per heartbeat measurement (run-node-bench.sh)
//   RESULTS_DIR/rest.jsonl   rest-load.js RESULT objects, labels "<case>-r<rep>"
'use strict';
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
const opt = (name) => (process.argv.find((a) => a.startsWith(`--${name}=`)) || '').split('=').slice(1).join('=') || null;
const readLines = (file) => {
    const p = path.join(dir, file);
    if (!fs.existsSync(p)) return [];
    return fs.readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => {
        try {
            return JSON.parse(l);
        } catch {
            return null;
        }
    }).filter(Boolean);
};

const med = (xs) => {
    const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
    if (!s.length) return null;
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const f = (x, d = 1) => (x === null || x === undefined ? '–' : Number(x).toFixed(d));
const ratio = (a, b) => (a === null || b === null || !b ? '–' : `${(a / b).toFixed(2)}×`);

const runs = readLines('runs.jsonl');
const floors = readLines('floor.jsonl');
const idle = readLines('idle.jsonl');
const heartbeats = readLines('heartbeat.jsonl');
const rests = readLines('rest.jsonl');
const names = {
    faye: `Faye ${opt('faye-version') || ''}`.trim(),
    ours: `cometd-node${opt('node-version') ? ` ${opt('node-version')}` : ''}`,
};
const floorMode = { websocket: 'ws', 'long-polling': 'lp' };

const out = [];
for (const transport of ['websocket', 'long-polling']) {
    const fl = floors.filter((r) => r.mode === floorMode[transport]);
    const rows = {};
    for (const server of ['faye', 'ours']) {
        const rs = runs.filter((r) => r.label && r.label.startsWith(`${server}-${transport}-r`));
        if (rs.length) rows[server] = rs;
    }
    if (!fl.length && !Object.keys(rows).length) continue;
    const any = Object.values(rows)[0]?.[0];
    const shape = any ? `${any.clients} clients × ${any.messagesRequested} messages at ${any.rate}/s`
        : `${fl[0].clients} connections × ${fl[0].rounds} rounds`;
    out.push(`### ${transport} — ${shape} (medians)`, '');
    out.push('| server | runs | ready clients | deliveries received / expected | lost (median / worst) | server µs/delivery | server CPU % of 1 core | p50 ms | p99 ms | server RSS MiB | driver CPU % | µs ×floor | µs ×Faye |');
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    const floorUs = med(fl.map((r) => r.serverCpuUsPerDelivery));
    const us = {};
    const lat = {};
    if (fl.length) {
        const incomplete = fl.filter((r) => !r.complete).length;
        out.push(`| physical floor (tcp-floor ${floorMode[transport]}) | ${fl.length} | ${fl[0].clients} | ${incomplete ? `${incomplete} run(s) incomplete` : 'all'} | – | ` +
            `${f(floorUs, 2)} | – | – | – | – | – | 1.00× | – |`);
    }
    for (const server of ['faye', 'ours']) {
        const rs = rows[server];
        if (!rs) continue;
        us[server] = med(rs.map((r) => r.serverCpuUsPerDelivery));
        lat[server] = { p50: med(rs.map((r) => r.latencyMs && r.latencyMs.p50)), p99: med(rs.map((r) => r.latencyMs && r.latencyMs.p99)) };
        const notComplete = rs.filter((r) => r.outcome !== 'complete').map((r) => r.outcome);
        out.push(`| ${names[server]} | ${rs.length}${notComplete.length ? ` (${notComplete.join(', ')})` : ''} | ${f(med(rs.map((r) => r.clientsReady)), 0)} | ` +
            `${f(med(rs.map((r) => r.deliveriesReceived)), 0)} / ${f(med(rs.map((r) => r.deliveriesExpected)), 0)} | ` +
            `${f(med(rs.map((r) => r.lost)), 0)} / ${Math.max(...rs.map((r) => r.lost))} | ${f(us[server], 2)} | ` +
            `${f(med(rs.map((r) => r.serverCpuPctOfOneCore)), 0)} | ${f(lat[server].p50)} | ${f(lat[server].p99)} | ` +
            `${f(med(rs.map((r) => r.serverRssMiB)), 0)} | ${f(med(rs.map((r) => r.driverCpuPctOfOneCore)), 0)} | ` +
            `${ratio(us[server], floorUs)} | ${server === 'faye' ? '1.00×' : ratio(us.ours, us.faye ?? null)} |`);
    }
    out.push('');
    if (us.ours !== undefined && us.faye !== undefined) {
        out.push(`cometd-node / Faye: CPU per delivery ${ratio(us.ours, us.faye)}, p50 ${ratio(lat.ours.p50, lat.faye.p50)}, ` +
            `p99 ${ratio(lat.ours.p99, lat.faye.p99)}.`, '');
    }
}

// Rows of one kind grouped by key(row), in first-seen order.
const groupBy = (rows, key) => {
    const groups = new Map();
    for (const r of rows) {
        const k = key(r);
        if (!groups.has(k)) groups.set(k, []);
        groups.get(k).push(r);
    }
    return [...groups.values()];
};
const notes = (rs) => [...new Set(rs.map((r) => r.note).filter(Boolean))].join('; ');

for (const transport of ['websocket', 'long-polling']) {
    const rows = idle.filter((r) => (r.transport || 'websocket') === transport);
    if (!rows.length) continue;
    const hold = rows[0].holdMs ? `, long-poll hold ${rows[0].holdMs / 1000} s` : '';
    out.push(`### idle ${transport} sessions${hold} (medians)`, '');
    out.push('| server | sessions requested | runs | ready | server fds | RSS before MiB | RSS with sessions MiB | KiB per session | idle CPU % of 1 core | over s | KiB ×Faye | CPU ×Faye | note |');
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    const perKiB = (r) => (r.ready > 0 && r.rssBeforeKiB != null && r.rssAfterKiB != null ? (r.rssAfterKiB - r.rssBeforeKiB) / r.ready : null);
    const faye = {};
    for (const rs of groupBy(rows, (r) => `${r.requested}|${r.server}`)) {
        const r0 = rs[0];
        const kib = med(rs.map(perKiB));
        const cpu = med(rs.map((r) => r.cpuPct));
        if (r0.server === 'faye') faye[r0.requested] = { kib, cpu };
        const ref = r0.server === 'ours' ? faye[r0.requested] : null;
        out.push(`| ${names[r0.server] || r0.server} | ${r0.requested} | ${rs.length} | ${f(med(rs.map((r) => r.ready)), 0)} | ` +
            `${f(med(rs.map((r) => r.fds)), 0)} | ${f(med(rs.map((r) => r.rssBeforeKiB)) / 1024, 0)} | ` +
            `${f(med(rs.map((r) => r.rssAfterKiB)) / 1024, 0)} | ${f(kib, 2)} | ${f(cpu, 2)} | ${r0.seconds} | ` +
            `${ref ? ratio(kib, ref.kib) : '–'} | ${ref ? ratio(cpu, ref.cpu) : '–'} | ${notes(rs)} |`);
    }
    out.push('');
}

if (heartbeats.length) {
    const h0 = heartbeats[0];
    out.push(`### heartbeat: server CPU per /meta/connect renewal, long-poll hold ${h0.holdMs} ms (medians)`, '');
    out.push('| transport | server | runs | sessions ready | renewals/s | server CPU % of 1 core | µs per renewal | ×Faye | note |');
    out.push('|---|---|---:|---:|---:|---:|---:|---:|---|');
    const faye = {};
    for (const rs of groupBy(heartbeats, (r) => `${r.transport}|${r.server}`)) {
        const r0 = rs[0];
        const us = med(rs.map((r) => r.usPerRenewal));
        if (r0.server === 'faye') faye[r0.transport] = us;
        out.push(`| ${r0.transport} | ${names[r0.server] || r0.server} | ${rs.length} | ${f(med(rs.map((r) => r.ready)), 0)} | ` +
            `${f(med(rs.map((r) => r.renewals / r.seconds)), 0)} | ${f(med(rs.map((r) => r.cpuPct)), 1)} | ${f(us, 2)} | ` +
            `${r0.server === 'ours' && faye[r0.transport] !== undefined ? ratio(us, faye[r0.transport]) : '–'} | ${notes(rs)} |`);
    }
    out.push('');
}

if (rests.length) {
    const r0 = rests[0];
    out.push(`### REST request cost: POST ${r0.path} at ${r0.rate}/s over ${r0.connections} keep-alive connections (medians)`, '');
    out.push('| server, case | runs | sessions on the server | answered/s | statuses | deliveries | server µs per request | server CPU % of 1 core | p50 ms | p99 ms | driver CPU % | not sent |');
    out.push('|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|');
    const caseNames = {
        bare: 'bare Node http server (404)',
        nobody: `${names.ours}, user without a session (404)`,
        'one-session': `${names.ours}, user with one websocket session (200, 1 delivery)`,
    };
    for (const rs of groupBy(rests, (r) => r.label.replace(/-r\d+$/, ''))) {
        const kase = rs[0].label.replace(/-r\d+$/, '');
        const statuses = [...new Set(rs.flatMap((r) => Object.keys(r.byStatus || {})))].join(', ');
        out.push(`| ${caseNames[kase] || kase} | ${rs.length} | ${f(med(rs.map((r) => r.idleSessions ?? 0)), 0)} | ` +
            `${f(med(rs.map((r) => r.answeredPerSecond)), 0)} | ${statuses || '–'} | ` +
            `${f(med(rs.map((r) => r.delivered)), 0)} | ${f(med(rs.map((r) => r.serverCpuUsPerRequest)), 2)} | ` +
            `${f(med(rs.map((r) => r.serverCpuPctOfOneCore)), 1)} | ${f(med(rs.map((r) => r.latencyMs && r.latencyMs.p50)), 2)} | ` +
            `${f(med(rs.map((r) => r.latencyMs && r.latencyMs.p99)), 2)} | ${f(med(rs.map((r) => r.driverCpuPctOfOneCore)), 0)} | ` +
            `${f(med(rs.map((r) => r.notSent + r.errors)), 0)} |`);
    }
    out.push('');
}
if (!out.length) out.push('(no results found in ' + dir + ')');
console.log(out.join('\n'));
