/**
 * The workbench in Debian's Chromium against the real browser-mode server, with real training.
 * Trainings are kept short (few epochs, batch 16) so the suite stays quick on two cores.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, lossPoints, screenshotDir, setField, test, zipEntryNames } from './fixtures';

const shots = screenshotDir;

/** Record every change of the loss chart's point count together with the run status, inside the page. */
async function watchLossChart(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __loss: Array<[number, string]> };
    w.__loss = [];
    const chart = document.querySelector('[data-testid="loss-chart"]')!;
    const status = document.querySelector('[data-testid="epoch-progress"]')!;
    const record = () => w.__loss.push([Number(chart.getAttribute('data-points')), status.getAttribute('data-status') ?? '']);
    record();
    new MutationObserver(record).observe(chart, { attributes: true, attributeFilter: ['data-points'] });
  });
}
async function lossHistory(page: Page): Promise<Array<[number, string]>> {
  return page.evaluate(() => (window as unknown as { __loss: Array<[number, string]> }).__loss);
}

/** Record every text of the run status line (and its phase) inside the page. */
async function watchStatus(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __status: string[] };
    w.__status = [];
    const line = document.querySelector('[data-testid="epoch-progress"]')!;
    const record = () => {
      const seen = `${line.getAttribute('data-phase') ?? ''}|${line.textContent ?? ''}`;
      if (w.__status.at(-1) !== seen) w.__status.push(seen);
    };
    record();
    new MutationObserver(record).observe(line, { attributes: true, childList: true, characterData: true, subtree: true });
  });
}
async function statusHistory(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __status: string[] }).__status);
}

/** Screenshots of the current tab at the two window sizes the app is checked at. */
async function shootAtSizes(page: Page, name: string): Promise<void> {
  for (const [width, height] of [[1440, 900], [1024, 700]]) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(shots, `${name}-${width}x${height}.png`) });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

async function openTrainingTab(page: Page): Promise<void> {
  await page.getByTestId('tab-training').click();
  await expect(page.getByTestId('epochs')).toBeVisible();
}

async function waitFinished(page: Page, timeout = 180_000): Promise<void> {
  await expect(page.getByTestId('epoch-progress')).toHaveAttribute('data-status', /finished|failed/, { timeout });
  await expect(page.getByTestId('epoch-progress')).toHaveAttribute('data-status', 'finished');
}

