/**
 * Datasets: the bundled list, the open file, what inspecting it detected, and the plotted series.
 * The column choices themselves live in the run store's config (config.data), so the form and the
 * data panel edit one object.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CsvInspection, DatasetRef, SeriesPreview } from '../../../contract/datasets';
import type { MissingPolicy } from '../../../contract/run-config';
import { useClient } from '../api/use-client';

export const useDatasetsStore = defineStore('datasets', () => {
  const client = useClient();
  const list = ref<DatasetRef[]>([]);
  const current = ref<DatasetRef | null>(null);
  const inspection = shallowRef<CsvInspection | null>(null);
  const series = shallowRef<SeriesPreview | null>(null);
  const loading = ref<string | null>(null);
  const error = ref<string | null>(null);
  const seriesError = ref<string | null>(null);
  /** Ignore answers to requests that a newer one superseded. */
  let generation = 0;

  const numericColumns = computed(() => inspection.value?.columns.filter((c) => c.type === 'numeric').map((c) => c.name) ?? []);
  const timeCandidates = computed(() => inspection.value?.columns.filter((c) => c.type === 'date' || c.type === 'numeric').map((c) => c.name) ?? []);

  async function loadList(): Promise<void> {
    try {
      list.value = await client.call('datasets:list', {});
    } catch (e) {
      error.value = `Could not list the bundled datasets: ${message(e)}`;
    }
  }

  /** Open a dataset: inspect it and return the inspection (null on failure, with `error` set). */
  async function open(ref_: DatasetRef): Promise<CsvInspection | null> {
    const mine = ++generation;
    loading.value = `Reading ${ref_.name}…`;
    error.value = null;
    try {
      const result = await client.call('datasets:inspect', { path: ref_.path });
      if (mine !== generation) return null;
      if (!list.value.some((d) => d.path === ref_.path)) list.value = [...list.value, ref_];
      current.value = ref_;
      inspection.value = result;
      series.value = null;
      return result;
    } catch (e) {
      if (mine === generation) error.value = `${ref_.name} cannot be used: ${message(e)}`;
      return null;
    } finally {
      if (mine === generation) loading.value = null;
    }
  }

  async function loadSeries(column: string, timeColumn: string | null, missing: MissingPolicy): Promise<void> {
    const ds = current.value;
    if (!ds) return;
    const mine = ++generation;
    seriesError.value = null;
    try {
      const result = await client.call('datasets:series', { path: ds.path, column, timeColumn, missing });
      if (mine === generation) series.value = result;
    } catch (e) {
      if (mine === generation) {
        series.value = null;
        seriesError.value = message(e);
      }
    }
  }

  async function pick(): Promise<DatasetRef | null> {
    error.value = null;
    try {
      return await client.pickDataset();
    } catch (e) {
      error.value = `Could not open the file: ${message(e)}`;
      return null;
    }
  }

  async function fromFile(file: File): Promise<DatasetRef | null> {
    error.value = null;
    loading.value = `Reading ${file.name}…`;
    try {
      return await client.datasetFromFile(file);
    } catch (e) {
      error.value = `${file.name} cannot be opened: ${message(e)}`;
      loading.value = null;
      return null;
    }
  }

  return { list, current, inspection, series, loading, error, seriesError, numericColumns, timeCandidates, loadList, open, loadSeries, pick, fromFile };
});

export function message(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  return 'unknown error';
}
