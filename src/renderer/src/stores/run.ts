/**
 * The run: the hyperparameter form (a RunConfig validated with RunConfigSchema on every change), and the
 * live state of a training run fed by run events (started, epoch, batch, message, finished, failed).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import {
  RunConfigSchema,
  LayerSpecSchema,
  type RunConfig,
  type TimeColumnChoice,
} from '../../../contract/run-config';
import type { RunEvent, RunPhase, RunStartedEvent } from '../../../contract/run-events';
import type { EpochRecord, RunResult } from '../../../contract/run-result';
import { issuesByPath } from '../../../contract/validation-messages';
import { forecastProblem, planWindows, refitProblem } from '../../../contract/window-plan';
import { useClient } from '../api/use-client';
import { message, useDatasetsStore } from './datasets';

export type RunStatus = 'idle' | 'starting' | 'running' | 'stopping' | 'finished' | 'failed';

/** The tutorial's settings for a dataset (the form's starting point and its "Tutorial defaults"). */
/** The form's seed at start: fixed and visible, so a newcomer's first run gives the README's figures. */
export const TUTORIAL_SEED = 1;

/** A fresh seed for "New seed". */
export function newSeed(): number {
  return Math.floor(Math.random() * 2_147_483_647);
}

export function tutorialForm(path: string, column: string | null, timeColumn: TimeColumnChoice): RunConfig {
  // Deep copy: zod hands out its default objects as they are, and the form mutates what it gets.
  const config = structuredClone(RunConfigSchema.parse({ data: { path: path || '-' }, training: { seed: TUTORIAL_SEED } }));
  config.data.path = path;
  config.data.column = column;
  config.data.timeColumn = timeColumn;
  return config;
}

export interface BatchPoint {
  /** Fractional epoch: epoch - 1 + batch / batches. */
  x: number;
  loss: number;
}

