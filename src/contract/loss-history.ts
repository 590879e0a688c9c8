/**
 * The loss history as a table, the same wherever it is saved (the bundle's loss-history.csv, the Training
 * tab's "Save loss history"): columns named for what they hold, values rounded to what is worth reading.
 */
import type { EpochRecord } from './run-result.js';

export const LOSS_HISTORY_COLUMNS = ['epoch', 'train_loss_mse_scaled', 'validation_loss_mse_scaled', 'epoch_seconds'] as const;

/** Six significant digits: what a loss is worth reading. */
const round = (v: number | null) => (v === null || !Number.isFinite(v) ? v : Number(v.toPrecision(6)));
/** Seconds to the millisecond. */
const milliseconds = (v: number) => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : v);

/** One row per epoch, in LOSS_HISTORY_COLUMNS order (no validation part: an empty cell). */
export function lossHistoryRows(history: readonly EpochRecord[]): Array<[number, number | null, number | null, number]> {
  return history.map((e) => [e.epoch, round(e.loss), round(e.valLoss), milliseconds(e.seconds)]);
}
