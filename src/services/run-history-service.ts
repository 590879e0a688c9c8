/**
 * The host side of the run history: records every run the host trains (RecordingTrainingSupervisor), and
 * answers the 'history:*' and 'sweep:*' channels of src/contract/run-history.ts from the run store and the
 * sweep service. Export copies any stored run's bundle, not only the runs of this session.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { BUNDLE_FILES } from '../contract/bundles.js';
import { InvalidInputError, parseRunConfig } from '../contract/run-config.js';
import { runHistoryChannels } from '../contract/run-history.js';
import type { RunHistoryChannel } from '../contract/workbench-api.js';
import type { RunEvent, RunEventListener } from '../contract/run-events.js';
import type { RunResult } from '../contract/run-result.js';
import { newRunId } from '../engine/run-id.js';
import { compareRecords, predictionSpread } from '../engine/runs/stats.js';
import { RunRecorder } from '../engine/runs/recorder.js';
import type { RunStore } from '../engine/runs/store.js';
import { safeFolderName } from './export-service.js';
import type { SweepService } from './sweep-service.js';
import { TrainingSupervisor, type TrainingSupervisorOptions } from './training-supervisor.js';

type Request<C extends RunHistoryChannel> = z.infer<(typeof runHistoryChannels)[C]['request']>;
type Response<C extends RunHistoryChannel> = z.infer<(typeof runHistoryChannels)[C]['response']>;

/** A TrainingSupervisor whose every run is recorded in the run store as it happens. */
export class RecordingTrainingSupervisor extends TrainingSupervisor {
  private readonly recorder: RunRecorder;

  /** A run's end (finished or failed) and the promise of its record being stored. */
  private readonly stored = new WeakMap<RunEvent, Promise<void>>();

  constructor(options: TrainingSupervisorOptions, store: RunStore) {
    super(options);
    this.recorder = new RunRecorder(store, { log: options.log });
    // The recorder hears every event first (registered before any other listener).
    super.onEvent((event) => {
      const recording = this.recorder.onEvent(event);
      if (event.type === 'finished' || event.type === 'failed') this.stored.set(event, recording);
    });
  }

  /**
   * Every other listener hears a run's end once the run store has it, so that a page that reads the history
   * when a run ends (the Runs panel after a recovery, say) finds the run ended, not still as it was.
   */
  override onEvent(listener: RunEventListener): () => void {
    return super.onEvent((event) => {
      const recording = this.stored.get(event);
      if (!recording) return listener(event);
      void recording.then(() => listener(event));
    });
  }

  override start(configInput: unknown, runId: string = newRunId()): string {
    const id = super.start(configInput, runId);
    void this.recorder.begin(id, parseRunConfig(configInput)).catch(() => {});
    return id;
  }

  /** A recovered run finishes its stored record (finished from its checkpoint, or failed with the reason). */
  override recoverInterrupted(runId: string): string {
    const id = super.recoverInterrupted(runId);
    this.recorder.resume(id);
    return id;
  }
}

export interface RunHistoryServiceOptions {
  store: RunStore;
  sweeps: SweepService;
  /** Copy a bundle folder to a new destination (the engine's atomic exportBundle). */
  copyBundle: (source: string, destination: string) => Promise<string>;
  /** Draw the chart images of a light bundle from the run's result file (the engine's addBundleCharts); absent = exported without them. */
  drawBundleCharts?: (bundleDir: string, resultFile: string) => Promise<string[]>;
  /** Desktop: ask where to export (null = cancelled). Browser mode: null, exports go under exportsDir. */
  chooseExportFolder: ((defaultName: string) => Promise<string | null>) | null;
  exportsDir: string | null;
  /** The host's path of a dataset the renderer names (only datasets the host handed out). */
  resolveDataPath: (path: string) => Promise<string>;
}

export class RunHistoryService {
  constructor(private readonly options: RunHistoryServiceOptions) {}

  handles(channel: string): channel is RunHistoryChannel {
    return Object.prototype.hasOwnProperty.call(runHistoryChannels, channel);
  }

  /** Answer one (already validated) request. */
  call<C extends RunHistoryChannel>(channel: C, request: Request<C>): Promise<Response<C>> {
    return (this.handlers[channel] as (r: unknown) => Promise<Response<C>>)(request);
  }

  private async results(runIds: string[]): Promise<Array<RunResult | null>> {
    return Promise.all(runIds.map(async (id) => (await this.options.store.result(id)).result));
  }

  private readonly handlers: { [C in RunHistoryChannel]: (request: Request<C>) => Promise<Response<C>> } = {
    'history:list': () => this.options.store.list(),
    'history:show': async ({ runId }) => {
      const record = await this.options.store.get(runId);
      const { result, problem } = await this.options.store.result(runId);
      return { record, result, problem: record.status === 'finished' || record.status === 'stopped' ? problem : null };
    },
    'history:compare': async ({ runIds }) => {
      const records = await Promise.all(runIds.map((id) => this.options.store.get(id)));
      return { comparison: compareRecords(records), records, results: await this.results(runIds) };
    },
    'history:update': ({ runId, ...change }) => this.options.store.update(runId, change),
    'history:delete': async ({ runId }) => ({ deleted: await this.options.store.delete(runId) }),
    'history:export': async ({ runId, name }) => {
      const source = await this.bundleOf(runId);
      let destination: string | null;
      const defaultName = name ?? runId;
      if (this.options.chooseExportFolder) {
        destination = await this.options.chooseExportFolder(defaultName);
        if (!destination) return null;
      } else if (this.options.exportsDir) {
        destination = join(this.options.exportsDir, safeFolderName(defaultName));
      } else {
        throw new Error('This host has no exports folder.');
      }
      if (existsSync(destination)) throw new InvalidInputError(`${destination} already exists. Exports never overwrite: choose another name or folder.`);
      return { path: await this.options.copyBundle(source, destination) };
    },
    'history:limits': async (limits) => {
      const pruned = await this.options.store.setLimits(limits);
      return { limits: await this.options.store.limits(), pruned };
    },
    'history:spread': async ({ runIds }) => predictionSpread((await this.results(runIds)).filter((r): r is RunResult => r !== null)),
    'sweep:start': async (request) => {
      const path = await this.options.resolveDataPath(request.base.data.path);
      return this.options.sweeps.start({ ...request, base: { ...request.base, data: { ...request.base.data, path } } });
    },
    'sweep:status': async ({ sweepId }) => this.options.sweeps.status(sweepId),
    'sweep:stop': async ({ sweepId }) => ({ stopping: this.options.sweeps.stop(sweepId) }),
  };

  /** The bundle folder of any stored run, complete (a light bundle gets its charts) and ready to copy or zip. */
  async bundleOf(runId: string): Promise<string> {
    const record = await this.options.store.get(runId);
    const source = record.bundleDir;
    if (!source || !existsSync(join(source, BUNDLE_FILES.model))) {
      throw new InvalidInputError(`Run ${runId} has no model bundle on disk${record.status === 'failed' ? ' (it failed)' : ''}, so there is nothing to export.`);
    }
    await this.completeLightBundle(runId, source);
    return source;
  }

  /** A sweep's run has a light bundle: draw its charts (from the stored result) before it leaves the store. */
  private async completeLightBundle(runId: string, bundleDir: string): Promise<void> {
    const resultFile = this.options.store.resultFile(runId);
    if (this.options.drawBundleCharts && existsSync(resultFile)) await this.options.drawBundleCharts(bundleDir, resultFile);
  }

  dispose(): void {
    this.options.sweeps.dispose();
  }
}
