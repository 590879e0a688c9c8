import { describe, expect, it } from 'vitest';
import { projectTimeLabels, regularTimeAxis } from './time-labels.js';

describe('projectTimeLabels', () => {
  it('continues monthly labels across the year end', () => {
    expect(projectTimeLabels(['1983-11', '1983-12'], 2)).toEqual(['1984-01', '1984-02']);
    expect(projectTimeLabels(['2000-01', '2000-04', '2000-07', '2000-10'], 2)).toEqual(['2001-01', '2001-04']);
  });

  it('continues daily labels with a constant day step, through leap days', () => {
    expect(projectTimeLabels(['2020-02-27', '2020-02-28'], 2)).toEqual(['2020-02-29', '2020-03-01']);
    expect(projectTimeLabels(['2023-12-18', '2023-12-25'], 1)).toEqual(['2024-01-01']);
  });

  it('continues integers with a constant step', () => {
    expect(projectTimeLabels(['1', '2', '3'], 2)).toEqual(['4', '5']);
    expect(projectTimeLabels(['1990', '1995', '2000'], 1)).toEqual(['2005']);
  });

  it('gives nulls for irregular, mixed, invalid or missing labels', () => {
    const nulls = [null, null];
    expect(projectTimeLabels(['2000-01', '2000-02', '2000-04'], 2)).toEqual(nulls);
    expect(projectTimeLabels(['2000-01', '2000-02-01'], 2)).toEqual(nulls);
    expect(projectTimeLabels(['2000-12', '2000-13'], 2)).toEqual(nulls);
    expect(projectTimeLabels(['2021-02-28', '2021-02-29'], 2)).toEqual(nulls);
    expect(projectTimeLabels(['Mon', 'Tue'], 2)).toEqual(nulls);
    expect(projectTimeLabels(['7'], 2)).toEqual(nulls);
    expect(projectTimeLabels(['3', '3'], 2)).toEqual(nulls);
    expect(projectTimeLabels(null, 2)).toEqual(nulls);
  });
});

describe('regularTimeAxis', () => {
  it('labels any row of a chart axis from the labels of every 12th row', () => {
    const label = regularTimeAxis([{ index: 12, time: '1750-01' }, { index: 24, time: '1751-01' }, { index: 36, time: '1752-01' }])!;
    expect([label(0), label(13), label(500)]).toEqual(['1749-01', '1750-02', '1790-09']);
    expect(regularTimeAxis([{ index: 1, time: '2000-01' }, { index: 2, time: '2000-03' }, { index: 3, time: '2000-04' }])).toBeNull();
    expect(regularTimeAxis([{ index: 0, time: 'x' }, { index: 1, time: 'y' }])).toBeNull();
  });
});

describe('time labels of 200,000 rows', () => {
  it('label an axis and project without overflowing the call stack', () => {
    const pairs = Array.from({ length: 200_000 }, (_, i) => ({ index: i, time: String(1000 + i) }));
    expect(regularTimeAxis(pairs)!(200_005)).toBe('201005');
    const decimals = Array.from({ length: 200_000 }, (_, i) => ({ index: i, time: (i / 2).toFixed(1) }));
    expect(regularTimeAxis(decimals)!(200_001)).toBe('100000.5');
    expect(projectTimeLabels(pairs.map((p) => p.time), 1)).toEqual(['201000']);
  });
});