test('sunspots: a short tutorial-like run plots the loss per epoch, the predictions with the split line, the RMSEs, and exports', async ({ app: page, server }) => {
  // First start: the bundled sunspots series is open and plotted, the tutorial settings are filled in.
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toHaveText(/sunspots/i);
  // The page knows the file by the host's handle only, never by where it is on the server.
  await expect(page.getByTestId('dataset-select')).toHaveValue(/^dataset-[0-9a-f]{16}$/);
  await expect(page.getByTestId('series-chart')).toHaveAttribute('data-points', '2820');
  await expect(page.getByTestId('series-chart')).toHaveAttribute('data-rows', '2820');
  await expect(page.getByTestId('series-chart').locator('h3')).toHaveText('Sunspots — 2,820 values');
  await expect(page.getByTestId('series-thinned')).toHaveCount(0);
  await expect(page.getByTestId('column-select')).toHaveValue('Sunspots');
  await expect(page.getByTestId('preview-table')).toContainText('1749-01');
  await page.screenshot({ path: join(shots, 'data-tab.png') });

  await openTrainingTab(page);
  await expect(page.getByTestId('time-steps')).toHaveValue('12');
  await expect(page.getByTestId('epochs')).toHaveValue('20');
  await expect(page.getByTestId('batch-size')).toHaveValue('1');
  await setField(page, 'epochs', '3');
  await setField(page, 'batch-size', '16');
  await expect(page.getByTestId('form-status')).toHaveText('Settings are valid.');
  // The form knows the windows each part gets, by the engine's own arithmetic.
  await expect(page.getByTestId('window-plan')).toHaveText('2,820 rows, split at row 2,256: 187 training, 0 validation and 46 test windows.');
  await setField(page, 'validation-fraction', '0.2');
  await expect(page.getByTestId('window-plan')).toHaveText('2,820 rows, split at row 2,256: 150 training, 37 validation and 46 test windows.');
  await setField(page, 'validation-fraction', '0');

  await watchLossChart(page);
  await watchStatus(page);
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('backend')).toHaveText(/Backend: \w+/, { timeout: 60_000 });
  await waitFinished(page);
  // The status said what was happening, phase by phase, and never "about 0.0 s left".
  const statuses = await statusHistory(page);
  expect(statuses.some((t) => /^training\|Epoch [1-3] of 3/.test(t)), statuses.join('\n')).toBe(true);
  expect(statuses.some((t) => t.startsWith('evaluating|Evaluating')), statuses.join('\n')).toBe(true);
  expect(statuses.filter((t) => /0\.0 s left/.test(t)), statuses.join('\n')).toEqual([]);
  expect(statuses.at(-1)).toMatch(/\|Done: 3 epochs in/);

  // One point per epoch, gained while the run was still going.
  const seen = await lossHistory(page);
  const counts = seen.map(([n]) => n).filter((n, i, a) => i === 0 || n !== a[i - 1]);
  expect(counts.filter((n) => n > 0)).toEqual([1, 2, 3]);
  const firstPoint = seen.find(([n]) => n === 1)!;
  expect(firstPoint[1]).not.toBe('finished');
  expect(await lossPoints(page)).toBe(3);

  // Results: both series, the split line at floor(2820 * 0.8) = 2256, RMSEs.
  await expect(page.getByTestId('tab-results')).toHaveAttribute('aria-selected', 'true');
  const chart = page.getByTestId('prediction-chart');
  await expect(chart).toBeVisible();
  await expect(chart).toHaveAttribute('data-split-index', '2256');
  expect(Number(await chart.getAttribute('data-series-count'))).toBeGreaterThanOrEqual(2);
  // The whole actual series: one point per row of the CSV, not only the 233 window targets.
  const csvRows = readFileSync(resolve('resources/datasets/sunspots.csv'), 'utf8').trim().split('\n').length - 1;
  expect(csvRows).toBe(2820);
  await expect(chart).toHaveAttribute('data-actual-points', String(csvRows));
  await expect(chart).toHaveAttribute('data-points', String(187 + 46));
  // Focus moved with the run: to the Results tab it opened.
  await expect(page.getByTestId('tab-results')).toBeFocused();
  for (const id of ['metric-train-rmse', 'metric-test-rmse', 'metric-train-rmse-original', 'metric-test-rmse-original']) {
    await expect(page.getByTestId(id)).toHaveText(/^\d/);
  }
  await expect(page.getByTestId('stop-reason').last()).toHaveAttribute('data-reason', 'completed');
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(shots, 'results-short-run.png'), fullPage: true });

  // Export downloads the bundle as one zip archive holding model.json (nothing is written on the server's disk).
  const bundleDownload = page.waitForEvent('download');
  await page.getByTestId('export-button').click();
  const archive = await bundleDownload;
  expect(archive.suggestedFilename()).toMatch(/\.zip$/);
  const saved = join(server.scratch, archive.suggestedFilename());
  await archive.saveAs(saved);
  expect(existsSync(saved), saved).toBe(true);
  expect(await zipEntryNames(saved)).toContainEqual(expect.stringMatching(/\/model\.json$/));
  await expect(page.getByTestId('export-downloaded')).toContainText(archive.suggestedFilename());

  // Chart images and the loss history download.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /Save image: Actual vs predicted/ }).click();
  expect((await download).suggestedFilename()).toMatch(/\.png$/);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: /Copy image: Actual vs predicted/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  const clipboardTypes = await page.evaluate(async () => (await navigator.clipboard.read()).flatMap((item) => item.types));
  expect(clipboardTypes).toContain('image/png');
  await page.getByTestId('tab-training').click();
  const csv = page.waitForEvent('download');
  await page.getByTestId('save-history').click();
  expect((await csv).suggestedFilename()).toMatch(/loss-history\.csv$/);
});

