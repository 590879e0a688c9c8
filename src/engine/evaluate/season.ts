/**
 * Season length from the time column's step first, the autocorrelation function (ACF) second.
 *
 * Calendar first: hourly rows suggest 24, daily 7 (5 for business days), weekly 52, monthly 12, quarterly 4;
 * daily rows also have the year, 365 (`calendarSeasons`). A calendar season is taken unless the data show
 * another one: it wins when its lag is a peak of the detrended ACF above the significance bound (the
 * shorter season first), and also when the ACF has no prominent peak elsewhere (hourly PM2.5 decays smoothly
 * with only a bump at 72 h, so it keeps 24). A prominent peak, one that rises at least 0.1 above the lowest
 * ACF between half its lag and its lag, stands for the calendar season within a tenth of its lag (the
 * yearly hump of daily PM2.5 is broad and ragged from lag to lag: its highest point falls at 337 or 377, not
 * at 365) and otherwise overrides the calendar (monthly sunspots, whose cycle is about 11 years, do not show
 * 12 and keep the solar cycle).
 *
 * The values are first detrended by subtracting their least-squares line: a trend makes the ACF decay
 * so steeply that its peaks slide one lag early (air passengers: 11 instead of 12). A peak is a local
 * maximum of the ACF (r[k] > r[k-1] and r[k] >= r[k+1]) at a lag k >= 2 that is above the usual
 * significance bound 2/sqrt(n); the season is the lag of the highest such peak up to maxLag.
 */
import { lineFit } from './references/decompose.js';
import { timeLabelMs } from './time-labels.js';

function defaultMaxLag(n: number): number {
  return Math.min(Math.floor(n / 3), 400);
}

/** Values minus their least-squares line over the row index (the line of references/decompose.ts's lineFit). */
export function detrend(values: ArrayLike<number>): Float64Array {
  const { intercept, slope } = lineFit(values);
  return Float64Array.from({ length: values.length }, (_, t) => values[t] - intercept - slope * t);
}

/**
 * Sample autocorrelation r[0..maxLag] (r[0] = 1), with the usual biased estimator
 * r[k] = sum_t (x_t - mean)(x_{t+k} - mean) / sum_t (x_t - mean)^2. Null for a constant series.
 */
export function autocorrelation(values: ArrayLike<number>, maxLag: number): Float64Array | null {
  const n = values.length;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += values[t] / n;
  let denominator = 0;
  for (let t = 0; t < n; t++) denominator += (values[t] - mean) ** 2;
  if (!(denominator > 0)) return null;
  const r = new Float64Array(maxLag + 1);
  for (let k = 0; k <= maxLag; k++) {
    let sum = 0;
    for (let t = 0; t + k < n; t++) sum += (values[t] - mean) * (values[t + k] - mean);
    r[k] = sum / denominator;
  }
  return r;
}

/** Relative size under which detrended values count as a straight line (no season at all). */
const STRAIGHT_LINE = 1e-12;

function sumOfSquaredDeviations(values: ArrayLike<number>): number {
  let mean = 0;
  for (let t = 0; t < values.length; t++) mean += values[t] / values.length;
  let sum = 0;
  for (let t = 0; t < values.length; t++) sum += (values[t] - mean) ** 2;
  return sum;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface CalendarSeason {
  m: number;
  /** hourly, daily, business-daily, weekly, monthly or quarterly. */
  frequency: string;
}

/** The season the time column's step suggests (from the median step between rows), or null. */
export function seasonFromTime(time: readonly string[] | null): CalendarSeason | null {
  if (!time || time.length < 3) return null;
  const times: number[] = [];
  for (const label of time) {
    const t = timeLabelMs(label);
    if (t === null) return null;
    times.push(t);
  }
  const steps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)];
  const near = (target: number, tolerance: number) => Math.abs(median - target) <= tolerance;
  if (near(HOUR_MS, 60_000)) return { m: 24, frequency: 'hourly' };
  if (near(DAY_MS, HOUR_MS)) {
    // Business days: weekends skipped, so about one step in five is three days long.
    const weekendSkips = steps.filter((d) => Math.abs(d - 3 * DAY_MS) <= HOUR_MS).length;
    return weekendSkips >= 0.1 * steps.length ? { m: 5, frequency: 'business-daily' } : { m: 7, frequency: 'daily' };
  }
  if (near(7 * DAY_MS, HOUR_MS)) return { m: 52, frequency: 'weekly' };
  if (median >= 28 * DAY_MS && median <= 31 * DAY_MS) return { m: 12, frequency: 'monthly' };
  if (median >= 89 * DAY_MS && median <= 92 * DAY_MS) return { m: 4, frequency: 'quarterly' };
  return null;
}

/** Seasons of a row frequency beyond the one seasonFromTime names: the year of daily rows (weekly, monthly and quarterly rows' season is the year already). */
const LONGER_SEASONS: Readonly<Record<string, readonly number[]>> = { daily: [365] };

/** The calendar's season lengths for rows of this frequency, shortest first (daily: 7, 365); none without a calendar. */
export function calendarSeasons(calendar: CalendarSeason | null): number[] {
  return calendar ? [calendar.m, ...(LONGER_SEASONS[calendar.frequency] ?? [])] : [];
}

/** A prominent ACF peak within this share of a calendar season's lag stands for that season. */
const NEAR_CALENDAR = 0.1;

/**
 * Season length of `values` (pass the training part of the target, so the test part stays unseen), with
 * `time` the time labels of those rows (or null): the first calendar season whose lag is a significant peak
 * of the detrended ACF; else the highest significant ACF peak, lags 2..maxLag (default min(floor(n/3), 400)),
 * when it is prominent (the calendar season within a tenth of its lag, if any, in its place); else the
 * calendar season, or without one that peak; null if there is none.
 */
export function detectSeasonLength(values: ArrayLike<number>, maxLag = defaultMaxLag(values.length), time: readonly string[] | null = null): number | null {
  const n = values.length;
  const calendar = calendarSeasons(seasonFromTime(time));
  const lastLag = Math.max(Math.min(maxLag, n - 2), ...calendar.filter((m) => m + 1 <= n - 2));
  if (lastLag < 2) return null;
  const residuals = detrend(values);
  if (sumOfSquaredDeviations(residuals) <= STRAIGHT_LINE * sumOfSquaredDeviations(values)) return null;
  const r = autocorrelation(residuals, lastLag + 1);
  if (!r) return null;
  const bound = 2 / Math.sqrt(n);
  const isPeak = (k: number) => r[k] > r[k - 1] && r[k] >= r[k + 1] && r[k] > bound;
  const seasons = calendar.filter((m) => m <= lastLag);
  const confirmed = seasons.find(isPeak);
  if (confirmed !== undefined) return confirmed;
  let best: number | null = null;
  for (let k = 2; k <= Math.min(maxLag, n - 2); k++) if (isPeak(k) && (best === null || r[k] > r[best])) best = k;
  if (best !== null && prominent(r, best)) {
    const peak = best;
    return seasons.find((m) => Math.abs(peak - m) <= NEAR_CALENDAR * m) ?? peak;
  }
  return seasons[0] ?? best;
}

/** How far a peak must rise above the ACF's trough before it to stand for a season of its own. */
const PROMINENCE = 0.1;

/** A peak at lag k that rises at least PROMINENCE above the lowest ACF value between lag k/2 and k. */
function prominent(r: Float64Array, k: number): boolean {
  let lowest = r[k];
  for (let j = Math.ceil(k / 2); j < k; j++) lowest = Math.min(lowest, r[j]);
  return r[k] - lowest >= PROMINENCE;
}
