/**
 * Test-only child process: starts an atomic folder write at argv[2], writes one file into its partial
 * folder, prints "filling <partial>" and then waits for ever, to be killed mid-write by the test.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLE_FILES } from '../../../contract/bundles.js';
import { writeFolderAtomically } from '../atomic.js';

await writeFolderAtomically(process.argv[2], async (temp) => {
  await writeFile(join(temp, BUNDLE_FILES.weights), new Uint8Array(1024));
  process.stdout.write(`filling ${temp}\n`);
  await new Promise(() => setInterval(() => undefined, 1 << 30));
});
