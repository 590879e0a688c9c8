/**
 * The measurement behind backend 'auto' (src/engine/model/backend.ts): time per training batch of
 * trainOnBatch on the pure-JS 'cpu' backend and on 'wasm', for recurrent models of several sizes. Printed
 * as a table with the work per batch (parameters × batch size) and the ratio cpu/wasm.
 * Run alone: node --import tsx bench/backend-choice.ts
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { buildModel, makeOptimizer } from '../src/engine/model/build.js';
import type { ModelSpec } from '../src/contract/run-config.js';

interface Case {
  label: string;
  type: 'simpleRNN' | 'lstm' | 'gru';
  units: number;
  timeSteps: number;
  features: number;
  batch: number;
}

const cases: Case[] = [
  { label: 'tutorial SimpleRNN(3), T 12, batch 1', type: 'simpleRNN', units: 3, timeSteps: 12, features: 1, batch: 1 },
  { label: 'SimpleRNN(3), T 12, batch 32', type: 'simpleRNN', units: 3, timeSteps: 12, features: 1, batch: 32 },
  { label: 'LSTM(8), T 12, batch 16', type: 'lstm', units: 8, timeSteps: 12, features: 1, batch: 16 },
  { label: 'LSTM(16), T 24, batch 32', type: 'lstm', units: 16, timeSteps: 24, features: 5, batch: 32 },
  { label: 'LSTM(32), T 24, batch 64', type: 'lstm', units: 32, timeSteps: 24, features: 5, batch: 64 },
  { label: 'W2 LSTM(64), T 24, 5 features, batch 64', type: 'lstm', units: 64, timeSteps: 24, features: 5, batch: 64 },
];

async function secondsPerBatch(backend: string, c: Case): Promise<{ seconds: number; parameters: number }> {
  await tf.setBackend(backend);
  await tf.ready();
  const spec: ModelSpec = { family: 'recurrent', layers: [{ type: c.type, units: c.units, activation: 'tanh', dropout: 0 }], outputActivation: 'linear', outputUnits: 1 };
  const model = buildModel(spec, { timeSteps: c.timeSteps, features: c.features, seed: 1 });
  const optimizer = makeOptimizer('adam', 0.001);
  model.compile({ loss: 'meanSquaredError', optimizer });
  const x = tf.randomUniform([c.batch, c.timeSteps, c.features], 0, 1, 'float32', 1);
  const y = tf.randomUniform([c.batch, 1], 0, 1, 'float32', 2);
  await model.trainOnBatch(x, y); // warm-up
  let batches = 0;
  const start = performance.now();
  while (batches < 3 || (performance.now() - start < 1500 && batches < 200)) {
    await model.trainOnBatch(x, y);
    batches++;
  }
  const seconds = (performance.now() - start) / 1000 / batches;
  const parameters = model.countParams();
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return { seconds, parameters };
}

export async function benchBackendChoice(): Promise<void> {
  tf.enableProdMode();
  console.log('\n# Backend choice: seconds per training batch (trainOnBatch), cpu vs wasm, same model and data');
  console.log(`${'model'.padEnd(44)} ${'params×batch'.padStart(12)} ${'cpu s/batch'.padStart(12)} ${'wasm s/batch'.padStart(13)} ${'cpu/wasm'.padStart(9)}`);
  for (const c of cases) {
    const cpu = await secondsPerBatch('cpu', c);
    const wasm = await secondsPerBatch('wasm', c);
    const work = cpu.parameters * c.batch;
    console.log(
      `${c.label.padEnd(44)} ${String(work).padStart(12)} ${cpu.seconds.toExponential(2).padStart(12)} ${wasm.seconds.toExponential(2).padStart(13)} ${(cpu.seconds / wasm.seconds).toFixed(2).padStart(9)}`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBackendChoice();