test('an invalid value is refused in the form with the reason, and Train stays disabled', async ({ app: page }) => {
  await openTrainingTab(page);
  await setField(page, 'time-steps', '0');
  await expect(page.getByTestId('error-f-time-steps')).toHaveText('must be at least 1');
  await expect(page.getByTestId('time-steps')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('train-button')).toBeDisabled();
  await expect(page.getByTestId('form-status')).toContainText('1 setting to fix');
  await expect(page.getByTestId('invalid-hint')).toContainText('timeSteps: must be at least 1');
  await setField(page, 'learning-rate', '');
  await expect(page.getByTestId('error-f-learning-rate')).toHaveText('enter a number');
  await page.screenshot({ path: join(shots, 'form-invalid.png') });
  await page.getByTestId('tutorial-defaults').click();
  await expect(page.getByTestId('time-steps')).toHaveValue('12');
  await expect(page.getByTestId('train-button')).toBeEnabled();
});

test('keyboard: Tab to Train and press Enter; Stop mid-run keeps the last finished epoch', async ({ app: page }) => {
  await openTrainingTab(page);
  // The fused trainer runs the tutorial's epochs in milliseconds: enough of them that Stop comes mid-run.
  await setField(page, 'epochs', '10000');
  await setField(page, 'batch-size', '16');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  let focused = '';
  for (let i = 0; i < 30 && focused !== 'train-button'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
  }
  expect(focused).toBe('train-button');
  await page.keyboard.press('Enter');
  await expect.poll(() => lossPoints(page), { timeout: 90_000 }).toBeGreaterThanOrEqual(1);
  await page.getByTestId('stop-button').click();
  await expect(page.getByTestId('stop-reason').first()).toHaveAttribute('data-reason', 'user', { timeout: 60_000 });
  const text = (await page.getByTestId('stop-reason').first().textContent())!;
  const epoch = Number(/after epoch (\d+)/.exec(text)?.[1]);
  expect(epoch).toBeGreaterThanOrEqual(1);
  expect(epoch).toBeLessThan(10000);
  expect(text).toContain(`keeps epoch ${epoch}'s weights`);
  await expect(page.getByTestId('train-button')).toBeEnabled();
});

test('keyboard focus through the form is never hidden under the sticky header and tabs (1024x700)', async ({ app: page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await openTrainingTab(page);
  await page.getByTestId('time-steps').focus();
  const hidden: string[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const where = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const header = document.querySelector('.app-header')!.getBoundingClientRect();
      const tabs = document.querySelector('[role="tablist"]')!.getBoundingClientRect();
      // The header's own controls, and the tab panel (a container taller than the window), are not judged.
      if (el.closest('.app-header') || el.closest('[role="tablist"]') || el.getAttribute('role') === 'tabpanel') return null;
      const box = el.getBoundingClientRect();
      const covered = box.top < Math.max(header.bottom, tabs.bottom) - 1 || box.bottom > window.innerHeight + 1;
      return covered ? `${el.id || el.getAttribute('data-testid') || el.tagName}: top ${Math.round(box.top)} under ${Math.round(Math.max(header.bottom, tabs.bottom))}` : null;
    });
    if (where) hidden.push(where);
  }
  expect(hidden).toEqual([]);
  await page.setViewportSize({ width: 1440, height: 900 });
});