export const useRunStore = defineStore('run', () => {
  const client = useClient();
  const datasets = useDatasetsStore();

  // ---- the form ----
  const config = ref<RunConfig>(tutorialForm('', null, null));
  const parsed = computed(() => RunConfigSchema.safeParse(config.value));
  /** Rows of the open series: the plotted column's after the missing-value policy, else the file's data rows; null before a file is read. */
  const datasetRows = computed<number | null>(() => {
    const s = datasets.series;
    const column = config.value.data.column;
    if (s && (column === null || s.column === column)) return s.rows;
    return datasets.inspection?.rows ?? null;
  });
  /** The windows each part gets for the current settings, by the engine's own arithmetic (contract/window-plan.ts). */
  const windowPlan = computed(() => {
    if (!parsed.value.success || datasetRows.value === null) return null;
    return planWindows(datasetRows.value, parsed.value.data.prep, parsed.value.data.model.outputUnits);
  });
  /**
   * Schema issues by field; once the settings parse, what the data cannot serve (too few rows, a forecast that
   * needs unknown inputs, refit origins that leave too few rows or need unknown inputs).
   */
  const errors = computed<Record<string, string>>(() => {
    if (!parsed.value.success) return issuesByPath(parsed.value.error.issues);
    const out: Record<string, string> = {};
    const problems = [windowPlan.value?.problem ?? null, forecastProblem(parsed.value.data), refitProblem(datasetRows.value, parsed.value.data)];
    for (const problem of problems) if (problem) out[problem.path] = problem.message;
    return out;
  });
  const valid = computed(() => Object.keys(errors.value).length === 0);

  function resetToTutorial(): void {
    const d = config.value.data;
    config.value = tutorialForm(d.path, d.column, d.timeColumn);
  }
  function addLayer(): void {
    const layers = config.value.model.layers;
    if (layers.length >= 4) return;
    const last = layers[layers.length - 1];
    layers.push(LayerSpecSchema.parse({ type: last?.type ?? 'simpleRNN', units: last?.units ?? 3, activation: last?.activation ?? 'tanh' }));
  }
  function removeLayer(index: number): void {
    if (config.value.model.layers.length > 1) config.value.model.layers.splice(index, 1);
  }

  // ---- the live run ----
  const status = ref<RunStatus>('idle');
  const runId = ref<string | null>(null);
  const started = shallowRef<RunStartedEvent | null>(null);
  const epochs = ref<EpochRecord[]>([]);
  const batches = ref<BatchPoint[]>([]);
  const totalEpochs = ref(0);
  const currentEpoch = ref(0);
  const epochFraction = ref(0);
  const etaSeconds = ref<number | null>(null);
  const elapsedSeconds = ref(0);
  /** What the run is doing (training, evaluating, writing-bundle) and the fraction done where known. */
  const phase = ref<RunPhase | null>(null);
  const phaseFraction = ref<number | null>(null);
  const notes = ref<Array<{ level: 'info' | 'warning'; text: string }>>([]);
  const failure = ref<string | null>(null);
  const result = shallowRef<RunResult | null>(null);
  /** Config of the run shown (the form may have changed since). */
  const runConfig = shallowRef<RunConfig | null>(null);
  const busy = computed(() => status.value === 'starting' || status.value === 'running' || status.value === 'stopping');
  const progress = computed(() => (totalEpochs.value > 0 ? Math.min(100, (100 * (currentEpoch.value + epochFraction.value)) / totalEpochs.value) : 0));
  /**
   * Seconds of training left: within an epoch from its batch progress (so a long first epoch has an estimate
   * too), else the last epoch event's estimate; null before anything is known and once every epoch is done.
   */
  const timeLeft = computed<number | null>(() => {
    if (totalEpochs.value === 0 || currentEpoch.value >= totalEpochs.value) return null;
    const done = (currentEpoch.value + epochFraction.value) / totalEpochs.value;
    if (epochFraction.value > 0 && done > 0 && elapsedSeconds.value > 0) return (elapsedSeconds.value * (1 - done)) / done;
    return etaSeconds.value;
  });

  let pending: RunEvent[] = [];
  let lastBatchAt = 0;
  /** Seconds since training began at the end of the last epoch shown (for events without `seconds`). */
  let lastEpochElapsed = 0;

  client.onRunEvent((event) => {
    if (status.value === 'starting' && runId.value === null) {
      pending.push(event);
      return;
    }
    if (event.runId !== runId.value) return;
    apply(event);
  });

  /** Finished epochs (one 'epoch' event or several coalesced in an 'epochs' event) onto the loss curve. */
  function addEpochs(total: number, eta: number, records: Array<EpochRecord & { elapsedSeconds: number }>): void {
    if (status.value === 'starting') status.value = 'running';
    totalEpochs.value = total;
    etaSeconds.value = eta;
    epochFraction.value = 0;
    for (const r of records) {
      currentEpoch.value = r.epoch;
      elapsedSeconds.value = r.elapsedSeconds;
      lastEpochElapsed = r.elapsedSeconds;
      epochs.value.push({ epoch: r.epoch, loss: r.loss, valLoss: r.valLoss, seconds: r.seconds });
      // The epoch's mean loss closes its batch line.
      if (batches.value.length > 0) batches.value.push({ x: r.epoch, loss: r.loss });
    }
  }

  function apply(event: RunEvent): void {
    switch (event.type) {
      case 'started':
        started.value = event;
        totalEpochs.value = event.epochs;
        if (status.value === 'starting') status.value = 'running';
        break;
      case 'epoch':
        addEpochs(event.epochs, event.etaSeconds, [{ ...event, seconds: event.seconds ?? event.elapsedSeconds - lastEpochElapsed }]);
        break;
      case 'epochs':
        addEpochs(event.epochs, event.etaSeconds, event.records);
        break;
      case 'phase':
        phase.value = event.phase;
        phaseFraction.value = event.fraction;
        break;
      case 'batch': {
        if (status.value === 'starting') status.value = 'running';
        epochFraction.value = event.batches > 0 ? event.batch / event.batches : 0;
        elapsedSeconds.value = event.elapsedSeconds;
        const now = performance.now();
        if (now - lastBatchAt > 100 || event.batch === event.batches) {
          lastBatchAt = now;
          batches.value.push({ x: event.epoch - 1 + epochFraction.value, loss: event.loss });
        }
        break;
      }
      case 'message':
        notes.value.push({ level: event.level, text: event.text });
        break;
      case 'finished':
        result.value = event.result;
        epochs.value = [...event.result.history];
        status.value = 'finished';
        etaSeconds.value = 0;
        break;
      case 'failed':
        failure.value = event.message;
        status.value = 'failed';
        break;
    }
  }

  async function train(): Promise<boolean> {
    if (busy.value) return false;
    const check = RunConfigSchema.safeParse(config.value);
    if (!check.success || !valid.value) return false;
    status.value = 'starting';
    runId.value = null;
    pending = [];
    started.value = null;
    epochs.value = [];
    batches.value = [];
    currentEpoch.value = 0;
    epochFraction.value = 0;
    totalEpochs.value = check.data.training.epochs;
    etaSeconds.value = null;
    elapsedSeconds.value = 0;
    lastEpochElapsed = 0;
    phase.value = null;
    phaseFraction.value = null;
    notes.value = [];
    failure.value = null;
    runConfig.value = structuredClone(check.data);
    try {
      const answer = await client.call('runs:start', { config: check.data });
      runId.value = answer.runId;
      const early = pending;
      pending = [];
      for (const event of early) if (event.runId === answer.runId) apply(event);
      return true;
    } catch (e) {
      failure.value = message(e);
      status.value = 'failed';
      return false;
    }
  }

  async function stop(): Promise<void> {
    if (!runId.value || (status.value !== 'running' && status.value !== 'starting')) return;
    status.value = 'stopping';
    try {
      await client.call('runs:stop', { runId: runId.value });
    } catch (e) {
      notes.value.push({ level: 'warning', text: `Stop failed: ${message(e)}` });
    }
  }

  function dismissFailure(): void {
    failure.value = null;
  }

  return {
    config, errors, valid, datasetRows, windowPlan, resetToTutorial, addLayer, removeLayer,
    status, runId, started, epochs, batches, totalEpochs, currentEpoch, epochFraction, etaSeconds, timeLeft, elapsedSeconds, phase, phaseFraction,
    notes, failure, result, runConfig, busy, progress, train, stop, dismissFailure,
  };
});

