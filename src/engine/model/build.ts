/**
 * Builds a TensorFlow.js model from a ModelSpec. The spec is plain data (it travels in configs and bundles);
 * the tfjs model built here owns the weights and the export. Initialisers are seeded so that the same seed
 * gives the same starting weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerSpec, ModelSpec, OptimizerName } from '../../contract/run-config.js';
import { derivedSeed } from '../train/random.js';

export interface BuildOptions {
  timeSteps: number;
  features: number;
  seed: number;
}

function recurrentLayer(spec: LayerSpec, index: number, isLast: boolean, seed: number, inputShape?: number[]): tf.layers.Layer {
  const config = {
    units: spec.units,
    activation: spec.activation,
    returnSequences: !isLast,
    kernelInitializer: tf.initializers.glorotUniform({ seed: derivedSeed(seed, index, 1) }),
    recurrentInitializer: tf.initializers.orthogonal({ seed: derivedSeed(seed, index, 2), gain: 1 }),
    biasInitializer: 'zeros' as const,
    name: `${spec.type.toLowerCase()}_${index + 1}`,
    ...(inputShape ? { inputShape } : {}),
  };
  switch (spec.type) {
    case 'simpleRNN':
      return tf.layers.simpleRNN(config);
    case 'lstm':
      return tf.layers.lstm(config);
    case 'gru':
      return tf.layers.gru(config);
  }
}

export function buildModel(spec: ModelSpec, { timeSteps, features, seed }: BuildOptions): tf.Sequential {
  const model = tf.sequential({ name: 'forecast_workbench' });
  spec.layers.forEach((layer, i) => {
    const isLast = i === spec.layers.length - 1;
    model.add(recurrentLayer(layer, i, isLast, seed, i === 0 ? [timeSteps, features] : undefined));
    if (layer.dropout > 0) {
      model.add(tf.layers.dropout({ rate: layer.dropout, seed: derivedSeed(seed, i, 3), name: `dropout_${i + 1}` }));
    }
  });
  model.add(
    tf.layers.dense({
      units: spec.outputUnits,
      activation: spec.outputActivation,
      kernelInitializer: tf.initializers.glorotUniform({ seed: derivedSeed(seed, spec.layers.length, 1) }),
      name: 'dense_output',
    }),
  );
  return model;
}

export function makeOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'adam':
      return tf.train.adam(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
    case 'sgd':
      return tf.train.sgd(learningRate);
  }
}

/** Gate blocks per recurrent cell type (tfjs GRU: reset_after false, one bias per gate). */
const GATES: Record<LayerSpec['type'], number> = { simpleRNN: 1, lstm: 4, gru: 3 };

/** The parameters of the model `buildModel(spec, {features})` makes, without building it. */
export function specParameterCount(spec: ModelSpec, features: number): number {
  let inputs = features;
  let total = 0;
  for (const layer of spec.layers) {
    total += GATES[layer.type] * layer.units * (inputs + layer.units + 1);
    inputs = layer.units;
  }
  return total + inputs * spec.outputUnits + spec.outputUnits;
}
