// Shared plumbing of the interop tests: start and stop cometd-node, small HTTP helpers, bounded
// waits, a pass/fail counter, and the one scenario every client library goes through.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, inspect } from 'node:util';

export const STEP_TIMEOUT_MS = Number(process.env.INTEROP_STEP_TIMEOUT_MS || 20000);
const WATCHDOG_MS = Number(process.env.INTEROP_WATCHDOG_MS || 100000);
export const CHANNEL = '/eXo/cometd/test';
export const verbose = !!process.env.INTEROP_VERBOSE;

const here = path.dirname(fileURLToPath(import.meta.url));
export const interopDir = path.resolve(here, '..');

function requireNodeModules() {
    const deps = ['cometd', 'cometd-nodejs-client', 'faye', 'ws'];
    if (!deps.every((d) => fs.existsSync(path.join(interopDir, 'node_modules', d, 'package.json')))) {
        console.error(`interop: ${path.join(interopDir, 'node_modules')} is missing or incomplete; ` +
            `run \`npm ci\` in tests/interop (or \`npm ci --prefix tests/interop\` from the repo root)`);
        console.log('0 passed, 1 failed');
        process.exit(1);
    }
}

// Checked as soon as a test imports this file, before any test dependency is loaded.
requireNodeModules();

// ---------------------------------------------------------------- bounded waits
export function withTimeout(promise, what, ms = STEP_TIMEOUT_MS) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- HTTP
export function httpRequest(method, url, body) {
    return new Promise((resolve, reject) => {
        const payload = body === undefined ? null : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
        const headers = payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {};
        const req = http.request(url, { method, headers, agent: false, timeout: STEP_TIMEOUT_MS }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer within ${STEP_TIMEOUT_MS} ms`)));
        req.on('error', reject);
        req.end(payload);
    });
}

// ---------------------------------------------------------------- the node under test
function nodeCommand() {
    const given = process.argv[2] || process.env.COMETD_NODE;
    if (!given) throw new Error('no server: pass the cometd-node path as the first argument or in COMETD_NODE');
    if (!fs.existsSync(given)) throw new Error(`no such file: ${given} (COMETD_NODE / first argument)`);
    return [given, []];
}

const liveChildren = new Set();
process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
});

export class NodeProcess {
    constructor() {
        this.stderrTail = [];
        this.exit = null;
    }

    async start() {
        const [cmd, pre] = nodeCommand();
        this.child = spawn(cmd, [...pre, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
        liveChildren.add(this.child);
        this.exited = new Promise((resolve) => {
            this.child.on('exit', (code, signal) => {
                liveChildren.delete(this.child);
                this.exit = { code, signal };
                resolve(this.exit);
            });
        });
        // Rejects when the node dies on its own, so that a waiting step fails at once.
        this.died = this.exited.then((e) => {
            if (!this.stopping) throw new Error(`cometd-node exited unexpectedly (code ${e.code}, signal ${e.signal})`);
            return new Promise(() => {});
        });
        this.died.catch(() => {});
        const keep = (line) => {
            this.stderrTail.push(line);
            if (this.stderrTail.length > 60) this.stderrTail.shift();
            if (verbose) console.error(`[node] ${line}`);
        };
        readline.createInterface({ input: this.child.stderr }).on('line', keep);
        const lines = readline.createInterface({ input: this.child.stdout });
        const listening = new Promise((resolve, reject) => {
            lines.on('line', (line) => {
                const m = /^listening on (http:\/\/127\.0\.0\.1:(\d+))\s*$/.exec(line);
                if (m && !this.url) {
                    this.url = m[1];
                    resolve(this.url);
                } else {
                    keep(`stdout: ${line}`);
                }
            });
            this.child.on('error', (e) => reject(new Error(`cannot start ${cmd}: ${e.message}`)));
            this.exited.then((e) => reject(new Error(`node exited before listening (code ${e.code}, signal ${e.signal})`)));
        });
        return withTimeout(listening, 'the "listening on http://127.0.0.1:PORT" line');
    }

    async stop() {
        this.stopping = true;
        if (this.exit) return this.exit;
        this.child.kill('SIGTERM');
        try {
            return await withTimeout(this.exited, 'the node to exit after SIGTERM');
        } catch (e) {
            this.child.kill('SIGKILL');
            throw e;
        }
    }

    kill() {
        if (this.child && !this.exit) this.child.kill('SIGKILL');
    }
}

// ---------------------------------------------------------------- checks
export class Checks {
    constructor(node) {
        this.passed = 0;
        this.failed = 0;
        this.node = node;
    }

    pass(what) {
        this.passed++;
        console.log(`ok   ${what}`);
    }

    // A failed check throws: later steps depend on earlier ones.
    ok(cond, what, detail) {
        if (!cond) {
            this.failed++;
            throw new CheckFailure(`${what}${detail === undefined ? '' : `: ${detail}`}`);
        }
        this.pass(what);
    }

    equal(actual, expected, what) {
        this.ok(isDeepStrictEqual(actual, expected), what,
            `got ${describe(actual)}, want ${describe(expected)}`);
    }

    // Runs fn under the step timeout; `context` (optional) adds what was seen to a failure.
    async step(what, fn, context) {
        try {
            const work = Promise.resolve().then(fn);
            const value = await withTimeout(this.node?.died ? Promise.race([work, this.node.died]) : work, what);
            this.pass(what);
            return value;
        } catch (e) {
            if (e instanceof CheckFailure) throw e;
            this.failed++;
            throw new CheckFailure(`${what}: ${e && e.message ? e.message : e}${context ? ` (${context()})` : ''}`);
        }
    }
}

class CheckFailure extends Error {}

// Runs one test file: a watchdog, the node always killed, and the closing `N passed, M failed` line.
export async function runTest(name, body) {
    const node = new NodeProcess();
    const checks = new Checks(node);
    let finished = false;
    const finish = (extraFailure) => {
        if (finished) return;
        finished = true;
        if (extraFailure) {
            checks.failed++;
            console.log(`FAIL ${extraFailure}`);
        }
        if (checks.failed > 0 && node.stderrTail.length && !verbose) {
            console.log(`--- last lines of the node's stderr ---\n${node.stderrTail.join('\n')}\n---`);
        }
        node.kill();
        console.log(`${name}: ${checks.passed} passed, ${checks.failed} failed`);
        process.exit(checks.failed > 0 ? 1 : 0);
    };
    setTimeout(() => finish(`watchdog: test still running after ${WATCHDOG_MS} ms`), WATCHDOG_MS).unref();
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => finish(`interrupted by ${sig}`));
    try {
        const url = await checks.step('node starts and prints its listening line', () => node.start());
        await body({ checks, node, url });
        const exit = await checks.step('node exits after SIGTERM', () => node.stop());
        checks.equal(exit, { code: 0, signal: null }, 'node exit status after SIGTERM is 0');
        finish();
    } catch (e) {
        if (e instanceof CheckFailure) {
            console.log(`FAIL ${e.message}`);
            finish();
        } else {
            finish(`unexpected error: ${e && e.stack ? e.stack : e}`);
        }
    }
}

