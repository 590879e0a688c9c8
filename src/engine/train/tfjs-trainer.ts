/**
 * The first trainer (see trainer.ts): TensorFlow.js's own layers, one trainOnBatch per mini-batch, in a seeded
 * shuffled order; epoch and batch progress, validation loss, early stopping that restores the best weights,
 * Stop that keeps the last finished epoch, and a checkpoint after each finished epoch when one is due.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochRecord } from '../../contract/run-result.js';
import type { Windows } from '../data/windows.js';
import { makeOptimizer } from '../model/build.js';
import { derivedSeed, seededRandom, shuffledIndices } from './random.js';
import type { Trainer, TrainOutcome, TrainRequest, WindowPredictor } from './trainer.js';
import { batchPacer, lossDivergedError } from './batch-pacing.js';


export function toTensors(w: Windows): { x: tf.Tensor3D; y: tf.Tensor2D } {
  return {
    x: tf.tensor3d(w.x, [w.samples, w.timeSteps, w.features]),
    y: tf.tensor2d(w.y, [w.samples, w.horizon]),
  };
}


/**
 * TensorFlow.js's Dropout draws its mask from its `seed` on every call, so a fixed seed would drop the same
 * units on every batch. Before each batch the training loop gives every Dropout layer a new seed derived from
 * the run's seed and the batch number: masks differ from batch to batch, and a run still repeats exactly.
 */
function dropoutSeeder(model: tf.LayersModel, runSeed: number) {
  const layers = model.layers.filter((l) => l.getClassName() === 'Dropout') as unknown as Array<{ seed?: number }>;
  const original = layers.map((l) => l.seed);
  let step = 0;
  return {
    next(): void {
      step++;
      layers.forEach((l, i) => (l.seed = derivedSeed(runSeed, i, step)));
    },
    restore(): void {
      layers.forEach((l, i) => (l.seed = original[i]));
    },
  };
}

function snapshot(model: tf.LayersModel): tf.Tensor[] {
  return model.getWeights().map((w) => w.clone());
}

function restore(model: tf.LayersModel, weights: tf.Tensor[]): void {
  model.setWeights(weights);
}

/** The loop itself, on a compiled model. */
async function trainCompiled(request: TrainRequest): Promise<TrainOutcome> {
  const { model, train, validation, training: spec, progress = {}, signal, checkpoint } = request;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const random = seededRandom(spec.seed);
  const { x, y } = toTensors(train);
  const val = validation ? toTensors(validation) : null;
  const batchSize = Math.min(spec.batchSize, train.samples);
  const batches = Math.ceil(train.samples / batchSize);
  const history: EpochRecord[] = [];
  let lastFinished = snapshot(model);
  let best: { epoch: number; valLoss: number; weights: tf.Tensor[] } | null = null;
  let stopReason: TrainOutcome['stopReason'] = 'completed';
  const pacer = batchPacer(progress, elapsed);
  const dropout = dropoutSeeder(model, spec.seed);

  try {
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
        const idx = tf.tensor1d(order.subarray(b * batchSize, Math.min((b + 1) * batchSize, train.samples)), 'int32');
        const xb = tf.gather(x, idx);
        const yb = tf.gather(y, idx);
        dropout.next();
        const loss = (await model.trainOnBatch(xb, yb)) as number;
        tf.dispose([idx, xb, yb]);
        if (!Number.isFinite(loss)) {
          restore(model, lastFinished);
          throw lossDivergedError(loss, epoch);
        }
        lossSum += loss;
        await pacer.afterBatch(epoch, b + 1, batches, lossSum / (b + 1));
      }
      if (aborted || signal?.aborted) {
        stopReason = 'user';
        restore(model, lastFinished);
        break;
      }
      const valLoss = val ? evaluateLoss(model, val.x, val.y) : null;
      const record: EpochRecord = { epoch, loss: lossSum / batches, valLoss, seconds: (performance.now() - epochStart) / 1000 };
      history.push(record);
      tf.dispose(lastFinished);
      lastFinished = snapshot(model);
      if (checkpoint?.due()) await checkpoint.save(model, history, elapsed());
      await progress.onEpoch?.(record, elapsed(), history);
      await pacer.afterEpoch();

      if (spec.earlyStoppingPatience > 0 && valLoss !== null) {
        if (!best || valLoss < best.valLoss) {
          if (best) tf.dispose(best.weights);
          best = { epoch, valLoss, weights: snapshot(model) };
        } else if (epoch - best.epoch >= spec.earlyStoppingPatience) {
          stopReason = 'early-stopping';
          break;
        }
      }
    }
    let bestEpoch = history.length;
    if (best && spec.earlyStoppingPatience > 0) {
      restore(model, best.weights);
      bestEpoch = best.epoch;
    }
    return { history, stopReason, bestEpoch, seconds: elapsed() };
  } finally {
    dropout.restore();
    tf.dispose([x, y, ...(val ? [val.x, val.y] : []), ...lastFinished, ...(best ? best.weights : [])]);
  }
}

/** Mean loss of the compiled model on a set (no training). */
export function evaluateLoss(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): number {
  return tf.tidy(() => {
    const result = model.evaluate(x, y, { batchSize: 256 }) as tf.Scalar;
    return result.dataSync()[0];
  });
}

/** Predicts sets of windows with model.predict in batches of 256: [samples * horizon] values, scaled units. */
export function tfjsPredictor(model: tf.LayersModel): WindowPredictor {
  return (w: Windows) => {
    if (w.samples === 0) return new Float32Array(0);
    return tf.tidy(() => {
      const x = tf.tensor3d(w.x, [w.samples, w.timeSteps, w.features]);
      const out = model.predict(x, { batchSize: 256 }) as tf.Tensor;
      return out.dataSync() as Float32Array;
    });
  };
}

export const tfjsTrainer: Trainer = {
  name: 'tfjs',
  unsupportedReason: () => null,
  async train(request) {
    // The model does not own an optimizer it is given: this trainer makes it and frees its moment estimates.
    const optimizer = makeOptimizer(request.training.optimizer, request.training.learningRate);
    try {
      request.model.compile({ loss: 'meanSquaredError', optimizer });
      return await trainCompiled(request);
    } finally {
      optimizer.dispose();
    }
  },
  predictor: (model) => tfjsPredictor(model),
};
