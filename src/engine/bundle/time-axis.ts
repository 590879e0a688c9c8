/**
 * Time labels for chart axes: a label for any row index from the labels that are known (e.g. every 12th
 * row of a tutorial-windowed monthly series). Forecast labels beyond the end come from
 * src/engine/evaluate/time-labels.ts (with the forecast itself).
 */
const pad = (n: number) => String(n).padStart(2, '0');

interface TimeCodec {
  parse(label: string): number | null;
  format(ordinal: number): string;
}

/** A way to turn labels into evenly spaced numbers and back, if every label fits one. */
function codecFor(labels: readonly string[]): TimeCodec | null {
  const trimmed = labels.map((l) => l.trim());
  if (trimmed.every((t) => /^-?\d+(\.\d+)?$/.test(t))) {
    const decimals = Math.max(...trimmed.map((t) => (t.split('.')[1] ?? '').length));
    return { parse: (t) => Number(t), format: (v) => v.toFixed(decimals) };
  }
  if (trimmed.every((t) => /^\d{4}-\d{2}$/.test(t))) {
    return {
      parse: (t) => Number(t.slice(0, 4)) * 12 + Number(t.slice(5, 7)) - 1,
      format: (m) => `${Math.floor(m / 12)}-${pad((m % 12) + 1)}`,
    };
  }
  if (trimmed.every((t) => /^\d{4}-\d{2}-\d{2}$/.test(t))) {
    return {
      parse: (t) => Date.UTC(Number(t.slice(0, 4)), Number(t.slice(5, 7)) - 1, Number(t.slice(8, 10))) / 86_400_000,
      format: (d) => new Date(d * 86_400_000).toISOString().slice(0, 10),
    };
  }
  return null;
}

/**
 * For chart axes: a label for ANY row index, from the (index, label) pairs that are known, when the labels
 * advance by the same amount per row (monthly data windowed every 12 rows, say). Null when they do not.
 */
export function timeLabeller(pairs: readonly { index: number; time: string | null }[]): ((index: number) => string) | null {
  const known = pairs.filter((p): p is { index: number; time: string } => p.time !== null).sort((a, b) => a.index - b.index);
  if (known.length < 2) return null;
  const codec = codecFor(known.map((p) => p.time));
  if (!codec) return null;
  const first = known[0];
  const last = known[known.length - 1];
  if (last.index === first.index) return null;
  const a = codec.parse(first.time.trim())!;
  const perRow = (codec.parse(last.time.trim())! - a) / (last.index - first.index);
  const regular = perRow !== 0 && known.every((p) => Math.abs(codec.parse(p.time.trim())! - (a + perRow * (p.index - first.index))) < 1e-6);
  if (!regular) return null;
  return (index) => codec.format(Math.round((a + perRow * (index - first.index)) * 1e6) / 1e6);
}
