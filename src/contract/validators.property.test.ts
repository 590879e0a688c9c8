/**
 * Property tests (fast-check): random messages into every validator of src/contract — each exported
 * `parse…(input)` function, `parseRequest`/`parseResponse` for every channel, and `safeParse` of every
 * exported zod schema (host-protocol frames, workbench-api, training-process and engine-worker messages,
 * run config and events, …). The validators are found by walking the modules' exports, so a new one is
 * covered without editing this file. Always a result or one InvalidInputError sentence; never another
 * kind of throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as anatomy from './anatomy.js';
import * as bundles from './bundles.js';
import * as datasets from './datasets.js';
import * as engineWorker from './engine-worker.js';
import * as hostProtocol from './host-protocol.js';
import * as runConfig from './run-config.js';
import * as runEvents from './run-events.js';
import * as runResult from './run-result.js';
import * as trainingProcess from './training-process.js';
import * as workbenchApi from './workbench-api.js';
import { InvalidInputError, tutorialConfig } from './run-config.js';

const modules: Record<string, Record<string, unknown>> = { anatomy, bundles, datasets, engineWorker, hostProtocol, runConfig, runEvents, runResult, trainingProcess, workbenchApi };

interface SafeParser {
  safeParse(input: unknown): { success: boolean };
}
const isSchema = (value: unknown): value is SafeParser => typeof (value as SafeParser | null)?.safeParse === 'function';

const schemas = Object.entries(modules).flatMap(([module, exports]) =>
  Object.entries(exports)
    .filter(([, value]) => isSchema(value))
    .map(([name, value]) => ({ name: `${module}.${name}`, schema: value as SafeParser })),
);
const parsers = Object.entries(modules).flatMap(([module, exports]) =>
  Object.entries(exports)
    .filter(([name, value]) => /^parse/.test(name) && typeof value === 'function' && (value as () => unknown).length === 1)
    .map(([name, value]) => ({ name: `${module}.${name}`, parse: value as (input: unknown) => unknown })),
);
const channelNames = Object.keys(workbenchApi.channels) as workbenchApi.Channel[];

/** Words of the contract, so random objects often look almost right and reach deep checks. */
const KEYS = ['id', 'type', 'channel', 'request', 'response', 'ok', 'error', 'kind', 'message', 'stream', 'event', 'config', 'runId', 'path', 'method', 'args', 'data', 'model', 'layers', 'units', 'training', 'epochs', 'batchSize', 'seed', 'prep', 'timeSteps', 'evaluation', 'column', 'bundleDir', 'source', 'cell', 'fraction', 'backend', 'result', 'epoch', 'name', 'target', 'inputs', 'values', 'activation', 'input', '__proto__', 'constructor'];
const WORDS = [...channelNames, ...engineWorker.ENGINE_WORKER_METHODS, ...runConfig.RECURRENT_LAYER_TYPES, ...runConfig.ACTIVATIONS, ...runConfig.OPTIMIZERS, 'train', 'stop', 'recover', 'ready', 'started', 'epoch', 'batch', 'message', 'finished', 'failed', 'engine-ready', 'engine-progress', 'engine-reply', 'run-event', 'dataset-progress', 'invalid-input', 'internal', 'demo', 'bundle', 'user', '', '/tmp/x.csv', '../../etc/passwd', '\u0000', 'é', '\ud800'];

const numbers = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, 1, -1, NaN, Infinity, -Infinity, 1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, 1e9));
const leaves = fc.oneof(numbers, fc.constantFrom(...WORDS), fc.string({ maxLength: 40 }), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.bigInt(), fc.date());
const { contractish } = fc.letrec((tie) => ({
  contractish: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaves, tie('object'), tie('array')),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 })), tie('contractish'), { maxKeys: 8 }),
  array: fc.array(tie('contractish'), { maxLength: 6 }),
}));

