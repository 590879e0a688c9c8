/**
 * Keeps a run's record up to date from its events: backend and seed when it starts, the losses so far
 * (at most once a second while it trains), the whole result when it finishes, the sentence when it fails.
 * The CLI feeds it the engine's events in-process; hosts and sweeps feed it the training processes' events.
 */
import type { RunConfig } from '../../contract/run-config.js';
import type { RunEvent } from '../../contract/run-events.js';
import type { EpochRecord } from '../../contract/run-result.js';
import type { BeginRunOptions, RunStore } from './store.js';

interface Live {
  history: EpochRecord[];
  lastElapsed: number;
  lastWrite: number;
  pending: Promise<unknown>;
}

export class RunRecorder {
  private readonly live = new Map<string, Live>();

  constructor(
    readonly store: RunStore,
    private readonly options: { progressIntervalMs?: number; log?: (text: string) => void } = {},
  ) {}

  private report(error: unknown): void {
    (this.options.log ?? ((t: string) => process.stderr.write(`run store: ${t}\n`)))(`could not update the run store: ${(error as Error).message}`);
  }

  /** Start recording a run; its events then go to `onEvent`. */
  async begin(runId: string, config: RunConfig, options: BeginRunOptions = {}): Promise<void> {
    const pending = this.store.begin(runId, config, options);
    this.live.set(runId, { history: [], lastElapsed: 0, lastWrite: 0, pending });
    await pending;
  }

  /** Record the events of a stored run that is finished again (a recovery from its checkpoint). */
  resume(runId: string): void {
    if (!this.live.has(runId)) this.live.set(runId, { history: [], lastElapsed: 0, lastWrite: Date.now(), pending: Promise.resolve() });
  }

  isRecording(runId: string): boolean {
    return this.live.has(runId);
  }

  /** Record one event (unknown runs are ignored). Resolves when the store has it. */
  onEvent(event: RunEvent): Promise<void> {
    const live = this.live.get(event.runId);
    if (!live) return Promise.resolve();
    const chain = (work: () => Promise<unknown>) => {
      live.pending = live.pending.then(work).catch((error) => this.report(error));
      return live.pending.then(() => undefined);
    };
    switch (event.type) {
      case 'started':
        return chain(() => this.store.progress(event.runId, { backend: event.backend, seed: event.seed }));
      case 'epoch': {
        live.history.push({ epoch: event.epoch, loss: event.loss, valLoss: event.valLoss, seconds: event.elapsedSeconds - live.lastElapsed });
        live.lastElapsed = event.elapsedSeconds;
        const now = Date.now();
        if (now - live.lastWrite < (this.options.progressIntervalMs ?? 1000)) return Promise.resolve();
        live.lastWrite = now;
        const history = [...live.history];
        return chain(() => this.store.progress(event.runId, { history }));
      }
      case 'finished':
        this.live.delete(event.runId);
        return chain(() => this.store.finish(event.runId, event.result));
      case 'failed':
        this.live.delete(event.runId);
        return chain(() => this.store.fail(event.runId, event.kind, event.message));
      default:
        return Promise.resolve();
    }
  }
}
