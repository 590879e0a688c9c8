/**
 * Crafted and damaged bundles, on real files: weight paths that leave the folder (../, absolute, symlinks),
 * devices and FIFOs, manifests that name too many files or bytes, sizes that do not match the shapes,
 * NaN weights and inconsistent metadata. Predict and anatomy refuse each with the same sentence.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../contract/run-config.js';
import { computeAnatomy } from '../anatomy/index.js';
import { loadBundle, loadBundleModel, predictWithBundle, readBundle, writeRunBundle } from './index.js';
import { MAX_WEIGHT_PATHS } from './fs-io.js';
import { tinyRun } from './test-support/tiny-run.js';

tf.enableProdMode();
const run = promisify(execFile);

let root: string;
let bundle: string;
let csv: string;
let copies = 0;

async function expectInvalid(promise: Promise<unknown>, pattern: RegExp): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected an InvalidInputError matching ${pattern}`).toBeInstanceOf(InvalidInputError);
  expect((error as Error).message).toMatch(pattern);
  return (error as Error).message;
}

/** A fresh copy of the good bundle to damage. */
async function copyOfBundle(): Promise<string> {
  const dir = join(root, `copy-${++copies}`);
  await cp(bundle, dir, { recursive: true });
  return dir;
}

async function editModelJson(dir: string, edit: (json: { weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[] }) => void) {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  edit(json);
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
}

async function editMetadata(dir: string, edit: (json: Record<string, any>) => void) {
  const json = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8'));
  edit(json);
  await writeFile(join(dir, 'metadata.json'), JSON.stringify(json));
}