/** A valid message with one value somewhere inside replaced by something random. */
function mutated(valid: unknown) {
  const paths: Array<Array<string | number>> = [];
  const walk = (value: unknown, path: Array<string | number>) => {
    paths.push(path);
    if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) walk(inner, [...path, Array.isArray(value) ? Number(key) : key]);
  };
  walk(valid, []);
  return fc.tuple(fc.constantFrom(...paths), contractish).map(([path, replacement]) => {
    if (path.length === 0) return replacement;
    const copy = structuredClone(valid) as Record<string | number, unknown>;
    let at = copy;
    for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
    at[path.at(-1)!] = replacement;
    return copy;
  });
}

const config = tutorialConfig('/data/sunspots.csv');
const validMessages: unknown[] = [
  config,
  { id: 1, channel: 'runs:start', request: { config } },
  { type: 'train', runId: 'run-1', config },
  { type: 'stop', runId: 'run-1' },
  { type: 'epoch', runId: 'run-1', epoch: 1, epochs: 2, loss: 0.5, valLoss: 0.4, seconds: 1 },
  { id: 3, ok: false, error: { kind: 'invalid-input', message: 'No.' } },
  { stream: 'run-event', event: { type: 'started', runId: 'r' } },
  { source: 'demo', bundleDir: null, cell: 'lstm', units: 2, timeSteps: 3, activation: 'tanh', input: null, seed: 1 },
];
const messages = fc.oneof(fc.jsonValue(), fc.anything(), contractish, ...validMessages.map(mutated));

/** A validator's answer to any input: a value, or an InvalidInputError whose message is one sentence for people. */
function expectResultOrSentence(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    const message = (error as Error).message;
    expect(message.length).toBeGreaterThan(0);
    expect(message).not.toMatch(/\n|\bat .+:\d+:\d+/);
  }
}

const RUNS = { numRuns: 300 };

describe('contract validators on random messages', () => {
  it('finds the validators to test', () => {
    expect(parsers.map((p) => p.name)).toEqual(expect.arrayContaining(['runConfig.parseRunConfig', 'runEvents.parseRunEvent', 'trainingProcess.parseTrainingProcessRequest', 'trainingProcess.parseTrainingProcessMessage']));
    expect(schemas.map((s) => s.name)).toEqual(expect.arrayContaining(['hostProtocol.WsCallSchema', 'hostProtocol.WsServerFrameSchema', 'hostProtocol.CallReplySchema', 'runConfig.RunConfigSchema']));
    expect(schemas.length).toBeGreaterThan(20);
  });

  it.each(parsers.map((p) => [p.name, p] as const))('%s returns or throws one sentence', (_name, { parse }) => {
    fc.assert(fc.property(messages, (input) => expectResultOrSentence(() => parse(input))), RUNS);
  });

  it.each(channelNames)('parseRequest and parseResponse of %s return or throw one sentence', (channel) => {
    fc.assert(
      fc.property(messages, (input) => {
        expectResultOrSentence(() => workbenchApi.parseRequest(channel, input));
        expectResultOrSentence(() => workbenchApi.parseResponse(channel, input));
      }),
      { numRuns: 150 },
    );
  });

  it('safeParse of every exported schema never throws', () => {
    fc.assert(
      fc.property(messages, (input) => {
        for (const { schema } of schemas) expect(typeof schema.safeParse(input).success).toBe('boolean');
      }),
      { numRuns: 200 },
    );
  });

  it('a WebSocket frame payload, as the server reads it (JSON.parse, then WsCallSchema), is a call or refused', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string(), fc.uint8Array().map((bytes) => new TextDecoder().decode(bytes))), (text) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        expect(typeof hostProtocol.WsCallSchema.safeParse(parsed).success).toBe('boolean');
        expect(typeof hostProtocol.WsServerFrameSchema.safeParse(parsed).success).toBe('boolean');
      }),
      RUNS,
    );
  });
});
