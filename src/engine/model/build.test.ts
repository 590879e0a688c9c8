import { describe, expect, it } from 'vitest';
import { backendForWorkload } from './backend.js';
import { buildModel, specParameterCount } from './build.js';
import { recurrentModel } from './test-support/model-spec.js';

const layer = (type: 'simpleRNN' | 'lstm' | 'gru', units: number) => ({ type, units, activation: 'tanh' as const, dropout: 0 });

describe('specParameterCount', () => {
  it.each([
    [[layer('simpleRNN', 3)], 1, 1],
    [[layer('lstm', 16)], 5, 1],
    [[layer('gru', 8), layer('lstm', 4)], 2, 3],
    [[layer('lstm', 4), layer('gru', 2), layer('simpleRNN', 5)], 3, 7],
  ])('counts what buildModel builds (%j, %i features, %i outputs)', (layers, features, outputUnits) => {
    const spec = recurrentModel({ layers, outputActivation: 'linear', outputUnits });
    const model = buildModel(spec, { timeSteps: 4, features, seed: 1 });
    expect(specParameterCount(spec, features)).toBe(model.countParams());
    model.dispose();
  });
});

describe('backendForWorkload', () => {
  it('keeps cpu for the tutorial and picks wasm for the multivariate LSTM(64) at batch 64 (bench/backend-choice.ts)', () => {
    expect(backendForWorkload({ parameters: 19, batchSize: 1 })).toBe('cpu');
    expect(backendForWorkload({ parameters: 19, batchSize: 32 })).toBe('cpu');
    expect(backendForWorkload({ parameters: 17_985, batchSize: 64 })).toBe('wasm');
  });
});