// ---------------------------------------------------------------- the scenario
// Received application messages, with a way to wait for one.
export class Inbox {
    constructor() {
        this.messages = [];
        this.waiters = [];
    }

    add(message) {
        this.messages.push(message);
        for (const w of [...this.waiters]) w();
    }

    waitFor(pred) {
        return new Promise((resolve) => {
            const check = () => {
                const found = this.messages.find(pred);
                if (found) {
                    this.waiters = this.waiters.filter((w) => w !== check);
                    resolve(found);
                }
            };
            this.waiters.push(check);
            check();
        });
    }
}

export async function getToken(checks, url, user) {
    const res = await checks.step(`GET /rest/gettoken/${user}/`, () => httpRequest('GET', `${url}/rest/gettoken/${encodeURIComponent(user)}/`));
    checks.ok(res.status === 200 && res.text.trim().length > 0, `gettoken answers 200 with a token`, `status ${res.status}, body ${JSON.stringify(res.text)}`);
    return res.text.trim();
}

// The texts go through JSON, HTTP, the server and back: quotes, escapes and non-ASCII must survive.
const PRIVATE_TEXT = 'hello "private" \\ é ✓ 🚀 <&>';
const BROADCAST_TEXT = 'hello broadcast\tñ';

// `client` adapts one client library: handshake(user, token) -> reply, subscribe(channel, inbox)
// -> reply, disconnect() -> reply, transport() -> string.
export async function scenario(checks, url, user, client, expectTransport) {
    const token = await getToken(checks, url, user);
    const hs = await checks.step(`${user}: handshake with exoId/exoToken`, () => client.handshake(user, token));
    checks.ok(hs && hs.successful === true && typeof hs.clientId === 'string', `${user}: handshake successful`, describe(hs));
    if (expectTransport) checks.equal(client.transport(), expectTransport, `${user}: transport in use`);

    const inbox = new Inbox();
    const received = () => `received so far: ${describe(inbox.messages)}`;
    const sub = await checks.step(`${user}: subscribe to ${CHANNEL}`, () => client.subscribe(CHANNEL, inbox));
    checks.ok(sub && sub.successful === true, `${user}: subscribe successful`, describe(sub));

    const priv = await checks.step(`${user}: POST /rest/sendprivatemessage/`, () => httpRequest('POST', `${url}/rest/sendprivatemessage/`,
        { channel: CHANNEL, exoId: user, message: PRIVATE_TEXT, id: '1' }));
    checks.ok(priv.status === 200, `${user}: sendprivatemessage answers 200`, `status ${priv.status}, body ${priv.text}`);
    checks.equal(safeJson(priv.text), { delivered: 1 }, `${user}: sendprivatemessage body`);

    const gotPriv = await checks.step(`${user}: private message received`, () => inbox.waitFor((m) => m.id === '1'), received);
    checks.equal({ channel: gotPriv.channel, data: gotPriv.data, id: gotPriv.id }, { channel: CHANNEL, data: PRIVATE_TEXT, id: '1' },
        `${user}: private message channel, data and id`);

    const bc = await checks.step(`${user}: POST /rest/sendbroadcastmessage/`, () => httpRequest('POST', `${url}/rest/sendbroadcastmessage/`,
        { channel: CHANNEL, message: BROADCAST_TEXT, id: '2' }));
    checks.ok(bc.status === 200, `${user}: sendbroadcastmessage answers 200`, `status ${bc.status}, body ${bc.text}`);
    checks.equal(safeJson(bc.text), { delivered: 1 }, `${user}: sendbroadcastmessage body`);

    const gotBc = await checks.step(`${user}: broadcast message received`, () => inbox.waitFor((m) => m.id === '2'), received);
    checks.equal({ channel: gotBc.channel, data: gotBc.data, id: gotBc.id }, { channel: CHANNEL, data: BROADCAST_TEXT, id: '2' },
        `${user}: broadcast message channel, data and id`);

    const dc = await checks.step(`${user}: disconnect`, () => client.disconnect());
    checks.ok(dc && dc.successful === true, `${user}: disconnect successful`, describe(dc));
    checks.equal(inbox.messages.map((m) => m.id), ['1', '2'], `${user}: each message received exactly once`);
}

// One line for a failure message; replies may hold circular objects (a failed request, say).
export function describe(value) {
    const text = inspect(value, { depth: 3, breakLength: Infinity });
    return text.length > 600 ? `${text.slice(0, 600)}...` : text;
}

// A session left connected (a held long poll, an open websocket) when the node gets SIGTERM:
// the node must still exit 0 (SPEC §1: answer held polls, exit).
export async function stayConnected(checks, url, user, client) {
    const token = await getToken(checks, url, user);
    const hs = await checks.step(`${user}: handshake (stays connected through SIGTERM)`, () => client.handshake(user, token));
    checks.ok(hs && hs.successful === true, `${user}: handshake successful`, describe(hs));
    const sub = await checks.step(`${user}: subscribe to ${CHANNEL}`, () => client.subscribe(CHANNEL, new Inbox()));
    checks.ok(sub && sub.successful === true, `${user}: subscribe successful`, describe(sub));
}

function safeJson(text) {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
