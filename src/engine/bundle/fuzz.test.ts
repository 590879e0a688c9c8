/**
 * Property-based tests (fast-check): random bundles into the bundle reader. Each case is a real folder:
 * the files of a real bundle with a random model.json (random JSON, or the real one with a random weights
 * manifest: paths that leave the folder, odd shapes and dtypes), a random metadata.json (random JSON, or
 * the real one with one field replaced by random JSON) and a random weights.bin. Reading it gives a bundle
 * or an InvalidInputError with one sentence; never another exception.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../contract/run-config.js';
import { loadBundle, readBundle, writeRunBundle } from './index.js';
import { tinyRun } from './test-support/tiny-run.js';

tf.enableProdMode();
let root: string;
let good: string;
let goodModel: Record<string, unknown>;
let goodMetadata: Record<string, unknown>;
let goodWeights: Buffer;
let cases = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fw-bundle-fuzz-'));
  const tiny = await tinyRun(root);
  good = join(root, 'good');
  await writeRunBundle({ dir: good, model: tiny.model, result: tiny.result });
  tiny.model.dispose();
  goodModel = JSON.parse(await readFile(join(good, 'model.json'), 'utf8'));
  goodMetadata = JSON.parse(await readFile(join(good, 'metadata.json'), 'utf8'));
  goodWeights = await readFile(join(good, 'weights.bin'));
  await writeFile(join(root, 'secret.bin'), goodWeights);
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const weightPath = fc.constantFrom('weights.bin', '../secret.bin', '/etc/passwd', '/dev/zero', '/proc/self/environ', 'nope.bin', '', '.', '..', './weights.bin', 'sub/../weights.bin');
const weightSpec = fc.record({
  name: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('simple_rnn/kernel', 'dense/bias')),
  shape: fc.array(fc.oneof(fc.integer({ min: -2, max: 8 }), fc.constantFrom(0, 1e6, 2 ** 31, 1.5)), { maxLength: 3 }),
  dtype: fc.constantFrom('float32', 'int32', 'bool', 'string', 'complex64', 'float64', 'x'),
});

/** model.json: random JSON, or the real one with a random manifest (or the real manifest with odd paths). */
const modelJson = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.array(fc.record({ paths: fc.array(weightPath, { maxLength: 4 }), weights: fc.array(weightSpec, { maxLength: 4 }) }), { maxLength: 3 }).map((manifest) => JSON.stringify({ ...goodModel, weightsManifest: manifest })),
  fc.array(weightPath, { minLength: 1, maxLength: 3 }).map((paths) => {
    const manifest = structuredClone(goodModel.weightsManifest) as { paths: string[] }[];
    manifest[0].paths = paths;
    return JSON.stringify({ ...goodModel, weightsManifest: manifest });
  }),
  fc.constant('{ not json'),
  fc.constant(null as unknown as string).map(() => JSON.stringify(goodModel)),
);

/** metadata.json: random JSON, or the real one with one (possibly nested) field replaced. */
const metadataJson = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc
    .record({
      key: fc.constantFrom('scaler', 'windowing', 'dataset', 'config', 'files', 'metrics', 'history', 'formatVersion', 'format', 'forecast'),
      inner: fc.option(fc.constantFrom('min', 'max', 'features', 'timeSteps', 'inputShape', 'horizon', 'weights', 'model', 'column', 'prep'), { nil: undefined }),
      value: fc.jsonValue(),
    })
    .map(({ key, inner, value }) => {
      const metadata = structuredClone(goodMetadata) as Record<string, Record<string, unknown>>;
      if (inner !== undefined && metadata[key] && typeof metadata[key] === 'object') metadata[key][inner] = value as unknown;
      else (metadata as Record<string, unknown>)[key] = value;
      return JSON.stringify(metadata);
    }),
  fc.constant(null as unknown as string).map(() => JSON.stringify(goodMetadata)),
);

/** weights.bin: the real one, cut, extended, NaN-filled, or random bytes. */
const weightsBin = fc.oneof(
  fc.constant(null).map(() => goodWeights),
  fc.integer({ min: 0, max: 400 }).map((n) => goodWeights.subarray(0, Math.min(n, goodWeights.length))),
  fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
  fc.constant(null).map(() => Buffer.from(new Float32Array(goodWeights.length / 4).fill(NaN).buffer)),
);

function expectOneSentence(error: unknown): void {
  expect(error).toBeInstanceOf(InvalidInputError);
  const message = (error as Error).message;
  expect(message.length).toBeGreaterThan(0);
  expect(message.length).toBeLessThan(3000);
  expect(message).not.toMatch(/\n\s+at /);
}

describe('random bundles into the bundle reader', () => {
  it('give a bundle or one sentence, never another exception', async () => {
    await fc.assert(
      fc.asyncProperty(modelJson, metadataJson, weightsBin, async (model, metadata, weights) => {
        const dir = join(root, `case-${++cases}`);
        await mkdir(dir);
        await cp(join(good, 'README.txt'), join(dir, 'README.txt'));
        await writeFile(join(dir, 'model.json'), model);
        await writeFile(join(dir, 'metadata.json'), metadata);
        await writeFile(join(dir, 'weights.bin'), weights);
        try {
          await readBundle(dir).then(
            () => undefined,
            (error) => expectOneSentence(error),
          );
          await loadBundle(dir).then(
            ({ model: loaded }) => loaded.dispose(),
            (error) => expectOneSentence(error),
          );
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 60) },
    );
  }, 120_000);
});
