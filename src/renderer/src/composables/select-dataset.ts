/**
 * Opening a dataset: inspect it, then point the run's data settings at it with the suggested columns. What
 * belonged to the previous file (inputs, preparation, calendar features) is cleared, also when the same file
 * is opened again, so nothing is switched on that the new file may not serve.
 */
import type { DatasetRef } from '../../../contract/datasets';
import { useDatasetsStore } from '../stores/datasets';
import { useRunStore } from '../stores/run';

export function useSelectDataset() {
  const datasets = useDatasetsStore();
  const run = useRunStore();
  return async function select(ref: DatasetRef | null): Promise<boolean> {
    if (!ref) return false;
    const inspection = await datasets.open(ref);
    if (!inspection) return false;
    const numeric = inspection.columns.filter((c) => c.type === 'numeric').map((c) => c.name);
    const data = run.config.data;
    data.path = inspection.path || ref.path;
    data.column = inspection.suggestedTarget ?? numeric[0] ?? null;
    // The time axis detection finds, selected as such: a date column, else a time composed of year/month/...
    // columns, else none (false: the rows are numbered), so the picker shows what the run will use.
    data.timeColumn = inspection.suggestedTime ?? inspection.composedTime?.name ?? false;
    data.inputColumns = [];
    data.resample = null;
    data.dateRange = null;
    data.calendarFeatures = [];
    return true;
  };
}
