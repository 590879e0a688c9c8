/**
 * The smallest and largest of many numbers in one pass. `Math.min(...values)` passes every value as an
 * argument and overflows the call stack at a few hundred thousand values; this does not. NaN is skipped;
 * an empty input gives { min: Infinity, max: -Infinity }. Shared by the engine and the renderer.
 */
export function extent(values: Iterable<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
