/**
 * The fused trainer: the same loop as the tfjs trainer (seeded shuffle order from random.ts, mini-batches,
 * validation loss, early stopping that restores the best epoch, Stop within one batch, checkpoints, the
 * divergence stop), with each batch's forward pass, backpropagation through time and optimizer step done
 * by the fused typed-array kernel (../model/fused). The tfjs model gives the initial weights and gets the
 * result back through setWeights (before a checkpoint, on Stop, on divergence and at the end).
 */
import type { ModelSpec } from '../../contract/run-config.js';
import type { EpochRecord } from '../../contract/run-result.js';
import type { Windows } from '../data/windows.js';
import { FusedNetwork, INFERENCE_BATCH, makeFusedOptimizer, planNetwork, predictWindowsFused, predictWithNetwork, readWeights, writeWeights } from '../model/fused/index.js';
import { derivedSeed, seededRandom, shuffledIndices } from './random.js';
import type { Trainer, TrainOutcome, TrainRequest } from './trainer.js';
import { batchPacer, lossDivergedError } from './batch-pacing.js';



/** Dropout masks come from their own seeded stream (not the shuffle's), a new mask for every batch. */
const DROPOUT_STREAM = 1;

/** Mean squared error of the network's predictions over a set of windows. */
function meanSquaredError(network: FusedNetwork, windows: Windows): number {
  const predicted = predictWithNetwork(network, windows);
  let sum = 0;
  for (let i = 0; i < predicted.length; i++) {
    const d = predicted[i] - windows.y[i];
    sum += d * d;
  }
  return sum / predicted.length;
}

async function trainFused(request: TrainRequest): Promise<TrainOutcome> {
  const { model, spec: modelSpec, train, validation, training: spec, progress = {}, signal, checkpoint } = request;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const random = seededRandom(spec.seed);
  const dropoutRandom = seededRandom(derivedSeed(spec.seed, DROPOUT_STREAM));
  const batchSize = Math.min(spec.batchSize, train.samples);
  const batches = Math.ceil(train.samples / batchSize);
  const plan = planNetwork(modelSpec, train.timeSteps, train.features);
  const network = new FusedNetwork(plan, batchSize, true);
  const params = network.params;
  params.set(readWeights(model, plan));
  const validator = validation ? new FusedNetwork(plan, Math.min(INFERENCE_BATCH, validation.samples), false) : null;
  const optimizer = makeFusedOptimizer(spec.optimizer, spec.learningRate, params.length);
  const history: EpochRecord[] = [];
  const lastFinished = params.slice();
  let best: { epoch: number; valLoss: number; params: Float32Array } | null = null;
  let stopReason: TrainOutcome['stopReason'] = 'completed';
  const pacer = batchPacer(progress, elapsed);

  for (let epoch = 1; epoch <= spec.epochs; epoch++) {
    const epochStart = performance.now();
    const order = spec.shuffle ? shuffledIndices(train.samples, random) : Int32Array.from({ length: train.samples }, (_, i) => i);
    let lossSum = 0;
    let aborted = false;
    for (let b = 0; b < batches; b++) {
      if (signal?.aborted) {
        aborted = true;
        break;
      }
      const start = b * batchSize;
      const count = Math.min(batchSize, train.samples - start);
      network.forward(train.x, order, start, count, dropoutRandom);
      const loss = network.backward(train.y, order, start);
      if (!Number.isFinite(loss)) {
        writeWeights(model, plan, lastFinished);
        throw lossDivergedError(loss, epoch);
      }
      optimizer.step(params, network.grads);
      lossSum += loss;
      await pacer.afterBatch(epoch, b + 1, batches, lossSum / (b + 1));
    }
    if (aborted || signal?.aborted) {
      stopReason = 'user';
      params.set(lastFinished);
      break;
    }
    let valLoss: number | null = null;
    if (validator && validation) {
      validator.params.set(params);
      valLoss = meanSquaredError(validator, validation);
    }
    const record: EpochRecord = { epoch, loss: lossSum / batches, valLoss, seconds: (performance.now() - epochStart) / 1000 };
    history.push(record);
    lastFinished.set(params);
    if (checkpoint?.due()) {
      writeWeights(model, plan, params);
      await checkpoint.save(model, history, elapsed());
    }
    await progress.onEpoch?.(record, elapsed(), history);
    await pacer.afterEpoch();

    if (spec.earlyStoppingPatience > 0 && valLoss !== null) {
      if (!best || valLoss < best.valLoss) {
        best = { epoch, valLoss, params: params.slice() };
      } else if (epoch - best.epoch >= spec.earlyStoppingPatience) {
        stopReason = 'early-stopping';
        break;
      }
    }
  }
  let bestEpoch = history.length;
  if (best && spec.earlyStoppingPatience > 0) {
    params.set(best.params);
    bestEpoch = best.epoch;
  }
  writeWeights(model, plan, params);
  return { history, stopReason, bestEpoch, seconds: elapsed() };
}

export const fusedTrainer: Trainer = {
  name: 'fused',
  /** The kernel covers every spec the schema allows: 1–4 SimpleRNN/LSTM/GRU layers, every activation, dropout, any head. */
  unsupportedReason(spec: ModelSpec): string | null {
    void spec;
    return null;
  },
  train: trainFused,
  predictor: (model, spec) => predictWindowsFused(model, spec),
};
