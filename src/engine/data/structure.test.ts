/**
 * The Data tab's ACF and seasonal decomposition, computed by the engine call on real CSV files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SeriesStructureSchema, STRUCTURE_MAX_POINTS } from '../../contract/datasets.js';
import { engineImplementation } from '../engine-calls.js';

const folder = mkdtempSync(join(tmpdir(), 'structure-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Monthly rows: a trend, a 12-month season and a little deterministic noise. */
function monthlyCsv(rows: number): string {
  const lines = ['Month,Value'];
  for (let i = 0; i < rows; i++) {
    const month = `${1990 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
    lines.push(`${month},${(100 + 0.5 * i + 20 * Math.sin((2 * Math.PI * i) / 12) + 3 * Math.sin(i * 2.3)).toFixed(4)}`);
  }
  const path = join(folder, `monthly-${rows}.csv`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('describeSeries', () => {
  it('finds the 12-month season in the ACF and splits the series into trend + season + remainder', async () => {
    const path = monthlyCsv(144);
    const structure = SeriesStructureSchema.parse(await engineImplementation.describeSeries({ path, column: 'Value', timeColumn: null, missing: 'interpolate' }));
    expect(structure).toMatchObject({ column: 'Value', rows: 144, seasonLength: 12, detectedSeasonLength: 12, note: null });
    expect(structure.acf[0]).toBe(1);
    expect(structure.acf.length).toBeGreaterThan(24);
    expect(structure.acf[12]).toBeGreaterThan(structure.bound);
    expect(structure.bound).toBeCloseTo(2 / 12, 12);
    const d = structure.decomposition!;
    expect(d.seasonLength).toBe(12);
    expect(d.time![0]).toBe('1990-01');
    // The centred average of order 2x12 is undefined for the first and last 6 rows.
    expect(d.trend.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(d.trend[6]).not.toBeNull();
    expect(d.trend.slice(-6)).toEqual([null, null, null, null, null, null]);
    d.index.forEach((row, i) => {
      if (d.trend[i] !== null) expect(d.trend[i]! + d.season[i] + d.remainder[i]!).toBeCloseTo(d.observed[i], 9);
    });
    // The seasonal figure sums to 0 over a season and follows the sine.
    expect(d.season.slice(0, 12).reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
    expect(d.season[3]).toBeGreaterThan(15);
    expect(d.season[9]).toBeLessThan(-15);
  });

  it('decomposes with a season length asked for instead of the detected one', async () => {
    const structure = SeriesStructureSchema.parse(
      await engineImplementation.describeSeries({ path: monthlyCsv(144), column: 'Value', timeColumn: null, missing: 'interpolate', seasonLength: 6 }),
    );
    expect(structure).toMatchObject({ seasonLength: 6, detectedSeasonLength: 12 });
    expect(structure.decomposition!.seasonLength).toBe(6);
    expect(structure.decomposition!.trend.slice(0, 3)).toEqual([null, null, null]);
    expect(structure.decomposition!.trend[3]).not.toBeNull();
  });

  it('applies the run’s resampling, thins long series for the plot, and says when there is no season', async () => {
    const yearly = SeriesStructureSchema.parse(
      await engineImplementation.describeSeries({ path: monthlyCsv(144), column: 'Value', timeColumn: null, missing: 'interpolate', resample: { every: 'year', how: 'mean' } }),
    );
    expect(yearly).toMatchObject({ rows: 12, seasonLength: null, decomposition: null });
    expect(yearly.note).toMatch(/^No season was found/);
    const long = SeriesStructureSchema.parse(await engineImplementation.describeSeries({ path: monthlyCsv(7200), column: 'Value', timeColumn: null, missing: 'interpolate' }));
    expect(long.rows).toBe(7200);
    expect(long.decomposition!.index).toHaveLength(STRUCTURE_MAX_POINTS);
    expect(long.note).toBe('Plotted: 5,000 of 7,200 rows (thinned by the observed values).');
  });
});
