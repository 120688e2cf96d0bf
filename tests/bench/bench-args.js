// bench-args.js: what the bench's Node drivers share: `--name=value` options, and the rule that
// they only ever talk to loopback addresses.
'use strict';

// Returns {name: value} (value true for a bare --name); prints help and exits on --help or on an
// argument that is not an option.
function parseOptions(argv, help) {
    const opts = {};
    for (const a of argv) {
        const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
        if (!m || a === '--help') {
            process.stdout.write(help);
            process.exit(m ? 0 : 64);
        }
        opts[m[1]] = m[2] === undefined ? true : m[2];
    }
    return opts;
}

// Exits (64) unless every URL names a loopback host.
function requireLoopback(urls) {
    for (const u of urls) {
        if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(new URL(u).hostname)) {
            console.error(`refusing: ${u} is not a loopback address`);
            process.exit(64);
        }
    }
}

module.exports = { parseOptions, requireLoopback };