test('open a semicolon CSV with decimal commas through the file chooser and train on a chosen column', async ({ app: page, server }) => {
  const rows = ['Datum;Umsatz;Temperatur;Region'];
  for (let i = 0; i < 240; i++) {
    const d = new Date(Date.UTC(2020, 0, 1 + i));
    const temp = (10 + 8 * Math.sin((2 * Math.PI * i) / 30) + ((i * 7919) % 13) / 10).toFixed(2).replace('.', ',');
    const sales = (1000 + i * 3.5 + ((i * 31) % 17)).toFixed(1).replace('.', ',');
    rows.push(`${d.toISOString().slice(0, 10)};${sales};${temp};${i % 2 ? 'Nord' : 'Süd'}`);
  }
  const file = join(server.scratch, 'wetter-umsatz.csv');
  writeFileSync(file, rows.join('\r\n') + '\r\n');

  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open-csv').click();
  await (await chooser).setFiles(file);
  await expect(page.getByTestId('detected')).toContainText('wetter-umsatz.csv', { timeout: 30_000 });
  await expect(page.getByTestId('detected')).toContainText('delimiter ";"');
  await expect(page.getByTestId('detected')).toContainText('decimal commas');
  await expect(page.getByTestId('coltype-Temperatur')).toContainText('numeric');
  await expect(page.getByTestId('coltype-Datum')).toContainText('date');
  await page.getByTestId('column-select').selectOption('Temperatur');
  await expect(page.getByTestId('series-chart')).toHaveAttribute('data-points', '240');
  await page.screenshot({ path: join(shots, 'csv-opened.png') });

  await openTrainingTab(page);
  await setField(page, 'epochs', '2');
  await setField(page, 'batch-size', '16');
  await setField(page, 'time-steps', '6');
  await page.getByTestId('train-button').click();
  await waitFinished(page);
  await expect(page.getByTestId('result-facts')).toContainText('Temperatur');
  await expect(page.getByTestId('prediction-chart')).toHaveAttribute('data-split-index', String(Math.floor(240 * 0.8)));
  await expect(page.getByTestId('metric-test-rmse')).toHaveText(/^\d/);
});

test('settings the data cannot serve are refused next to their fields before Train', async ({ app: page, server }) => {
  const file = join(server.scratch, 'short.csv');
  writeFileSync(file, 'x,y,z\n' + Array.from({ length: 40 }, (_, i) => `${i},${Math.sin(i).toFixed(4)},${i % 4 === 0 ? i : ''}`).join('\n') + '\n');
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open-csv').click();
  await (await chooser).setFiles(file);
  await expect(page.getByTestId('detected')).toContainText('short.csv', { timeout: 30_000 });
  await expect(page.getByTestId('series-chart')).toHaveAttribute('data-rows', '40');
  await openTrainingTab(page);
  // Too few rows for the window: refused at the time steps, with the engine's own sentence.
  await setField(page, 'time-steps', '200');
  await expect(page.getByTestId('error-f-time-steps')).toHaveText(/^Too few rows for the window: 40 rows split at 80% give 0 training and 0 test windows of 200 time steps; this needs at least \d+ rows\./);
  await expect(page.getByTestId('time-steps')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('window-plan')).toHaveText('40 rows, split at row 32: 0 training, 0 validation and 0 test windows.');
  await expect(page.getByTestId('train-button')).toBeDisabled();
  await expect(page.getByTestId('invalid-hint')).toContainText('timeSteps: Too few rows');
  await page.screenshot({ path: join(shots, 'form-too-few-rows.png') });
  await setField(page, 'time-steps', '3');
  await expect(page.getByTestId('window-plan')).toHaveText('40 rows, split at row 32: 10 training, 0 validation and 2 test windows.');
  await expect(page.getByTestId('train-button')).toBeEnabled();
  // A validation share that takes every training window.
  await setField(page, 'time-steps', '12');
  await setField(page, 'train-fraction', '0.6');
  await expect(page.getByTestId('window-plan')).toHaveText('40 rows, split at row 24: 1 training, 0 validation and 1 test windows.');
  await setField(page, 'validation-fraction', '0.5');
  await expect(page.getByTestId('error-f-validation')).toHaveText('The validation fraction 0.5 leaves no training windows out of 1; lower it.');
  await expect(page.getByTestId('train-button')).toBeDisabled();
  await page.getByTestId('tutorial-defaults').click();
  // A multi-step forecast with an extra input, whose future is unknown: refused with the reason.
  await page.getByTestId('tab-data').click();
  await page.getByLabel('z', { exact: true }).check();
  await openTrainingTab(page);
  await setField(page, 'time-steps', '3');
  await setField(page, 'forecast-steps', '6');
  await expect(page.getByTestId('error-f-forecast')).toContainText('at most 1 with extra input columns (z): beyond the model\'s 1-step output the forecast would need future values of those columns, which are unknown');
  await expect(page.getByTestId('train-button')).toBeDisabled();
  await setField(page, 'forecast-steps', '1');
  await expect(page.getByTestId('train-button')).toBeEnabled();
});

