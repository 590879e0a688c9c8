/**
 * The loss chart as TensorBoard draws it: axes fitted to the epochs so far, a log scale, a smoothing slider
 * (the raw curve stays faint behind the smoothed one), and a loss-history CSV with honest columns; screenshots
 * at 1024x700 and 1440x900.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, screenshotDir, setField, test } from './fixtures';

test('loss chart: log scale and smoothing from the keyboard; the history CSV has honest column names and rounded numbers', async ({ app: page }) => {
  await page.getByTestId('tab-training').click();
  await setField(page, 'epochs', '6');
  await setField(page, 'batch-size', '32');
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('tab-results')).toHaveAttribute('aria-selected', 'true', { timeout: 120_000 });
  await page.getByTestId('tab-training').click();
  const chart = page.getByTestId('loss-chart');
  await expect(chart).toHaveAttribute('data-points', '6');
  await expect(chart).toHaveAttribute('data-series', 'Training loss');

  await page.getByTestId('loss-log-scale').focus();
  await page.keyboard.press('Space');
  await expect(chart).toHaveAttribute('data-log-scale', 'true');

  const slider = page.getByRole('slider', { name: 'Smoothing' });
  await slider.focus();
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
  await expect(chart).toHaveAttribute('data-smoothing', '0.6');
  await expect(chart).toHaveAttribute('data-series', 'Training loss|Training loss (smoothed)');
  await chart.screenshot({ path: join(screenshotDir, 'loss-chart.png') });

  // At 1024x700 and 1440x900 the chart is at least as wide as the layout the unit test checks (legend and
  // axis titles apart: src/renderer/src/charts/options.test.ts); the screenshots are for looking at.
  for (const [width, height] of [
    [1024, 700],
    [1440, 900],
  ]) {
    await page.setViewportSize({ width, height });
    await expect.poll(async () => (await chart.locator('.chart-body').boundingBox())?.width ?? 0).toBeGreaterThanOrEqual(420);
    await chart.scrollIntoViewIfNeeded();
    await chart.screenshot({ path: join(screenshotDir, `loss-chart-${width}x${height}.png`) });
  }

  const download = page.waitForEvent('download');
  await page.getByTestId('save-history').click();
  const csv = await readFile((await (await download).path())!, 'utf8');
  const [header, ...rows] = csv.trim().split(/\r?\n/);
  expect(header).toBe('epoch,train_loss_mse_scaled,validation_loss_mse_scaled,epoch_seconds');
  expect(rows).toHaveLength(6);
  for (const row of rows) {
    const [, loss] = row.split(',');
    expect(loss.replace(/^0\.0*/, '').replace(/e.*$/, '').length).toBeLessThanOrEqual(6);
  }
});
