/**
 * The tutorial's demo network, freshly built with seeded initialisers: one recurrent layer and a Dense
 * head with one output. Defaults reproduce the tutorial: SimpleRNN(2, linear), input (3, 1), Dense(1, linear).
 */
import * as tf from '@tensorflow/tfjs';
import type { AnatomyCell } from '../../contract/anatomy.js';
import { gateCount } from '../../contract/cell-types.js';

export interface DemoModelOptions {
  cell: AnatomyCell;
  units: number;
  timeSteps: number;
  features: number;
  activation: string;
  outputActivation: string;
  seed: number;
}

export const TUTORIAL_DEMO: DemoModelOptions = {
  cell: 'simpleRNN',
  units: 2,
  timeSteps: 3,
  features: 1,
  activation: 'linear',
  outputActivation: 'linear',
  seed: 1,
};

/** Orthogonal initialisation is slow (and tfjs warns) beyond this many elements; glorotUniform is used then. */
const ORTHOGONAL_MAX_ELEMENTS = 2000;


type ActivationName = Parameters<typeof tf.layers.simpleRNN>[0]['activation'];

export function buildDemoModel(options: DemoModelOptions): tf.LayersModel {
  const { cell, units, timeSteps, features, seed } = options;
  const recurrentElements = units * units * gateCount(cell);
  const recurrentArgs = {
    units,
    activation: options.activation as ActivationName,
    inputShape: [timeSteps, features],
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    recurrentInitializer:
      recurrentElements <= ORTHOGONAL_MAX_ELEMENTS
        ? tf.initializers.orthogonal({ seed: seed + 1 })
        : tf.initializers.glorotUniform({ seed: seed + 1 }),
    biasInitializer: tf.initializers.zeros(),
  };
  const recurrent =
    cell === 'lstm' ? tf.layers.lstm(recurrentArgs) : cell === 'gru' ? tf.layers.gru(recurrentArgs) : tf.layers.simpleRNN(recurrentArgs);
  const model = tf.sequential();
  model.add(recurrent);
  model.add(
    tf.layers.dense({
      units: 1,
      activation: options.outputActivation as ActivationName,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }),
      biasInitializer: tf.initializers.zeros(),
    }),
  );
  return model;
}