/** Predict and anatomy both refuse the bundle, with the same sentence. */
async function bothRefuse(dir: string, pattern: RegExp): Promise<void> {
  const fromPredict = await expectInvalid(predictWithBundle(dir, csv), pattern);
  const fromAnatomy = await expectInvalid(computeAnatomy({ source: 'bundle', bundleDir: dir }), pattern);
  expect(fromAnatomy).toBe(fromPredict);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fw-bundle-hardening-'));
  const tiny = await tinyRun(root);
  csv = tiny.csvPath;
  bundle = join(root, 'good');
  await writeRunBundle({ dir: bundle, model: tiny.model, result: tiny.result });
  tiny.model.dispose();
  await writeFile(join(root, 'secret.bin'), Buffer.alloc((await readFile(join(bundle, 'weights.bin'))).length, 7));
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('weight paths stay inside the bundle folder', () => {
  it('loads the good bundle, and a symlink to a file inside the folder', async () => {
    const dir = await copyOfBundle();
    await cp(join(dir, 'weights.bin'), join(dir, 'real-weights.bin'));
    await rm(join(dir, 'weights.bin'));
    await symlink('real-weights.bin', join(dir, 'weights.bin'));
    const { model } = await loadBundle(dir);
    model.dispose();
  });

  it('refuses a ../ path to a real file outside, in predict, anatomy and the model loader', async () => {
    const dir = await copyOfBundle();
    await editModelJson(dir, (json) => (json.weightsManifest[0].paths = ['../secret.bin']));
    await bothRefuse(dir, /the weight file "\.\.\/secret\.bin" is not inside the bundle folder/);
    await expectInvalid(loadBundleModel(dir), /not inside the bundle folder/);
  });

  it('refuses absolute paths (/proc/self/environ, /etc/passwd)', async () => {
    for (const path of ['/proc/self/environ', '/etc/passwd']) {
      const dir = await copyOfBundle();
      await editModelJson(dir, (json) => (json.weightsManifest[0].paths = [path]));
      await bothRefuse(dir, /is not inside the bundle folder/);
    }
  });

  it('refuses a weights.bin that is a symlink to a file outside, or to /dev/zero', async () => {
    for (const target of [join(root, 'secret.bin'), '/dev/zero']) {
      const dir = await copyOfBundle();
      await rm(join(dir, 'weights.bin'));
      await symlink(target, join(dir, 'weights.bin'));
      await bothRefuse(dir, /the weight file "weights\.bin" is not inside the bundle folder \(after following links\)/);
    }
  });

  it('refuses a model.json that is a symlink out of the folder', async () => {
    const dir = await copyOfBundle();
    await cp(join(dir, 'model.json'), join(root, 'outside-model.json'));
    await rm(join(dir, 'model.json'));
    await symlink(join(root, 'outside-model.json'), join(dir, 'model.json'));
    await expectInvalid(loadBundleModel(dir), /model file "model\.json" is not inside the bundle folder/);
  });

  it('refuses a FIFO and a device inside the folder at once, without blocking', async () => {
    const fifo = await copyOfBundle();
    await rm(join(fifo, 'weights.bin'));
    await run('mkfifo', [join(fifo, 'weights.bin')]);
    await bothRefuse(fifo, /weights\.bin cannot be read: it is a named pipe \(FIFO\), not a regular file/);

    const device = await copyOfBundle();
    await rm(join(device, 'weights.bin'));
    const made = await run('mknod', [join(device, 'weights.bin'), 'c', '1', '5']).then(
      () => true,
      () => false,
    );
    if (made) await bothRefuse(device, /weights\.bin cannot be read: it is a device, not a regular file/);
    else console.warn('mknod is not permitted here; the device case is covered by the /dev/zero symlink test');
  });
});

describe('metadata.json is read like the weights', () => {
  it('refuses a metadata.json that is a FIFO, a link to /dev/zero or a link out of the folder', async () => {
    const fifo = await copyOfBundle();
    await rm(join(fifo, 'metadata.json'));
    await run('mkfifo', [join(fifo, 'metadata.json')]);
    await bothRefuse(fifo, /metadata\.json cannot be read: it is a named pipe \(FIFO\), not a regular file/);
    await expectInvalid(readBundle(fifo), /named pipe/);

    for (const target of ['/dev/zero', join(root, 'good', 'metadata.json')]) {
      const linked = await copyOfBundle();
      await rm(join(linked, 'metadata.json'));
      await symlink(target, join(linked, 'metadata.json'));
      await bothRefuse(linked, /the file "metadata\.json" is not inside the bundle folder \(after following links\)/);
    }
  });
});

describe('weight sizes are checked before reading', () => {
  it(`refuses a manifest naming 200,000 weight files at once (more than ${MAX_WEIGHT_PATHS})`, async () => {
    const dir = await copyOfBundle();
    await editModelJson(dir, (json) => (json.weightsManifest[0].paths = Array.from({ length: 200_000 }, (_, i) => `../shard-${i}.bin`)));
    await bothRefuse(dir, /names more than 1024 weight files/);
  });

  it('refuses shapes that imply more than the byte cap', async () => {
    const dir = await copyOfBundle();
    await editModelJson(dir, (json) => (json.weightsManifest[0].weights[0].shape = [100_000, 100_000]));
    await bothRefuse(dir, /its weights would take more than 512 MB/);
  });

  it('refuses a weights file longer or shorter than the shapes imply', async () => {
    const longer = await copyOfBundle();
    const bytes = await readFile(join(longer, 'weights.bin'));
    await writeFile(join(longer, 'weights.bin'), Buffer.concat([bytes, Buffer.alloc(4096)]));
    await bothRefuse(longer, new RegExp(`weights\\.bin is larger \\(${bytes.length + 4096} bytes\\) than model\\.json's shapes allow \\(${bytes.length} bytes\\)`));

    const shorter = await copyOfBundle();
    await writeFile(join(shorter, 'weights.bin'), bytes.subarray(0, bytes.length - 8));
    await bothRefuse(shorter, new RegExp(`weights\\.bin hold ${bytes.length - 8} bytes, but the shapes in model\\.json need ${bytes.length}`));
  });

  it('refuses unknown dtypes and shapes that are not whole numbers', async () => {
    const dtype = await copyOfBundle();
    await editModelJson(dtype, (json) => (json.weightsManifest[0].weights[0].dtype = 'string'));
    await bothRefuse(dtype, /has the unsupported dtype "string"/);
    const shape = await copyOfBundle();
    await editModelJson(shape, (json) => (json.weightsManifest[0].weights[0].shape = [-1, 3]));
    await bothRefuse(shape, /has no valid shape/);
  });
});

describe('one validation of a damaged bundle for predict and anatomy', () => {
  it('refuses NaN weights instead of predicting null everywhere', async () => {
    const dir = await copyOfBundle();
    const bytes = await readFile(join(dir, 'weights.bin'));
    const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    values[0] = NaN;
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(values.buffer));
    await bothRefuse(dir, /weights are damaged: ".+" holds 1 value\(s\) that are not finite numbers/);
  });

  it('refuses empty scaler arrays, a scaler of the wrong length and an impossible range', async () => {
    const cases: Array<[(m: Record<string, any>) => void, RegExp]> = [
      [(m) => ((m.scaler.min = []), (m.scaler.max = [])), /the scaler has 0 minimum\(s\) and 0 maximum\(s\) for 1 feature\(s\)/],
      [(m) => (m.scaler.min = [1, 2]), /the scaler has 2 minimum\(s\) and 1 maximum\(s\)/],
      [(m) => ((m.scaler.min = [10]), (m.scaler.max = [1])), /the scaler's range for "Value" \(10 to 1\) is not a finite range/],
      [(m) => (m.windowing.features = ['Other']), /windowing\.features \(Other\) is not the target column/],
      [(m) => (m.windowing.inputShape = [9, 1]), /windowing\.inputShape \[9, 1\] is not \[timeSteps, features\] = \[4, 1\]/],
      [(m) => (m.files.weights = ['../secret.bin']), /files names "\.\.\/secret\.bin", which is not a file of the bundle folder/],
    ];
    for (const [edit, pattern] of cases) {
      const dir = await copyOfBundle();
      await editMetadata(dir, edit);
      await bothRefuse(dir, pattern);
      await expectInvalid(readBundle(dir), pattern);
    }
  });

  it('refuses a model that does not match metadata.json, in both', async () => {
    const dir = await copyOfBundle();
    await editMetadata(dir, (m) => {
      m.windowing.timeSteps = 5;
      m.windowing.inputShape = [5, 1];
      m.config.prep.timeSteps = 5;
    });
    await bothRefuse(dir, /is inconsistent: its model takes \[4, 1\] and predicts 1, but metadata\.json says \[5, 1\] and 1/);
  });

  it('the CLI prints one sentence and exits 1 for a bundle whose weights point outside', async () => {
    const dir = await copyOfBundle();
    await editModelJson(dir, (json) => (json.weightsManifest[0].paths = ['/etc/passwd']));
    const cli = resolve('bin/forecast-workbench.mjs');
    for (const args of [['anatomy', '--bundle', dir, '--json'], ['predict', dir, '--csv', csv]]) {
      const outcome = await run(process.execPath, [cli, ...args], { timeout: 120_000 }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      expect(outcome.code).toBe(1);
      expect(outcome.stdout).toBe('');
      expect(outcome.stderr).toMatch(/the weight file "\/etc\/passwd" is not inside the bundle folder/);
      expect(outcome.stderr).not.toMatch(/root:|\n\s+at /);
    }
  });
});
