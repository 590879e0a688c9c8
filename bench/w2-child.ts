/**
 * One W2 measurement in its own process (so that its peak RSS is its own), printing one JSON object:
 *   fused        one training epoch with fusedTrainer, then fused inference over all windows (train + test)
 *   tfjs BATCHES BATCHES trainOnBatch calls of the tfjs loop after one warm-up batch (per-batch seconds), and
 *                tfjs predict over 2,048 windows (per-window seconds), to extrapolate from
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/model/backend.js';
import { buildModel, makeOptimizer } from '../src/engine/model/build.js';
import { fusedTrainer } from '../src/engine/train/fused-trainer.js';
import { sliceWindows } from '../src/engine/data/windows.js';
import { w2Data } from './w2-setup.js';

const data = await w2Data();
if (!data) {
  console.log(JSON.stringify({ error: 'pollution.csv not found' }));
  process.exit(0);
}
const { config, prepared } = data;
const { train, test } = prepared;
const model = buildModel(config.model, { timeSteps: train.timeSteps, features: train.features, seed: 1 });
const mode = process.argv[2] ?? 'fused';

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

if (mode === 'fused') {
  let cpu = process.cpuUsage();
  const outcome = await fusedTrainer.train({ model, spec: config.model, train, validation: null, training: { ...config.training, seed: 1 } });
  const epochCpuSeconds = cpuSeconds(cpu);
  const predict = fusedTrainer.predictor(model, config.model);
  cpu = process.cpuUsage();
  const started = performance.now();
  const predictions = [predict(train), predict(test)];
  const evalSeconds = (performance.now() - started) / 1000;
  const evalCpuSeconds = cpuSeconds(cpu);
  let s = 0;
  for (let i = 0; i < test.y.length; i++) s += (predictions[1][i] - test.y[i]) ** 2;
  console.log(
    JSON.stringify({
      epochSeconds: outcome.seconds,
      evalSeconds,
      epochCpuSeconds,
      evalCpuSeconds,
      windows: train.samples + test.samples,
      trainWindows: train.samples,
      testRmse: Math.sqrt(s / test.y.length),
      maxRssMB: process.resourceUsage().maxRSS / 1024,
    }),
  );
} else {
  const backend = await initBackend();
  const batches = Number(process.argv[3] ?? 4);
  model.compile({ loss: 'meanSquaredError', optimizer: makeOptimizer('adam', 0.001) });
  const x = tf.tensor3d(train.x, [train.samples, train.timeSteps, train.features]);
  const y = tf.tensor2d(train.y, [train.samples, 1]);
  const batch = (b: number) => [x.slice([b * 64, 0, 0], [64, -1, -1]), y.slice([b * 64, 0], [64, -1])];
  const [wx, wy] = batch(0);
  await model.trainOnBatch(wx, wy);
  let started = performance.now();
  for (let b = 1; b <= batches; b++) {
    const [bx, by] = batch(b);
    await model.trainOnBatch(bx, by);
    tf.dispose([bx, by]);
  }
  const batchSeconds = (performance.now() - started) / 1000 / batches;
  const few = sliceWindows(test, 0, 2048);
  const fx = tf.tensor3d(few.x, [few.samples, few.timeSteps, few.features]);
  started = performance.now();
  (model.predict(fx, { batchSize: 256 }) as tf.Tensor).dataSync();
  const windowSeconds = (performance.now() - started) / 1000 / few.samples;
  console.log(JSON.stringify({ backend, batchSeconds, windowSeconds, batchesPerEpoch: Math.ceil(train.samples / 64), windows: train.samples + test.samples }));
}
