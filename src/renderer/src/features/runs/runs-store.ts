/**
 * The Runs panel's state: the stored runs (from 'history:list'), the ones chosen for comparison and what
 * 'history:compare' said about them, and the sweep or seed repeat under way (polled with 'sweep:status').
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Comparison, PredictionSpread, RunListing, RunRecord, RunSummary, SweepRequestInput, SweepStatus } from '../../../../contract/run-history';
import type { RunResult } from '../../../../contract/run-result';
import { useClient } from '../../api/use-client';
import { message } from '../../stores/datasets';

export type SortKey = 'date' | 'dataset' | 'model' | 'testRmse' | 'baselineRmse' | 'verdict' | 'duration' | 'status';

/** The value a column sorts by. */
export function sortValue(run: RunSummary, key: SortKey): string | number {
  switch (key) {
    case 'date':
      return run.startedAt;
    case 'dataset':
      return run.dataset.name.toLowerCase();
    case 'model':
      return `${run.model} ${run.name}`.toLowerCase();
    case 'testRmse':
      return run.testRmse ?? Infinity;
    case 'baselineRmse':
      return run.verdict?.bestBaselineRmse ?? Infinity;
    case 'verdict':
      return run.verdict ? (run.verdict.beatsBaselines ? 0 : 1) : 2;
    case 'duration':
      return run.durationSeconds ?? Infinity;
    case 'status':
      return run.status;
  }
}

/** Does a run match the filter text (name, dataset, status, tags, settings, id)? */
export function matchesFilter(run: RunSummary, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [run.runId, run.name, run.dataset.name, run.status, ...run.tags, run.model].join(' ').toLowerCase();
  return words.every((w) => text.includes(w));
}

