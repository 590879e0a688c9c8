/** For tests: a recurrent ModelSpec from its layers and head, the family filled in (as parsing a config does). */
import type { ModelSpec, RecurrentModelSpec } from '../../../contract/run-config.js';

export function recurrentModel(spec: Omit<RecurrentModelSpec, 'family'>): ModelSpec {
  return { family: 'recurrent', ...spec };
}
