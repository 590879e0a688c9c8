/**
 * After a run: exporting its bundle, and reopening an exported bundle to forecast another CSV (#7).
 * The bundle shapes are refined by the bundle feature; this store reads them defensively.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { BundleColumnMap, BundlePrediction, BundleSummary, RecentBundle } from '../../../contract/bundles';
import type { DatasetRef } from '../../../contract/datasets';
import { useClient } from '../api/use-client';
import { message } from './datasets';

export const useResultsStore = defineStore('results', () => {
  const client = useClient();
  const exportPath = ref<string | null>(null);
  const exportError = ref<string | null>(null);
  const exporting = ref(false);
  const exportedRunId = ref<string | null>(null);
  /** What the export produced, as shown: the folder's or the downloaded archive's name. */
  const exportedName = ref<string | null>(null);

  const bundle = shallowRef<BundleSummary | null>(null);
  const bundleError = ref<string | null>(null);
  const bundleDataset = ref<DatasetRef | null>(null);
  const prediction = shallowRef<BundlePrediction | null>(null);
  const predicting = ref(false);
  const recent = ref<RecentBundle[]>([]);
  /**
   * Offered when the CSV lacks a column the bundle expects but has enough numeric columns: the file's
   * numeric columns and a proposed choice for each expected column (edited by the panel's selects).
   */
  const columnChoice = ref<{ datasetPath: string; columns: string[]; mapping: BundleColumnMap } | null>(null);

  async function exportRun(runId: string, name: string | null): Promise<void> {
    exporting.value = true;
    exportError.value = null;
    try {
      const answer = await client.exportBundle(runId, name);
      if (answer) {
        exportPath.value = answer.path;
        exportedName.value = answer.name;
        exportedRunId.value = runId;
        void loadRecent();
      }
    } catch (e) {
      exportError.value = message(e);
    } finally {
      exporting.value = false;
    }
  }

  function forgetExport(): void {
    exportPath.value = null;
    exportedName.value = null;
    exportError.value = null;
    exportedRunId.value = null;
  }

  async function loadRecent(): Promise<void> {
    try {
      recent.value = await client.call('bundles:recent', {});
    } catch {
      recent.value = []; // the list is a convenience: opening by dialog or upload still works
    }
  }

  function opened(summary: BundleSummary | null): void {
    if (!summary) return;
    bundle.value = summary;
    prediction.value = null;
    columnChoice.value = null;
    void loadRecent();
  }

  async function openBundle(): Promise<void> {
    bundleError.value = null;
    try {
      opened(await client.pickBundle());
    } catch (e) {
      bundleError.value = `The model bundle could not be opened: ${message(e)}`;
    }
  }

  async function openRecent(id: string): Promise<void> {
    bundleError.value = null;
    try {
      opened(await client.call('bundles:open-recent', { id }));
    } catch (e) {
      bundleError.value = `The model bundle could not be opened: ${message(e)}`;
    }
  }

  /** After a refusal: offer a column mapping when the file lacks an expected column but has enough numeric ones. */
  async function offerMapping(dataset: DatasetRef, expected: string[]): Promise<void> {
    const inspection = await client.call('datasets:inspect', { path: dataset.path }).catch(() => null);
    if (!inspection) return;
    const names = inspection.columns.map((c) => c.name);
    const numeric = inspection.columns.filter((c) => c.type === 'numeric').map((c) => c.name);
    if (expected.every((f) => names.includes(f)) || numeric.length < expected.length) return;
    const free = numeric.filter((c) => !expected.includes(c) && c !== inspection.suggestedTime);
    const mapping: BundleColumnMap = {};
    for (const f of expected) mapping[f] = numeric.includes(f) ? f : (free.shift() ?? numeric[0]);
    columnChoice.value = { datasetPath: dataset.path, columns: numeric, mapping };
  }

  async function predict(dataset: DatasetRef, columns: BundleColumnMap = {}): Promise<void> {
    if (!bundle.value) return;
    bundleDataset.value = dataset;
    bundleError.value = null;
    prediction.value = null;
    predicting.value = true;
    if (columnChoice.value?.datasetPath !== dataset.path) columnChoice.value = null;
    try {
      prediction.value = await client.call('bundles:predict', { bundleDir: bundle.value.dir, path: dataset.path, columns });
    } catch (e) {
      bundleError.value = `The model refused ${dataset.name}: ${message(e)}`;
      if (!Object.keys(columns).length) await offerMapping(dataset, bundle.value.windowing.features);
    } finally {
      predicting.value = false;
    }
  }

  return {
    exportPath, exportedName, exportError, exporting, exportedRunId, exportRun, forgetExport,
    bundle, bundleError, bundleDataset, prediction, predicting, openBundle, openRecent, recent, loadRecent, columnChoice, predict,
  };
});
