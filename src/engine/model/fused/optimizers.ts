/**
 * Adam, RMSprop and SGD over the flat parameter vector, with the update rules and defaults of the tfjs
 * 4.22 optimizers that build.ts's makeOptimizer creates (tfjs-core/dist/optimizers/*_optimizer.js):
 *
 *   adam(lr)     β1 = 0.9, β2 = 0.999, ε = the backend's epsilon (1e-7 for float32);
 *                m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,
 *                p ← p − lr · (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε)
 *   rmsprop(lr)  decay ρ = 0.9, momentum 0, ε = the backend's epsilon, not centred;
 *                ms ← ρ·ms + (1−ρ)·g²,  mom ← momentum·mom + lr·g / √(ms + ε),  p ← p − mom
 *   sgd(lr)      p ← p − lr·g
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '../../../contract/run-config.js';

export interface FusedOptimizer {
  step(params: Float32Array, grads: Float32Array): void;
}

export function makeFusedOptimizer(name: OptimizerName, learningRate: number, size: number): FusedOptimizer {
  // tfjs's optimizers take ENGINE.backend.epsilon() when none is given (tfjs-core backends/backend.js).
  const epsilon = tf.backend().epsilon();
  switch (name) {
    case 'adam':
      return adam(learningRate, size, epsilon);
    case 'rmsprop':
      return rmsprop(learningRate, size, epsilon);
    case 'sgd':
      return {
        step(params, grads) {
          for (let i = 0; i < params.length; i++) params[i] -= learningRate * grads[i];
        },
      };
  }
}

function adam(learningRate: number, size: number, epsilon: number, beta1 = 0.9, beta2 = 0.999): FusedOptimizer {
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  let accBeta1 = beta1;
  let accBeta2 = beta2;
  return {
    step(params, grads) {
      const c1 = 1 - accBeta1;
      const c2 = 1 - accBeta2;
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        const mi = m[i] * beta1 + g * (1 - beta1);
        const vi = v[i] * beta2 + g * g * (1 - beta2);
        m[i] = mi;
        v[i] = vi;
        params[i] -= (learningRate * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
      }
      accBeta1 *= beta1;
      accBeta2 *= beta2;
    },
  };
}

function rmsprop(learningRate: number, size: number, epsilon: number, decay = 0.9, momentum = 0): FusedOptimizer {
  const meanSquare = new Float64Array(size);
  const moment = new Float64Array(size);
  return {
    step(params, grads) {
      for (let i = 0; i < params.length; i++) {
        const g = grads[i];
        const ms = meanSquare[i] * decay + g * g * (1 - decay);
        meanSquare[i] = ms;
        const mom = moment[i] * momentum + (learningRate * g) / Math.sqrt(ms + epsilon);
        moment[i] = mom;
        params[i] -= mom;
      }
    },
  };
}
