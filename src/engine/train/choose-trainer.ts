/**
 * Which trainer runs a model: the config's `trainer` ('auto' | 'fused' | 'tfjs'). 'auto' takes the first
 * trainer of TRAINERS, fastest first, that supports the spec; a trainer named outright must support it.
 * Adding a trainer is one entry here (and its module beside tfjs-trainer.ts).
 */
import { InvalidInputError, type ModelSpec, type TrainerChoice } from '../../contract/run-config.js';
import { fusedTrainer } from './fused-trainer.js';
import { tfjsTrainer } from './tfjs-trainer.js';
import type { Trainer } from './trainer.js';

const TRAINERS: readonly Trainer[] = [fusedTrainer, tfjsTrainer];

export function chooseTrainer(choice: TrainerChoice, spec: ModelSpec): Trainer {
  if (choice === 'auto') {
    const trainer = TRAINERS.find((t) => t.unsupportedReason(spec) === null);
    if (!trainer) throw new InvalidInputError('No trainer supports this model.');
    return trainer;
  }
  const trainer = TRAINERS.find((t) => t.name === choice);
  if (!trainer) throw new InvalidInputError(`There is no "${choice}" trainer; choose ${TRAINERS.map((t) => `"${t.name}"`).join(', ')} or "auto".`);
  const reason = trainer.unsupportedReason(spec);
  if (reason) throw new InvalidInputError(`The "${choice}" trainer cannot train this model: ${reason} Choose "auto" or "tfjs".`);
  return trainer;
}

/** The trainer of that name (a run recovered from a checkpoint or bundle predicts with it), else tfjs. */
export function trainerNamed(name: Trainer['name']): Trainer {
  return TRAINERS.find((t) => t.name === name) ?? tfjsTrainer;
}
