/**
 * Big files and drag and drop in browser mode: a 1,000,000-row x 5-column CSV (~50 MB) opened through the
 * file chooser shows a determinate progress bar (upload, inspect, series) while the page stays responsive,
 * then the preview table and the plotted series (thinned on the host with LTTB to at most 20,000 points);
 * a small CSV dropped on the window opens too. The results of a 43,800-window run arrive thinned by the host
 * (at most a few thousand rows) and are drawn in stages; the page's long tasks are printed.
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, screenshotDir as shots, setField, test } from './fixtures';

const ROWS = 1_000_000;
// The tracer snapshots the page on every step, which would add its own pauses to the responsiveness measured here.
test.use({ trace: 'off' });

/** time,a,b,c,d: one ISO timestamp a minute from 2020-01-01 and four numbers; about 50 MB. */
async function writeBigCsv(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write('time,a,b,c,d\n');
  const start = Date.UTC(2020, 0, 1);
  const batch: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const time = new Date(start + i * 60_000).toISOString().slice(0, 19);
    const a = (100 + 20 * Math.sin(i / 1440) + (i % 97) / 10).toFixed(3);
    const b = (50 + (i % 1000) / 7).toFixed(3);
    const c = Math.cos(i / 500).toFixed(5);
    const d = ((i * 7919) % 10007).toString();
    batch.push(`${time},${a},${b},${c},${d}\n`);
    if (batch.length === 10_000) {
      if (!out.write(batch.join(''))) await once(out, 'drain');
      batch.length = 0;
    }
  }
  out.end(batch.join(''));
  await once(out, 'finish');
}

/** In the page: every state the progress bar shows ([phase, percent]), and the longest gap between timer ticks. */
async function watchLoading(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __progress: Array<[string, number]>; __maxGap: number };
    w.__progress = [];
    w.__maxGap = 0;
    const record = () => {
      const bar = document.querySelector('[data-testid="dataset-progress"]');
      if (!bar) return;
      const seen: [string, number] = [bar.getAttribute('data-phase') ?? '', Number(bar.getAttribute('aria-valuenow'))];
      const last = w.__progress.at(-1);
      if (!last || last[0] !== seen[0] || last[1] !== seen[1]) w.__progress.push(seen);
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      w.__maxGap = Math.max(w.__maxGap, now - last);
      last = now;
    }, 50);
  });
}

test('a 1,000,000-row CSV opens with a progress bar, the page stays responsive, and the series is plotted', async ({ app: page, server }) => {
  test.setTimeout(150_000);
  const file = join(server.scratch, 'big.csv');
  await writeBigCsv(file);
  await watchLoading(page);

  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open-csv').click();
  await (await chooser).setFiles(file);
  const started = Date.now();

  // The bar appears, and round trips into the page are answered quickly while the host reads the file.
  const bar = page.getByTestId('dataset-progress');
  await expect(bar).toBeVisible();
  const roundTrips: number[] = [];
  while (await bar.isVisible()) {
    const t0 = Date.now();
    await page.evaluate(() => document.title);
    roundTrips.push(Date.now() - t0);
    await page.waitForTimeout(100);
  }
  const chart = page.getByTestId('series-chart');
  await expect(chart).toHaveAttribute('data-rows', String(ROWS), { timeout: 60_000 });
  const openSeconds = (Date.now() - started) / 1000;

  const { progress, maxGap } = await page.evaluate(() => {
    const w = window as unknown as { __progress: Array<[string, number]>; __maxGap: number };
    return { progress: w.__progress, maxGap: w.__maxGap };
  });
  console.log(`big.csv opened in ${openSeconds.toFixed(1)} s; ${progress.length} progress states; round trips max ${Math.max(...roundTrips)} ms over ${roundTrips.length}; longest timer gap ${Math.round(maxGap)} ms`);
  expect(roundTrips.length).toBeGreaterThan(3);
  expect(Math.max(...roundTrips)).toBeLessThan(1000);
  // The host thins the series to at most 20,000 points (LTTB) before it crosses to the page, so no long stall
  // is left: the whole column (~29 MB of JSON) used to arrive and be parsed here, a stall of 2-6 s. Thinned,
  // it measured 0.2-0.6 s; the bound leaves room for a loaded machine and still fails the unthinned path.
  expect(maxGap).toBeLessThan(1500);
  const points = Number(await chart.getAttribute('data-points'));
  expect(points).toBeGreaterThan(1000);
  expect(points).toBeLessThanOrEqual(20_000);
  await expect(chart.locator('h3')).toHaveText(`a — 1,000,000 values, ${points.toLocaleString('en-US')} plotted (LTTB)`);
  await expect(page.getByTestId('series-thinned')).toContainText('1,000,000 rows');
  // Determinate: each host phase climbed through intermediate values up to 100 %.
  for (const phase of ['inspect', 'series']) {
    const values = progress.filter(([p]) => p === phase).map(([, v]) => v);
    expect(values.some((v) => v > 0 && v < 100), `${phase}: ${values.join(' ')}`).toBe(true);
    expect(values.at(-1), `${phase}: ${values.join(' ')}`).toBe(100);
    expect(values).toEqual([...values].sort((x, y) => x - y));
  }
  expect(progress.some(([p]) => p === 'upload')).toBe(true);

  // The preview: five columns with their types; the detected facts.
  await expect(page.getByTestId('detected')).toContainText('1,000,000 rows');
  await expect(page.getByTestId('preview-table').locator('thead th')).toHaveCount(5);
  await expect(page.getByTestId('coltype-time')).toContainText('date');
  for (const column of ['a', 'b', 'c', 'd']) await expect(page.getByTestId(`coltype-${column}`)).toContainText('numeric');
  await expect(page.getByTestId('preview-table')).toContainText('2020-01-01T00:00:00');
  await expect(page.getByTestId('dataset-name')).toContainText('big.csv · a');

  await page.getByTestId('series-chart').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'big-file.png') });

  // The plot stays fluid: a wheel zoom over the chart is redrawn within a couple of frames.
  await page.getByTestId('series-chart').locator('canvas').first().hover();
  const t0 = Date.now();
  await page.mouse.wheel(0, -400);
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  expect(Date.now() - t0).toBeLessThan(1000);
});

