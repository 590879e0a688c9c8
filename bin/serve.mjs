#!/usr/bin/env node
/**
 * Browser mode: `npm run serve` (after `npm run build:web`). Serves the built renderer and the workbench
 * host on 127.0.0.1 and prints the URL with its access token. Ctrl+C stops it.
 *
 *   node bin/serve.mjs [--port N] [--web-root out/web] [--runs-dir DIR] [--exports-dir DIR]
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

let args;
try {
  args = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'web-root': { type: 'string', default: join(root, 'out', 'web') },
      'runs-dir': { type: 'string' },
      'exports-dir': { type: 'string', default: join(root, '.runs', 'exports') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (error) {
  console.error(`${error.message}\nUsage: node bin/serve.mjs [--port N] [--web-root DIR] [--runs-dir DIR] [--exports-dir DIR]`);
  process.exit(2);
}
if (args.help) {
  console.log(`Forecast Workbench in a browser, served on 127.0.0.1 only.

Usage: node bin/serve.mjs [options]   (npm run serve builds the renderer first)

  --port N           port to listen on (default 0: any free port)
  --web-root DIR     built renderer (default out/web)
  --runs-dir DIR     the run store (default: FORECAST_WORKBENCH_RUNS_DIR, else the app data folder,
                     shared with the desktop app and the command line)
  --exports-dir DIR  where exports go (default .runs/exports)`);
  process.exit(0);
}
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a whole number from 0 to 65535, not "${args.port}".`);
  process.exit(2);
}
const webRoot = resolve(args['web-root']);
if (!existsSync(join(webRoot, 'index.html'))) {
  console.error(`The renderer is not built: ${webRoot} has no index.html. Run \`npm run build:web\` (or \`npm run serve\`, which builds it).`);
  process.exit(1);
}

// The compiled lib/ (npm install builds it); in a source checkout without it, src/ through tsx.
let tree = 'lib';
let ext = '.js';
if (!existsSync(join(root, 'lib', 'server', 'server.js'))) {
  const { register } = await import('tsx/esm/api').catch(() => {
    console.error('The workbench is not built: run `npm run build:node` (or `npm install`) in its folder.');
    process.exit(1);
  });
  register();
  tree = 'src';
  ext = '.ts';
}
const { startWorkbenchServer } = await import(pathToFileURL(join(root, tree, 'server', `server${ext}`)).href);
const { runsDirFrom } = await import(pathToFileURL(join(root, tree, 'engine', 'runs', `location${ext}`)).href);
const runsDir = runsDirFrom(args['runs-dir']);

let server;
try {
  server = await startWorkbenchServer({ port, webRoot, runsDir, exportsDir: resolve(args['exports-dir']) });
} catch (error) {
  console.error(error.code === 'EADDRINUSE' ? `Port ${port} is in use: pick another with --port, or --port 0 for any free one.` : error.message);
  process.exit(1);
}

console.log(`Forecast Workbench is running in browser mode.
Open this URL (it holds the access token; anyone with it can use the workbench):

  ${server.url}

Runs are stored in ${runsDir}; exports go to ${resolve(args['exports-dir'])}. Press Ctrl+C to stop.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
