/** The anatomy form's state, turned into an AnatomyRequest, and number formatting for the view. */
import {
  ANATOMY_ACTIVATIONS,
  ANATOMY_CELLS,
  AnatomyRequestSchema,
  type AnatomyCell,
  type AnatomyRequestInput,
} from '../../../../contract/anatomy';

export type AnatomyActivation = (typeof ANATOMY_ACTIVATIONS)[number];

export interface AnatomyForm {
  source: 'demo' | 'bundle';
  bundleDir: string;
  cell: AnatomyCell;
  units: number;
  timeSteps: number;
  activation: AnatomyActivation;
  /** Comma-separated input values; empty = the default input. */
  inputText: string;
  /** Empty = a random seed (the report says which). */
  seedText: string;
  /** What the window should predict, for backprop through time; empty = the default target. */
  targetText: string;
  /** Learning rate of the Adam step the backprop view shows. */
  learningRate: number;
}

export { ANATOMY_ACTIVATIONS, ANATOMY_CELLS };

/** The tutorial's demo: SimpleRNN(2, linear), 3 time steps, input 1, 2, 3, a fixed seed. */
export function tutorialAnatomyForm(bundleDir: string | null = null): AnatomyForm {
  return {
    source: bundleDir ? 'bundle' : 'demo',
    bundleDir: bundleDir ?? '',
    cell: 'simpleRNN',
    units: 2,
    timeSteps: 3,
    activation: 'linear',
    inputText: '',
    seedText: '1',
    targetText: '',
    learningRate: 0.001,
  };
}

/** Numbers typed as "1, 2, 3" (commas, spaces or semicolons between them). */
export function parseInputValues(text: string, what = 'Input'): number[] | string {
  const parts = text.split(/[,;\s]+/).filter((part) => part !== '');
  const values = parts.map(Number);
  const bad = parts.findIndex((_, i) => !Number.isFinite(values[i]));
  return bad >= 0 ? `${what} value ${bad + 1} ("${parts[bad]}") is not a number.` : values;
}

/** The request for the form, or one sentence saying what to fix. */
export function requestFromForm(form: AnatomyForm): { request: AnatomyRequestInput } | { error: string } {
  const input = form.inputText.trim() === '' ? null : parseInputValues(form.inputText);
  if (typeof input === 'string') return { error: input };
  const target = form.targetText.trim() === '' ? null : parseInputValues(form.targetText, 'Target');
  if (typeof target === 'string') return { error: target };
  const seedText = form.seedText.trim();
  const seed = seedText === '' ? null : Number(seedText);
  if (seed !== null && !Number.isInteger(seed)) return { error: 'The seed must be a whole number (or empty for a random one).' };
  if (form.source === 'bundle' && form.bundleDir.trim() === '') return { error: 'Enter the folder of a trained bundle.' };
  const request: AnatomyRequestInput = {
    source: form.source,
    bundleDir: form.source === 'bundle' ? form.bundleDir.trim() : null,
    cell: form.cell,
    units: form.units,
    timeSteps: form.timeSteps,
    activation: form.activation,
    input,
    target,
    learningRate: form.learningRate,
    seed,
  };
  const checked = AnatomyRequestSchema.safeParse(request);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { error: `${issue.path.join('.') || 'request'}: ${issue.message}` };
  }
  return { request };
}

/** About `digits` significant digits, exponent form for very large or small numbers. */
export function formatNumber(value: number, digits = 6): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(Math.max(1, digits - 4));
  return String(Number(value.toPrecision(digits)));
}

export function formatVector(values: readonly number[], digits = 6): string {
  return values.map((v) => formatNumber(v, digits)).join(', ');
}

const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';
const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹';
/** 12 → "₁₂" */
export function subscriptDigits(n: number): string {
  return String(n).replace(/\d/g, (d) => SUBSCRIPTS[Number(d)]);
}
/** 2 → "²" */
export function superscriptDigits(n: number): string {
  return String(n).replace(/\d/g, (d) => SUPERSCRIPTS[Number(d)]);
}
