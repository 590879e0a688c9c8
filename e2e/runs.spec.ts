/**
 * The Runs panel in Chromium against the real browser-mode server, with real training: two runs with
 * different settings are stored and compared (overlaid curves, one metrics table), then a small sweep runs
 * from the panel and its best run is opened; Export downloads a run's bundle as a zip. The server listens on a fixed port of this suite's range.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { startWorkbenchServer } from '../src/server/server';
import { expect, screenshotDir, setField, test as base, zipEntryNames, type ServerInfo } from './fixtures';

const test = base.extend<object, { server: ServerInfo }>({
  server: [
    async ({}, use) => {
      const scratch = await mkdtemp(join(tmpdir(), 'fw-e2e-runs-'));
      const runsDir = join(scratch, 'runs');
      const exportsDir = join(scratch, 'exports');
      const port = Number(process.env.E2E_RUNS_PORT ?? 41731);
      const server = await startWorkbenchServer({ port, webRoot: resolve('out/web'), runsDir, exportsDir });
      await use({ url: server.url, token: server.token, runsDir, exportsDir, scratch });
      await server.close();
      await rm(scratch, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

async function trainOnce(page: Page, units: string): Promise<void> {
  await page.getByTestId('tab-training').click();
  await setField(page, 'epochs', '2');
  await setField(page, 'batch-size', '16');
  await setField(page, 'seed', '3');
  await setField(page, 'layer-0-units', units);
  await expect(page.getByTestId('form-status')).toHaveText('Settings are valid.');
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('epoch-progress')).toHaveAttribute('data-status', /finished|failed/, { timeout: 180_000 });
  await expect(page.getByTestId('epoch-progress')).toHaveAttribute('data-status', 'finished');
}

test('stores every run, compares two, runs a small sweep, opens its best run and downloads bundles', async ({ app: page, server }) => {
  test.setTimeout(600_000);
  await trainOnce(page, '2');
  await trainOnce(page, '5');

  await page.getByTestId('tab-runs').click();
  const rows = page.locator('[data-run-row]');
  await expect(rows).toHaveCount(2);
  await expect(rows.first().getByTestId('run-status')).toHaveText(/finished/);
  await expect(page.getByTestId('runs-disk')).toHaveText(/2 runs · [\d.]+ (KB|MB) on disk/);
  // The server's folders stay on the server: the runs folder is named, and no page text holds a server path.
  await expect(page.getByTestId('runs-disk')).toHaveText(/on disk · the runs folder$/);
  expect(await page.locator('body').innerText()).not.toContain(server.scratch);

  // Sorting by test RMSE is a keyboard-usable button; filter narrows the table.
  await page.getByTestId('sort-testRmse').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('th[aria-sort="ascending"]')).toHaveCount(1);
  await setField(page, 'runs-filter', 'simpleRNN(5)');
  await expect(rows).toHaveCount(1);
  await setField(page, 'runs-filter', '');
  await expect(rows).toHaveCount(2);

  // Compare both: one metrics table, loss curves and predictions overlaid.
  for (const box of await page.getByTestId('run-select').all()) await box.check();
  await page.getByTestId('runs-compare').click();
  const compare = page.getByTestId('compare-panel');
  await expect(compare).toBeVisible();
  await expect(page.getByTestId('compare-note')).toHaveText(/same \d+ test values; ranked by test RMSE/);
  await expect(page.getByTestId('compare-table').locator('thead th')).toHaveCount(3);
  await expect(page.getByTestId('compare-table').locator('tbody tr').first()).toContainText('test RMSE');
  await expect(page.getByTestId('compare-loss-chart')).toHaveAttribute('data-series', '2');
  await expect(page.getByTestId('compare-prediction-chart')).toHaveAttribute('data-series', '2');

  // Rename and tag the first run.
  await rows.first().getByTestId('run-edit').click();
  await setField(page, 'edit-name', 'my first try');
  await setField(page, 'edit-tags', 'e2e, small');
  await page.getByTestId('edit-save').click();
  await expect(page.locator('[data-run-row]', { hasText: 'my first try' })).toContainText('e2e, small');

  // A small sweep from the panel: 2 unit counts on the form's settings.
  await setField(page, 'grid-units', '2,4');
  await setField(page, 'sweep-parallel', '2');
  await page.getByTestId('sweep-start').click();
  await expect(page.getByTestId('sweep-progress')).toHaveText(/^2\/2 runs done/, { timeout: 300_000 });
  await expect(page.getByTestId('sweep-warning')).toHaveText(/no validation share/);
  await expect(page.locator('[data-sweep-row]')).toHaveCount(2);
  await expect(page.getByTestId('sweep-scatter')).toBeVisible();
  await expect(rows).toHaveCount(4);
  await page.getByTestId('sweep-open-best').click();
  await expect(page.getByTestId('run-details')).toBeVisible();
  await expect(page.getByTestId('run-details')).toContainText('finished');
  await page.getByTestId('runs-panel').screenshot({ path: join(screenshotDir, 'runs-panel.png') });

  // Export in browser mode downloads the bundle as one zip (nothing is written in the server's exports
  // folder): a run trained in the tab, and the sweep's best run (a light bundle, completed with its charts).
  const bundleFiles = ['model.json', 'weights.bin', 'metadata.json', 'loss.svg', 'predictions.svg'];
  for (const button of [rows.filter({ hasText: 'my first try' }).getByTestId('run-export'), page.getByTestId('details-export')]) {
    const download = page.waitForEvent('download');
    await button.click();
    const archive = await download;
    expect(archive.suggestedFilename()).toMatch(/\.zip$/);
    const saved = join(server.scratch, archive.suggestedFilename());
    await archive.saveAs(saved);
    const entries = await zipEntryNames(saved);
    const top = archive.suggestedFilename().replace(/\.zip$/, '');
    for (const file of bundleFiles) expect(entries).toContain(`${top}/${file}`);
    await expect(page.getByTestId('runs-notice')).toContainText(`as ${archive.suggestedFilename()}`);
  }
  expect(existsSync(server.exportsDir) ? await readdir(server.exportsDir) : []).toEqual([]);

  // Reopen the best run's settings in the form.
  await page.getByTestId('details-reopen').click();
  await expect(page.getByTestId('tab-training')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('epochs')).toHaveValue('2');
});