test('a run the engine refuses shows an error banner and the app stays usable', async ({ app: page, server }) => {
  // z has a value on every fourth row only: dropping the rows it misses leaves 10 of the 40 rows, which the
  // form (counting the target's rows) cannot know; the engine refuses the run.
  const file = join(server.scratch, 'short.csv');
  writeFileSync(file, 'x,y,z\n' + Array.from({ length: 40 }, (_, i) => `${i},${Math.sin(i).toFixed(4)},${i % 4 === 0 ? i : ''}`).join('\n') + '\n');
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open-csv').click();
  await (await chooser).setFiles(file);
  await expect(page.getByTestId('detected')).toContainText('short.csv', { timeout: 30_000 });
  await page.getByTestId('missing-select').selectOption('drop');
  await page.getByLabel('z', { exact: true }).check();
  await openTrainingTab(page);
  await setField(page, 'time-steps', '3');
  await setField(page, 'batch-size', '16');
  await page.getByTestId('train-button').click();
  const banner = page.getByTestId('error-banner');
  await expect(banner).toBeVisible({ timeout: 60_000 });
  await expect(banner).toHaveAttribute('role', 'alert');
  await expect(banner).toContainText(/\w{4,}/);
  await page.screenshot({ path: join(shots, 'error.png') });
  await expect(page.getByTestId('train-button')).toBeEnabled();
  await expect(page.getByTestId('time-steps')).toBeEnabled();
});

test('LSTM with two layers and a forecast ahead', async ({ app: page }) => {
  await openTrainingTab(page);
  await page.getByTestId('layer-0-type').selectOption('lstm');
  await page.getByTestId('add-layer').click();
  await expect(page.getByTestId('layer-1-type')).toHaveValue('lstm');
  await setField(page, 'layer-0-units', '8');
  await setField(page, 'epochs', '2');
  await setField(page, 'batch-size', '16');
  await setField(page, 'validation-fraction', '0.1');
  await setField(page, 'forecast-steps', '24');
  await setField(page, 'backtest-folds', '3');
  await page.screenshot({ path: join(shots, 'form.png') });
  await page.getByTestId('train-button').click();
  await waitFinished(page);
  const chart = page.getByTestId('prediction-chart');
  // Actual, predicted and forecast, plus the prediction-interval bands the validation part calibrates
  // (each band is two series: its lower edge and its width).
  const bands = Number(await chart.getAttribute('data-band-count'));
  expect(bands).toBeGreaterThanOrEqual(1);
  await expect(chart).toHaveAttribute('data-series-count', String(3 + 2 * bands));
  await expect(chart).toHaveAttribute('data-forecast-points', '24');
  await expect(page.getByTestId('metric-interval-coverage')).toContainText(/80 %/);
  await expect(page.getByTestId('metric-validation-rmse')).toHaveText(/^\d/);
  // The statistical references sit in the errors table, in original units (no MAPE of scaled values).
  for (const name of ['ets', 'theta', 'arima']) {
    await expect(page.getByTestId(`metric-row-baseline-${name}`)).toContainText('(reference)');
    await expect(page.getByTestId(`metric-baseline-${name}-rmse-original`)).toHaveText(/^\d/);
  }
  await expect(page.getByTestId('metric-test-mape')).toHaveCount(0);
  await expect(page.getByTestId('metric-test-mape-original')).toHaveText(/^\d/);
  // References drawn over the test part on demand: the actual line stays whole beneath them.
  await expect(chart).toHaveAttribute('data-overlay-count', '0');
  await page.getByTestId('overlay-ets').check();
  await page.getByLabel('naive', { exact: true }).check();
  await expect(chart).toHaveAttribute('data-overlay-count', '2');
  await expect(chart).toHaveAttribute('data-series-count', String(3 + 2 * bands + 2));
  await expect(chart).toHaveAttribute('data-actual-points', '2820');
  await expect(page.getByTestId('backtest-table')).toBeVisible();
  await expect(page.getByTestId('result-facts')).toContainText('validation');
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(shots, 'results-lstm-forecast.png'), fullPage: true });
  await shootAtSizes(page, 'results-tab');
  await page.getByTestId('tab-training').click();
  await shootAtSizes(page, 'training-tab');
});

