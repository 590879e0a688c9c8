#!/usr/bin/env node
/**
 * `npm run lint:electron`: Electronegativity (Doyensec's Electron security checker) over the app's source,
 * offline. Fails on any HIGH or MEDIUM finding that SECURITY.md does not list, by check and file, in its
 * table of reviewed Electronegativity findings.
 *
 * Offline: Electronegativity fetches translations and Electron's release list over the network. Here its
 * HTTP client (`got`) is replaced by one that fails at once, so it uses its bundled English texts, and the
 * release-list check (AvailableSecurityFixesGlobalCheck) is left out: the Electron version is pinned in
 * package.json and upgraded on purpose.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const Module = require('node:module');

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'got' && parent?.filename?.includes('@doyensec')) {
    const offline = () => Promise.reject(new Error('offline'));
    return Object.assign(offline, { head: offline, get: offline, default: offline });
  }
  return originalLoad.call(this, request, parent, isMain);
};

const run = require('@doyensec/electronegativity/dist/runner.js');
const { version } = require('@doyensec/electronegativity/package.json');
const electronVersion = require('electron/package.json').version;

/** (check, file) pairs SECURITY.md explains: rows of its table that start with `CHECK_ID` | `path`. */
const reviewed = new Set(
  [...readFileSync(join(root, 'SECURITY.md'), 'utf8').matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*`([^`]+)`\s*\|/gm)].map((m) => `${m[1]} ${m[2]}`),
);

const input = 'src';
const log = console.log;
console.log = (...args) => {
  if (!/Could not retrieve updated translations/.test(String(args[0]))) log(...args);
};
let result;
try {
  result = await run({
    input: join(root, input),
    output: null,
    isSarif: false,
    customScan: [],
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    severitySet: 'INFORMATIONAL',
    confidenceSet: 'TENTATIVE',
    isRelative: true,
    isVerbose: false,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  });
} finally {
  console.log = log;
}

const MEDIUM = 2;
const unreadable = result.errors.filter((e) => !e.tolerable);
const serious = result.issues.filter((issue) => issue.severity.value >= MEDIUM);
const key = (issue) => `${issue.id} ${join(input, issue.file)}`;
const unexplained = serious.filter((issue) => !reviewed.has(key(issue)));
const describe = (issue) => `${issue.severity.name} ${issue.id} in ${join(input, issue.file)}:${issue.location.line} (${issue.shortenedURL})`;

for (const error of unreadable) console.error(`Electronegativity could not read ${error.file}: ${error.message}`);
if (unexplained.length > 0) {
  console.error(`Electronegativity ${version}: ${unexplained.length} HIGH or MEDIUM finding(s) not reviewed in SECURITY.md:`);
  for (const issue of unexplained) console.error(`  ${describe(issue)}`);
  console.error('Fix them, or list each false positive with its reason in the table in SECURITY.md.');
}
const stale = [...reviewed].filter((entry) => !serious.some((issue) => key(issue) === entry));
for (const entry of stale) console.log(`note: SECURITY.md lists ${entry}, which Electronegativity no longer reports.`);
if (unexplained.length > 0 || unreadable.length > 0) process.exit(1);
console.log(
  `Electronegativity ${version} (offline, Electron ${electronVersion}, ${result.atomicChecks} atomic and ${result.globalChecks} global checks over ${input}/): ` +
    `no HIGH or MEDIUM finding beyond the ${serious.length} reviewed in SECURITY.md.`,
);
