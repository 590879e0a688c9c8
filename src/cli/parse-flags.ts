/** Flag value parsers for commander: a wrong value is one clear sentence. */
import { InvalidArgumentError } from 'commander';

export function integer(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is not a whole number.`);
  return n;
}

export function float(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`"${value}" is not a number.`);
  return n;
}

/** Comma-separated numbers, e.g. `0.1, 0.2, 3`. */
export function numbers(value: string): number[] {
  return value.split(',').map((part, i) => {
    const n = Number(part);
    if (part.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`It must be numbers separated by commas; value ${i + 1} is "${part.trim()}".`);
    return n;
  });
}

/** Comma-separated whole numbers, e.g. "1,12". */
export function integerList(value: string): number[] {
  return list(value).map(integer);
}

export function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A flag that may be given more than once: every value, parsed, in order. */
export function repeatable<T>(parse: (value: string) => T): (value: string, previous?: unknown) => T[] {
  return (value, previous) => [...((previous as T[] | undefined) ?? []), parse(value)];
}
