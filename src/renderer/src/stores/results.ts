/**
 * After a run: exporting its bundle, and reopening an exported bundle to forecast another CSV (#7).
 * The bundle shapes are refined by the bundle feature; this store reads them defensively.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { BundlePrediction, BundleSummary } from '../../../contract/bundles';
import type { DatasetRef } from '../../../contract/datasets';
import { useClient } from '../api/use-client';
import { message } from './datasets';

export const useResultsStore = defineStore('results', () => {
  const client = useClient();
  const exportPath = ref<string | null>(null);
  const exportError = ref<string | null>(null);
  const exporting = ref(false);
  const exportedRunId = ref<string | null>(null);

  const bundle = shallowRef<BundleSummary | null>(null);
  const bundleError = ref<string | null>(null);
  const bundleDataset = ref<DatasetRef | null>(null);
  const prediction = shallowRef<BundlePrediction | null>(null);
  const predicting = ref(false);

  async function exportRun(runId: string, name: string | null): Promise<void> {
    exporting.value = true;
    exportError.value = null;
    try {
      const answer = await client.call('runs:export', { runId, name });
      if (answer) {
        exportPath.value = answer.path;
        exportedRunId.value = runId;
      }
    } catch (e) {
      exportError.value = message(e);
    } finally {
      exporting.value = false;
    }
  }

  function forgetExport(): void {
    exportPath.value = null;
    exportError.value = null;
    exportedRunId.value = null;
  }

  async function openBundle(): Promise<void> {
    bundleError.value = null;
    try {
      const summary = await client.pickBundle();
      if (summary) {
        bundle.value = summary;
        prediction.value = null;
      }
    } catch (e) {
      bundleError.value = `This folder is not a usable model bundle: ${message(e)}`;
    }
  }

  async function predict(dataset: DatasetRef): Promise<void> {
    if (!bundle.value) return;
    bundleDataset.value = dataset;
    bundleError.value = null;
    prediction.value = null;
    predicting.value = true;
    try {
      prediction.value = await client.call('bundles:predict', { bundleDir: bundle.value.dir, path: dataset.path });
    } catch (e) {
      bundleError.value = `The model refused ${dataset.name}: ${message(e)}`;
    } finally {
      predicting.value = false;
    }
  }

  return { exportPath, exportError, exporting, exportedRunId, exportRun, forgetExport, bundle, bundleError, bundleDataset, prediction, predicting, openBundle, predict };
});