export const useRunsStore = defineStore('runs', () => {
  const client = useClient();
  const listing = shallowRef<RunListing | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const notice = ref<string | null>(null);
  const filter = ref('');
  const sortKey = ref<SortKey>('date');
  const sortAscending = ref(false);
  const selected = ref<string[]>([]);

  const comparison = shallowRef<{ comparison: Comparison; records: RunRecord[]; results: Array<RunResult | null> } | null>(null);
  const sweep = shallowRef<SweepStatus | null>(null);
  const sweepKind = ref<'sweep' | 'repeat'>('sweep');
  const spread = shallowRef<PredictionSpread | null>(null);
  let poll: ReturnType<typeof setTimeout> | null = null;
  /** While a listed run is still running (here or in another process), the list is read again. */
  let refresh: ReturnType<typeof setTimeout> | null = null;
  let watching = false;

  const runs = computed(() => {
    const all = (listing.value?.runs ?? []).filter((r) => matchesFilter(r, filter.value));
    const dir = sortAscending.value ? 1 : -1;
    return [...all].sort((a, b) => {
      const va = sortValue(a, sortKey.value);
      const vb = sortValue(b, sortKey.value);
      return (va < vb ? -1 : va > vb ? 1 : 0) * dir;
    });
  });

  async function guarded<T>(work: () => Promise<T>): Promise<T | null> {
    error.value = null;
    try {
      return await work();
    } catch (e) {
      error.value = message(e);
      return null;
    }
  }

  async function load(): Promise<void> {
    loading.value = true;
    if (refresh) clearTimeout(refresh);
    refresh = null;
    await guarded(async () => {
      listing.value = await client.call('history:list', {});
      const known = new Set(listing.value.runs.map((r) => r.runId));
      selected.value = selected.value.filter((id) => known.has(id));
    });
    loading.value = false;
    if (watching && listing.value?.runs.some((r) => r.status === 'running')) refresh = setTimeout(() => void load(), 1500);
  }

  /** Keep the list fresh while the panel is shown (start) and stop when it is not (stop). */
  function watchList(on: boolean): void {
    watching = on;
    if (on) void load();
    else if (refresh) {
      clearTimeout(refresh);
      refresh = null;
    }
  }

  function sortBy(key: SortKey): void {
    if (sortKey.value === key) sortAscending.value = !sortAscending.value;
    else {
      sortKey.value = key;
      sortAscending.value = key !== 'date' && key !== 'duration';
    }
  }

  function toggleSelected(runId: string): void {
    selected.value = selected.value.includes(runId) ? selected.value.filter((id) => id !== runId) : [...selected.value, runId];
  }

  async function update(runId: string, change: { name?: string; tags?: string[]; pinned?: boolean }): Promise<void> {
    if (await guarded(() => client.call('history:update', { runId, ...change }))) await load();
  }

  async function remove(runId: string): Promise<void> {
    if (await guarded(() => client.call('history:delete', { runId }))) {
      selected.value = selected.value.filter((id) => id !== runId);
      await load();
    }
  }

  /** Desktop: copy the bundle to a folder the user picks. Browser: download it as one zip, as the results panel does. */
  async function exportRun(runId: string): Promise<void> {
    if (client.host === 'browser') {
      const downloaded = await guarded(() => client.exportBundle(runId, null));
      if (downloaded) notice.value = `Downloaded run ${runId} as ${downloaded.name}.`;
      return;
    }
    const answer = await guarded(() => client.call('history:export', { runId, name: null }));
    if (answer) notice.value = `Exported run ${runId} to ${answer.path}.`;
  }

  async function show(runId: string): Promise<{ record: RunRecord; result: RunResult | null } | null> {
    return guarded(() => client.call('history:show', { runId }));
  }

  async function compare(runIds: string[] = selected.value): Promise<void> {
    comparison.value = null;
    if (runIds.length < 2 || runIds.length > 8) {
      error.value = `Choose 2 to 8 runs to compare (${runIds.length} chosen).`;
      return;
    }
    const answer = await guarded(() => client.call('history:compare', { runIds }));
    if (answer) comparison.value = answer;
  }

  async function setLimits(maxRuns: number | null, maxBytes: number | null): Promise<void> {
    const answer = await guarded(() => client.call('history:limits', { maxRuns, maxBytes }));
    if (answer) {
      notice.value = answer.pruned.length ? `Pruned ${answer.pruned.length} old runs to stay within the limits.` : 'Limits saved.';
      await load();
    }
  }

  /** Runs being recovered from their checkpoints, by id: the list is read again when each ends. */
  const recovering = ref<string[]>([]);
  let offRecovery: (() => void) | null = null;

  /** Finish an interrupted (or crashed) run from its checkpoint, in a new training process. */
  async function recover(runId: string): Promise<void> {
    notice.value = null;
    offRecovery ??= client.onRunEvent((event) => {
      if ((event.type !== 'finished' && event.type !== 'failed') || !recovering.value.includes(event.runId)) return;
      recovering.value = recovering.value.filter((id) => id !== event.runId);
      if (event.type === 'finished') notice.value = `Run ${event.runId} was recovered: its model keeps epoch ${event.result.history.length}.`;
      else error.value = `Run ${event.runId} could not be recovered: ${event.message}`;
      void load();
    });
    recovering.value = [...recovering.value, runId];
    if (!(await guarded(() => client.call('runs:recover', { runId })))) recovering.value = recovering.value.filter((id) => id !== runId);
  }

  /** Remove an interrupted run's checkpoint: the run stays in the history, no longer recoverable. */
  async function discard(runId: string): Promise<void> {
    const answer = await guarded(() => client.call('runs:discard', { runId }));
    if (answer) {
      notice.value = answer.discarded ? `The checkpoint of run ${runId} was discarded.` : `Run ${runId} has no checkpoint to discard (it is being recovered, or it was discarded already).`;
      await load();
    }
  }

  function stopPolling(): void {
    if (poll) clearTimeout(poll);
    poll = null;
  }

  async function pollSweep(sweepId: string): Promise<void> {
    const status = await guarded(() => client.call('sweep:status', { sweepId }));
    if (!status) return;
    sweep.value = status;
    if (status.state === 'running' || status.state === 'stopping') {
      poll = setTimeout(() => void pollSweep(sweepId), 700);
      return;
    }
    poll = null;
    await load();
    if (sweepKind.value === 'repeat') {
      const ids = status.ranked.flatMap((p) => p.runIds);
      spread.value = await guarded(() => client.call('history:spread', { runIds: ids }));
    }
  }

  /** Start a sweep (or a seed repeat: no grid, N seeds); returns false with the reason in `error`. */
  async function startSweep(request: SweepRequestInput, kind: 'sweep' | 'repeat' = 'sweep'): Promise<boolean> {
    stopPolling();
    sweep.value = null;
    spread.value = null;
    sweepKind.value = kind;
    const answer = await guarded(() => client.call('sweep:start', request));
    if (!answer) return false;
    await pollSweep(answer.sweepId);
    return true;
  }

  async function stopSweep(): Promise<void> {
    if (sweep.value) await guarded(() => client.call('sweep:stop', { sweepId: sweep.value!.sweepId }));
  }

  return {
    listing, loading, error, notice, filter, sortKey, sortAscending, selected, runs, comparison, sweep, sweepKind, spread, recovering,
    load, watchList, sortBy, toggleSelected, update, remove, exportRun, show, compare, setLimits, startSweep, stopSweep, stopPolling, recover, discard,
  };
});