test('one click on Train reproduces the tutorial (SimpleRNN(3) → Dense(1), 20 epochs, batch 1)', async ({ app: page }) => {
  await expect(page.getByTestId('tutorial-hint')).toContainText('One click on Train runs the Keras tutorial');
  await page.getByTestId('train-button').click();
  await waitFinished(page, 220_000);
  await expect(page.getByTestId('prediction-chart')).toHaveAttribute('data-split-index', '2256');
  await expect(page.getByTestId('result-facts')).toContainText('187 train / 0 validation / 46 test windows');
  const testRmse = Number(await page.getByTestId('metric-test-rmse').textContent());
  expect(testRmse).toBeGreaterThan(0);
  expect(testRmse).toBeLessThan(0.3);
  // The preset's seed is fixed and visible, so this run is the README's; "New seed" draws another.
  await expect(page.getByTestId('result-facts')).toContainText(/seed 1\b/);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(shots, 'tutorial-run.png') });
  await page.getByTestId('tab-training').click();
  await expect(page.getByTestId('seed')).toHaveValue('1');
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(shots, 'training-tab.png') });
  await page.getByTestId('new-seed').click();
  await expect(page.getByTestId('seed')).not.toHaveValue('1');
});

// Export, reopening the bundle and forecasting another CSV with it: e2e/bundle-files.spec.ts.

test('a training process that dies mid-run is recovered from its last checkpoint, and the next run works', async ({ app: page }) => {
  await openTrainingTab(page);
  await setField(page, 'epochs', '500');
  await setField(page, 'batch-size', '16');
  await page.getByTestId('train-button').click();
  await expect.poll(() => lossPoints(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);

  // Kill the real training process as a crash would (the engine worker is a different entry). Only this test
  // worker's own children: other suites on the machine may be training too.
  const pids = execSync(`pgrep -P ${process.pid} -f "[t]raining-process/entry" || true`, { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  expect(pids.length, 'one training process is running').toBeGreaterThan(0);
  for (const pid of pids) process.kill(pid, 'SIGKILL');

  // The run is not lost: a new process finishes it from the checkpoint of its last finished epoch.
  await waitFinished(page);
  await expect(page.getByTestId('stop-reason').first()).toHaveAttribute('data-reason', 'crashed');
  await expect(page.getByTestId('stop-reason').first()).toContainText(/stopped unexpectedly after epoch \d+; the run was recovered/);
  await expect(page.getByTestId('error-banner')).toBeHidden();
  await page.screenshot({ path: join(shots, 'crash-recovered.png') });
  await expect(page.getByTestId('train-button')).toBeEnabled();

  await openTrainingTab(page);
  await setField(page, 'epochs', '2');
  await page.getByTestId('train-button').click();
  await waitFinished(page);
  await expect(page.getByTestId('stop-reason').first()).toHaveAttribute('data-reason', 'completed');
});
