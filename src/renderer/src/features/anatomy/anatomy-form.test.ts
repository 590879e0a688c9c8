import { describe, expect, it } from 'vitest';
import { formatNumber, parseInputValues, requestFromForm, subscriptDigits, tutorialAnatomyForm } from './anatomy-form';

describe('the anatomy form', () => {
  it("starts as the tutorial's demo and asks for the default input", () => {
    expect(requestFromForm(tutorialAnatomyForm())).toEqual({
      request: { source: 'demo', bundleDir: null, cell: 'simpleRNN', units: 2, timeSteps: 3, activation: 'linear', input: null, target: null, learningRate: 0.001, seed: 1 },
    });
  });

  it('reads typed numbers and says which one is not a number', () => {
    expect(parseInputValues('1, 2.5;-3  4e-1')).toEqual([1, 2.5, -3, 0.4]);
    expect(requestFromForm({ ...tutorialAnatomyForm(), inputText: '1, x, 3' })).toEqual({ error: 'Input value 2 ("x") is not a number.' });
    expect(requestFromForm({ ...tutorialAnatomyForm(), targetText: '4, y' })).toEqual({ error: 'Target value 2 ("y") is not a number.' });
    expect(requestFromForm({ ...tutorialAnatomyForm(), targetText: '4' })).toHaveProperty('request.target', [4]);
  });

  it('rejects out-of-range settings, a fractional seed and a bundle without a folder', () => {
    expect(requestFromForm({ ...tutorialAnatomyForm(), units: 0 })).toHaveProperty('error', expect.stringMatching(/^units:/));
    expect(requestFromForm({ ...tutorialAnatomyForm(), seedText: '1.5' })).toHaveProperty('error');
    expect(requestFromForm({ ...tutorialAnatomyForm(), source: 'bundle' })).toEqual({ error: 'Enter the folder of a trained bundle.' });
    expect(requestFromForm(tutorialAnatomyForm('/tmp/b'))).toHaveProperty('request.bundleDir', '/tmp/b');
  });

  it('formats numbers for the tables', () => {
    expect(formatNumber(1.9477812345)).toBe('1.94778');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(4.99e-8)).toBe('4.99e-8');
    expect(subscriptDigits(12)).toBe('₁₂');
  });
});
