/** Equal-width histograms, shared by the host (which counts every residual of a thinned result) and the renderer. */
import { extent } from './extent.js';

/** Histogram of values in `bins` equal-width bins over [min, max] of all the given arrays. */
export function histogram(groups: number[][], bins = 24): { edges: number[]; counts: number[][] } {
  const all = groups.flat().filter(Number.isFinite);
  if (all.length === 0) return { edges: [], counts: groups.map(() => []) };
  let { min: lo, max: hi } = extent(all);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const counts = groups.map((values) => {
    const c = new Array<number>(bins).fill(0);
    for (const v of values) {
      if (!Number.isFinite(v)) continue;
      c[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
    }
    return c;
  });
  return { edges, counts };
}
