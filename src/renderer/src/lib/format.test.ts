import { describe, expect, it } from 'vitest';
import { histogram, toCsv } from './format';

describe('histogram', () => {
  it('bins 200,000 residuals without overflowing the call stack (no spread into Math.min)', () => {
    const values = Array.from({ length: 200_000 }, (_, i) => (i % 1000) - 500);
    const { edges, counts } = histogram([values, values.slice(0, 10)], 10);
    expect(edges[0]).toBe(-500);
    expect(edges[10]).toBe(499);
    expect(counts[0].reduce((a, b) => a + b, 0)).toBe(200_000);
    expect(counts[1].reduce((a, b) => a + b, 0)).toBe(10);
  });
});

describe('toCsv', () => {
  it('quotes what needs quoting, with LF line ends', () => {
    expect(toCsv([['a', 'say "hi"', 'two\nlines'], [1.5, null, 'x']])).toBe('a,"say ""hi""","two\nlines"\n1.5,,x\n');
  });
});