test('a CSV dropped on the window opens', async ({ app: page }) => {
  const text = 'date,visitors,temperature\n' + Array.from({ length: 60 }, (_, i) => `2024-03-${String((i % 28) + 1).padStart(2, '0')},${200 + ((i * 37) % 50)},${(12 + Math.sin(i / 5) * 4).toFixed(1)}`).join('\n') + '\n';
  await page.evaluate(
    ({ name, body }) => {
      const data = new DataTransfer();
      data.items.add(new File([body], name, { type: 'text/csv' }));
      const root = document.querySelector('.app')!;
      for (const type of ['dragenter', 'dragover']) root.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
      (window as unknown as { __overlay: boolean }).__overlay = false;
      requestAnimationFrame(() => ((window as unknown as { __overlay: boolean }).__overlay = !!document.querySelector('.drop-overlay')));
      return new Promise<void>((done) =>
        setTimeout(() => {
          root.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
          done();
        }, 100),
      );
    },
    { name: 'dropped.csv', body: text },
  );
  expect(await page.evaluate(() => (window as unknown as { __overlay: boolean }).__overlay)).toBe(true);
  await expect(page.getByTestId('dataset-name')).toContainText('dropped.csv', { timeout: 30_000 });
  await expect(page.getByTestId('detected')).toContainText('dropped.csv: 60 rows');
  await expect(page.getByTestId('coltype-visitors')).toContainText('numeric');
  await expect(page.getByTestId('preview-table')).toContainText('2024-03-01');
  await expect(page.getByTestId('series-chart')).toHaveAttribute('data-points', '60');
  await expect(page.locator('.drop-overlay')).toHaveCount(0);
});

test('results of a 43,800-window run arrive thinned by the host and are drawn in stages, the long tasks measured', async ({ app: page, server }) => {
  test.setTimeout(300_000);
  // Five years of hourly values (pollution.csv's length): a daily cycle, a slow wave and some spikes.
  const rows = 43_824;
  const lines = ['hour,value'];
  for (let i = 0; i < rows; i++) lines.push(`${i},${(60 + 25 * Math.sin((2 * Math.PI * i) / 24) + 10 * Math.sin(i / 2000) + ((i * 7919) % 101) / 10 + (i % 1777 === 0 ? 90 : 0)).toFixed(2)}`);
  const file = join(server.scratch, 'hourly.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open-csv').click();
  await (await chooser).setFiles(file);
  await expect(page.getByTestId('series-chart')).toHaveAttribute('data-rows', String(rows), { timeout: 60_000 });

  await page.getByTestId('tab-training').click();
  await page.getByTestId('windowing').selectOption('sliding');
  await setField(page, 'time-steps', '12');
  await setField(page, 'epochs', '1');
  await setField(page, 'batch-size', '256');
  const split = Math.floor(rows * 0.8);
  const windows = split - 12 + (rows - split - 12);
  await expect(page.getByTestId('window-plan')).toHaveText(`43,824 rows, split at row ${split.toLocaleString('en-US')}: ${(split - 12).toLocaleString('en-US')} training, 0 validation and ${(rows - split - 12).toLocaleString('en-US')} test windows.`);
  expect(windows).toBeGreaterThanOrEqual(43_800);

  // Every long task (over 50 ms) of the page from Train until the results are drawn.
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({ type: 'longtask' });
  });
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('epoch-progress')).toHaveAttribute('data-status', 'finished', { timeout: 240_000 });
  const chart = page.getByTestId('prediction-chart');
  await expect(chart).toBeVisible();
  await expect(chart).toHaveAttribute('data-points', String(windows));
  await expect(page.getByTestId('histogram-chart')).toBeVisible();
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 1000)))));
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  const plotted = Number(await chart.getAttribute('data-plotted-points'));
  const actual = Number(await chart.getAttribute('data-actual-points'));
  // Timings on this shared machine vary with its load, so they are printed (with the load) and not asserted;
  // what is asserted is what makes the page's work small: how much crosses to it.
  console.log(
    `${windows} windows: ${plotted} predictions and ${actual} actual values plotted; long tasks ${longTasks.map((d) => Math.round(d)).join(', ') || 'none'} ms ` +
      `(load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores; before the host thinned, one task of 958 ms was measured)`,
  );
  // Thinned on the host (LTTB per split on actual, predicted and residual), the whole series beneath.
  expect(plotted).toBeGreaterThan(1000);
  expect(plotted).toBeLessThanOrEqual(6000);
  expect(actual).toBeLessThanOrEqual(5000);
  expect(actual).toBeGreaterThan(1000);
  await expect(page.getByTestId('prediction-thinned')).toContainText(`of ${windows.toLocaleString('en-US')} predictions`);
  await page.getByTestId('prediction-chart').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'results-43800-windows.png') });
});
