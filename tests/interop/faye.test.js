#!/usr/bin/env node
// Interop: the Faye Node client against cometd-node, once restricted to long-polling and once as
// it comes (handshake over HTTP, then it moves its /meta/connect to websocket). An extension puts
// exoId/exoToken at the top level of /meta/handshake, as the original eXo client did.
// Usage: node faye.test.js [path/to/cometd-node]   (or COMETD_NODE=...)
import { describe, getToken, runTest, scenario } from './lib/harness.js';

const { default: faye } = await import('faye'); // after the harness checked node_modules

class FayeClient {
    constructor(url, connectionType) {
        this.wanted = connectionType;
        this.client = new faye.Client(`${url}/cometd/cometd`, { timeout: 60, retry: 1 });
        if (connectionType === 'long-polling') this.client.disable('websocket');
        this.lastConnectionType = undefined; // of the last /meta/connect sent
        this.replies = [];
        this.waiters = [];
        this.inbox = null;
        this.client.addExtension({
            outgoing: (message, callback) => {
                if (message.channel === '/meta/handshake' && this.user !== undefined) {
                    message.exoId = this.user;
                    message.exoToken = this.token;
                }
                callback(message);
                if (message.channel === '/meta/connect') {
                    this.lastConnectionType = message.connectionType;
                    this.notify();
                }
            },
            // The subscription callback only gets `data`: the whole message (with `id`) is taken here.
            incoming: (message, callback) => {
                if (message.channel.startsWith('/meta/')) {
                    this.replies.push(message);
                    this.notify();
                } else if (this.inbox) {
                    this.inbox.add(message);
                }
                callback(message);
            },
        });
    }

    notify() {
        for (const w of [...this.waiters]) w();
    }

    // Resolves with the first truthy value of cond(), checked whenever a message passes.
    until(cond) {
        return new Promise((resolve) => {
            const check = () => {
                const found = cond();
                if (found) {
                    this.waiters = this.waiters.filter((w) => w !== check);
                    resolve(found);
                }
            };
            this.waiters.push(check);
            check();
        });
    }

    reply(pred) {
        return this.until(() => this.replies.find(pred));
    }

    // Resolves with the handshake reply once a /meta/connect went out over the wanted transport
    // (or at once when the handshake failed). Its reply is not awaited: a server may hold it.
    async handshake(user, token) {
        this.user = user;
        this.token = token;
        this.client.connect();
        const hs = await this.reply((m) => m.channel === '/meta/handshake');
        if (!hs.successful) return hs;
        await this.until(() => this.lastConnectionType === this.wanted);
        return hs;
    }

    transport() {
        return this.lastConnectionType;
    }

    async subscribe(channel, inbox) {
        this.inbox = inbox;
        const subscribed = this.reply((m) => m.channel === '/meta/subscribe' && m.subscription === channel);
        this.client.subscribe(channel, () => {}); // the reply is taken from the incoming extension
        return subscribed;
    }

    async disconnect() {
        const done = this.reply((m) => m.channel === '/meta/disconnect');
        this.client.disconnect();
        return done;
    }
}

// As CometD's server, the node answers a session's first /meta/connect at once: Faye, which sends
// it over HTTP, learns the advice and moves to WebSocket without waiting out a held poll (30 s,
// longer than a step may take).
async function firstConnectAnsweredAtOnce(checks, url) {
    const user = 'exo-faye-first';
    const client = new FayeClient(url, 'websocket');
    const token = await getToken(checks, url, user);
    await checks.step(`${user}: handshake`, () => client.handshake(user, token));
    const reply = await checks.step(`${user}: first /meta/connect answered`, () => client.reply((m) => m.channel === '/meta/connect'));
    checks.ok(reply && reply.successful === true, `${user}: first /meta/connect successful`, describe(reply));
    await checks.step(`${user}: disconnect`, () => client.disconnect());
}

await runTest('faye', async ({ checks, url }) => {
    await firstConnectAnsweredAtOnce(checks, url);
    await scenario(checks, url, 'exo-faye-lp', new FayeClient(url, 'long-polling'), 'long-polling');
    await scenario(checks, url, 'exo-faye-ws', new FayeClient(url, 'websocket'), 'websocket');
});
