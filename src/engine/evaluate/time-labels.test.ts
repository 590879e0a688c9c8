import { describe, expect, it } from 'vitest';
import { projectTimeLabels } from './time-labels.js';

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
