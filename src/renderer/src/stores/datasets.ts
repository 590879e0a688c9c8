/**
 * Datasets: the bundled list, the open file, what inspecting it detected, the plotted series, and how far
 * a file being opened has been uploaded (browser mode) and read by the host.
 * The column choices themselves live in the run store's config (config.data), so the form and the
 * data panel edit one object.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CsvInspection, DatasetRef, SeriesPreview, SeriesRequest, SeriesStructure } from '../../../contract/datasets';
import type { MissingPolicy, TimeColumnChoice } from '../../../contract/run-config';

/** The run's date range and resampling, applied to the plotted series as to the run's. */
export type SeriesPrep = Pick<SeriesRequest, 'resample' | 'dateRange'>;
import type { DatasetProgress } from '../../../contract/workbench-api';
import type { UploadListener } from '../api/client';
import { useClient } from '../api/use-client';

/** The progress bar of the data panel: what is happening, and how far it has got (0 to 1). */
export interface OpeningProgress {
  phase: 'upload' | DatasetProgress['phase'];
  label: string;
  fraction: number;
}

export const useDatasetsStore = defineStore('datasets', () => {
  const client = useClient();
  const list = ref<DatasetRef[]>([]);
  const current = ref<DatasetRef | null>(null);
  const inspection = shallowRef<CsvInspection | null>(null);
  const series = shallowRef<SeriesPreview | null>(null);
  const progress = ref<OpeningProgress | null>(null);
  const error = ref<string | null>(null);
  const seriesError = ref<string | null>(null);
  /** The plotted column's ACF and seasonal decomposition (null while loading or after a failure). */
  const structure = shallowRef<SeriesStructure | null>(null);
  const structureError = ref<string | null>(null);
  let structureGeneration = 0;
  /** Ignore answers to requests that a newer one superseded. */
  let generation = 0;
  /** The host read whose progress the bar shows. */
  let reading: { path: string; phase: DatasetProgress['phase'] } | null = null;

  client.onDatasetProgress((p) => {
    if (progress.value && p.path === reading?.path && p.phase === reading.phase) progress.value = { ...progress.value, fraction: p.fraction };
  });
  const showUpload: UploadListener = ({ name, fraction }) => (progress.value = { phase: 'upload', label: `Uploading ${name}`, fraction });

  function startReading(path: string, phase: DatasetProgress['phase'], label: string): void {
    reading = { path, phase };
    progress.value = { phase, label, fraction: 0 };
  }
  function stopReading(): void {
    reading = null;
    progress.value = null;
  }
  function stopUpload(): void {
    if (progress.value?.phase === 'upload') progress.value = null;
  }

  const numericColumns = computed(() => inspection.value?.columns.filter((c) => c.type === 'numeric').map((c) => c.name) ?? []);
  /** Categorical columns: offered as inputs, which become one-hot columns. */
  const categoricalColumns = computed(() => inspection.value?.columns.filter((c) => c.type === 'categorical').map((c) => c.name) ?? []);
  /** Columns offered as the time axis: dates, and numeric columns that neither number the rows nor stay constant. */
  const timeCandidates = computed(() => inspection.value?.columns.filter((c) => c.type === 'date' || (c.type === 'numeric' && !c.role)) ?? []);

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
    startReading(ref_.path, 'inspect', `Reading ${ref_.name}`);
    error.value = null;
    try {
      const result = await client.call('datasets:inspect', { path: ref_.path });
      if (mine !== generation) return null;
      if (!list.value.some((d) => d.path === ref_.path)) list.value = [...list.value, ref_];
      current.value = ref_;
      inspection.value = result;
      series.value = null;
      structure.value = null;
      return result;
    } catch (e) {
      if (mine === generation) error.value = `${ref_.name} cannot be used: ${message(e)}`;
      return null;
    } finally {
      if (mine === generation) stopReading();
    }
  }

  async function loadSeries(column: string, timeColumn: TimeColumnChoice, missing: MissingPolicy, prep: SeriesPrep = {}): Promise<void> {
    const ds = current.value;
    if (!ds) return;
    const mine = ++generation;
    seriesError.value = null;
    startReading(ds.path, 'series', `Loading ${column} from ${ds.name}`);
    try {
      const request = { path: ds.path, column, timeColumn, missing, ...prep };
      const result = await client.call('datasets:series', request);
      if (mine === generation) {
        series.value = result;
        void loadStructure(request);
      }
    } catch (e) {
      if (mine === generation) {
        series.value = null;
        structure.value = null;
        seriesError.value = message(e);
      }
    } finally {
      if (mine === generation) stopReading();
    }
  }

  /** The series the structure describes, to describe it again with another season length. */
  let structureRequest: SeriesRequest | null = null;
  async function loadStructure(request: SeriesRequest, seasonLength: number | null = null): Promise<void> {
    structureRequest = request;
    const mine = ++structureGeneration;
    structure.value = null;
    structureError.value = null;
    try {
      const result = await client.call('datasets:structure', { ...request, seasonLength });
      if (mine === structureGeneration) structure.value = result;
    } catch (e) {
      if (mine === structureGeneration) structureError.value = message(e);
    }
  }

  /** Decompose the described series with this season length (null = the detected one). */
  async function setStructureSeason(seasonLength: number | null): Promise<void> {
    if (structureRequest) await loadStructure(structureRequest, seasonLength);
  }

  async function pick(): Promise<DatasetRef | null> {
    error.value = null;
    try {
      return await client.pickDataset(showUpload);
    } catch (e) {
      error.value = `Could not open the file: ${message(e)}`;
      return null;
    } finally {
      stopUpload();
    }
  }

  async function fromFile(file: File): Promise<DatasetRef | null> {
    error.value = null;
    try {
      return await client.datasetFromFile(file, showUpload);
    } catch (e) {
      error.value = `${file.name} cannot be opened: ${message(e)}`;
      return null;
    } finally {
      stopUpload();
    }
  }

  return { list, current, inspection, series, structure, structureError, progress, error, seriesError, numericColumns, categoricalColumns, timeCandidates, loadList, open, loadSeries, setStructureSeason, pick, fromFile };
});

export function message(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  return 'unknown error';
}
