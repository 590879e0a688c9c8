/**
 * A bundle trained on the fused path is an ordinary TensorFlow.js bundle: it loads in plain tfjs (its own
 * http loader, in a separate process) and predicts what the fused predictor predicted before export, and
 * the bundle's own predict gives the run's predictions again.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictWithBundle, readBundleMetadata, writeRunBundle } from './index.js';
import { tinyRun, type TinyRun } from './test-support/tiny-run.js';

const here = dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

let root: string;
let tiny: TinyRun;
let bundle: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fw-fused-bundle-'));
  tiny = await tinyRun(root, { trainer: 'fused', inputColumns: ['Temp'], outputUnits: 2 });
  bundle = join(root, 'fused-run');
  await writeRunBundle({ dir: bundle, model: tiny.model, result: { ...tiny.result, bundleDir: bundle } });
});

afterAll(async () => {
  tiny?.model.dispose();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('a bundle trained by the fused trainer', () => {
  it('says so in its metadata', async () => {
    expect(tiny.result.trainer).toBe('fused');
    expect((await readBundleMetadata(bundle)).metadata.trainer).toBe('fused');
  });

  it('loads in plain TensorFlow.js (tf.loadLayersModel over http, another process) and predicts as the fused predictor did', async () => {
    const server = createServer(async (req, res) => {
      try {
        res.end(await readFile(join(bundle, new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/+/, ''))));
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model.json`;
      const w = tiny.testWindows;
      const input = join(root, 'input.json');
      const output = join(root, 'output.json');
      await writeFile(input, JSON.stringify({ x: Array.from(w.x), shape: [w.samples, w.timeSteps, w.features] }));
      await run(process.execPath, [join(here, 'test-support', 'load-over-http.mjs'), url, input, output], { timeout: 120_000 });
      const loaded = JSON.parse(await readFile(output, 'utf8')) as { predictions: number[] };
      const fused = Array.from(tiny.testPredictionsScaled);
      expect(loaded.predictions).toHaveLength(fused.length);
      expect(fused.length).toBe(w.samples * 2);
      const maxDiff = Math.max(...fused.map((v, i) => Math.abs(v - loaded.predictions[i])));
      expect(maxDiff).toBeLessThanOrEqual(1e-5);
    } finally {
      server.close();
    }
  });

  it('predicts the training CSV again with the bundle: the run\'s own test predictions', async () => {
    const again = await predictWithBundle(bundle, tiny.csvPath);
    const byRowAndStep = new Map(again.predictions.map((p) => [`${p.index}:${p.step}`, p.predicted]));
    const test = tiny.result.predictions.filter((p) => p.split === 'test');
    expect(test.length).toBeGreaterThan(0);
    for (const p of test) expect(byRowAndStep.get(`${p.index}:${p.step}`)).toBeCloseTo(p.predicted, 6);
  });
});
