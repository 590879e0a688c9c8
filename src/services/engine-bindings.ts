/**
 * The engine as the host services see it: the HostEngine type is the engine-call table's API
 * (src/contract/engine-calls.ts). Hosts use the engine worker's proxy (engine-process.ts); `engineBindings`
 * is the same calls in-process (CLI, tests).
 */
import type { EngineApi } from '../contract/engine-calls.js';
import { engineImplementation } from '../engine/engine-calls.js';

export type HostEngine = EngineApi;

export const engineBindings: HostEngine = engineImplementation;
