#!/usr/bin/env node
// The forecast-workbench command line: runs the compiled CLI in lib/ (built from src/ by `npm install`
// or `npm run build:node`). In a source checkout without lib/, it runs src/ through tsx instead.
import { existsSync } from 'node:fs';

const built = new URL('../lib/cli/index.js', import.meta.url);
let main;
if (existsSync(built)) {
  ({ main } = await import(built.href));
} else {
  const { register } = await import('tsx/esm/api').catch(() => {
    console.error('forecast-workbench is not built: run `npm run build:node` (or `npm install`) in its folder.');
    process.exit(1);
  });
  register();
  ({ main } = await import('../src/cli/index.ts'));
}
process.exitCode = await main(process.argv.slice(2));
