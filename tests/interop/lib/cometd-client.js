// The official CometD JavaScript client running in Node through cometd-nodejs-client, adapted to
// the harness scenario, restricted to exactly one transport so that no silent fallback hides a
// broken one.
import http from 'node:http';
import vm from 'node:vm';
import { verbose } from './harness.js';

let CometD = null;

// cometd's callback-polling transport loads a <script> element; this stands in for the browser:
// GET the script's src, then run the returned JavaScript with `window` as its global object.
function installScriptLoader(window) {
    const head = {
        appendChild(script) {
            const req = http.get(script.src, { agent: false }, (res) => {
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('end', () => {
                    if (res.statusCode !== 200) {
                        script.onerror?.({ type: `error (HTTP ${res.statusCode})` });
                        return;
                    }
                    try {
                        vm.runInContext(Buffer.concat(chunks).toString('utf8'), vm.isContext(window) ? window : vm.createContext(window));
                    } catch (e) {
                        script.onerror?.({ type: `error (${e.message})` });
                    }
                });
            });
            req.on('error', (e) => script.onerror?.({ type: `error (${e.message})` }));
        },
        removeChild() {},
    };
    window.document = {
        getElementsByTagName: (name) => (name === 'head' ? [head] : []),
        createElement: () => ({}),
    };
}

// Dynamic imports, so that a missing node_modules is reported by the harness in plain words.
export async function loadCometD() {
    const { adapt } = await import('cometd-nodejs-client');
    adapt();
    installScriptLoader(globalThis.window);
    ({ CometD } = await import('cometd'));
}

export class CometDClient {
    constructor(url, transport) {
        this.cometd = new CometD();
        for (const type of this.cometd.getTransportTypes()) {
            if (type !== transport) this.cometd.unregisterTransport(type);
        }
        this.cometd.configure({ url: `${url}/cometd/cometd`, logLevel: verbose ? 'debug' : 'warn' });
    }

    handshake(user, token) {
        return new Promise((resolve) => this.cometd.handshake({ exoId: user, exoToken: token }, resolve));
    }

    transport() {
        return this.cometd.getTransport()?.type;
    }

    subscribe(channel, inbox) {
        return new Promise((resolve) => this.cometd.subscribe(channel, (message) => inbox.add(message), resolve));
    }

    disconnect() {
        return new Promise((resolve) => this.cometd.disconnect(resolve));
    }
}
