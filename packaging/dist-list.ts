/**
 * `npm run dist:list`: print what the installers ship, as electron-builder computes it from
 * electron-builder.yml (see packaged-app.ts): every file inside app.asar, those unpacked beside it
 * (native files), and the extra resources, then a summary per package. `--summary` prints only that.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUnpackedApp, listPackagedApp, packageOfPath } from './packaged-app.js';

const summaryOnly = process.argv.includes('--summary');
const work = mkdtempSync(join(tmpdir(), 'fw-dist-list-'));
try {
  const app = listPackagedApp(buildUnpackedApp(work, (line) => process.stderr.write(`${line}\n`)));
  if (!summaryOnly) {
    for (const file of app.appFiles) console.log(`${file.unpacked ? 'app.asar.unpacked' : 'app.asar'}/${file.path}`);
    for (const file of app.resources) console.log(`resources/${file}`);
  }
  const byPackage = new Map<string, { files: number; bytes: number }>();
  for (const file of app.appFiles) {
    const key = packageOfPath(file.path) ?? `(app) ${file.path.split('/').slice(0, 2).join('/')}`;
    const entry = byPackage.get(key) ?? { files: 0, bytes: 0 };
    entry.files++;
    entry.bytes += file.size;
    byPackage.set(key, entry);
  }
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1).padStart(7);
  console.log('\nfiles     MB  package or folder');
  for (const [name, { files, bytes }] of [...byPackage].sort((a, b) => b[1].bytes - a[1].bytes)) {
    console.log(`${String(files).padStart(5)} ${mb(bytes)}  ${name}`);
  }
  const total = app.appFiles.reduce((sum, f) => sum + f.size, 0);
  console.log(
    `\n${app.appFiles.length} app files (${mb(total).trim()} MB; ${app.appFiles.filter((f) => f.unpacked).length} unpacked beside app.asar), ${app.resources.length} extra resources.`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
