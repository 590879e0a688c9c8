/**
 * The statistical references of one series and split, fitted once per process and reused. Their fit (ETS by
 * AICc, Theta, AutoARIMA: most of a small run's evaluation) depends only on the target values, the split and
 * the season, so the runs of a sweep or a seed repeat that a long-lived training process trains one after
 * another (services/training-pool.ts) share it. The last few fits are kept; older ones are disposed.
 */
import { createHash } from 'node:crypto';
import { fitReferences, MAX_FIT_ROWS, type Reference } from './index.js';

/** Fits kept per process (distinct series, splits or seasons). */
const KEPT_FITS = 4;

const fits = new Map<string, { references: Reference[]; warnings: string[] }>();

/** Like fitReferences, from a fit of the same values, split and season when this process has one. Never dispose the result. */
export function fitReferencesOnce(target: Float64Array, splitIndex: number, seasonLength: number | null, warnings: string[]): Reference[] {
  const values = target.subarray(Math.max(0, splitIndex - MAX_FIT_ROWS));
  const key = createHash('sha256')
    .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    .update(`|${target.length}|${splitIndex}|${seasonLength}`)
    .digest('hex');
  let fit = fits.get(key);
  if (fit) {
    fits.delete(key); // most recently used last
  } else {
    const own: string[] = [];
    fit = { references: fitReferences(target, splitIndex, seasonLength, own), warnings: own };
  }
  fits.set(key, fit);
  for (const [oldest, old] of fits) {
    if (fits.size <= KEPT_FITS) break;
    fits.delete(oldest);
    for (const r of old.references) r.dispose();
  }
  warnings.push(...fit.warnings);
  return fit.references;
}
