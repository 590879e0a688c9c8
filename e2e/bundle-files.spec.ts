/**
 * Files in and out of browser mode, in real Chromium against the real server with a real training: the
 * bundle downloads as one zip, is uploaded again, forecasts another CSV (and, with a column mapping, a CSV
 * whose column is named differently), is reopened from the recent-models list; a tampered archive is
 * refused with its sentence. The bundle panel is screenshotted at 1440x900 and 1024x700.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, screenshotDir, setField, test, zipEntryNames } from './fixtures';

/** axe's critical and serious findings inside the bundle panel. */
async function panelViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).include('[data-testid="bundle-panel"]').analyze();
  return violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id}: ${v.help}`);
}

async function trainShortRun(page: Page): Promise<void> {
  await page.getByTestId('tab-training').click();
  await setField(page, 'epochs', '2');
  await setField(page, 'batch-size', '16');
  await setField(page, 'forecast-steps', '12');
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('epoch-progress')).toHaveAttribute('data-status', /finished|failed/, { timeout: 180_000 });
  await expect(page.getByTestId('epoch-progress')).toHaveAttribute('data-status', 'finished');
}

/** Choose "Open another CSV…" in the bundle panel and upload `file`. */
async function forecastFile(page: Page, file: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('bundle-dataset-select').selectOption('__open__');
  await page.getByTestId('bundle-predict').click();
  await (await chooser).setFiles(file);
}

test('download a bundle as a zip, upload it again, forecast other CSVs with it (one by a column mapping), reopen it from the recent list; a tampered zip is refused', async ({ app: page, server }) => {
  await trainShortRun(page);

  // Export = a download of one zip archive.
  await page.getByLabel('Archive name').fill('sunspots-e2e');
  const download = page.waitForEvent('download');
  await page.getByTestId('export-button').click();
  const archive = await download;
  expect(archive.suggestedFilename()).toBe('sunspots-e2e.zip');
  const zip = join(server.scratch, 'sunspots-e2e.zip');
  await archive.saveAs(zip);
  const entries = await zipEntryNames(zip);
  expect(entries).toEqual(expect.arrayContaining(['sunspots-e2e/model.json', 'sunspots-e2e/weights.bin', 'sunspots-e2e/metadata.json']));

  // Re-upload it: no prompt, a file chooser for .zip files.
  page.on('dialog', (d) => {
    throw new Error(`unexpected ${d.type()} dialog: ${d.message()}`);
  });
  let chooser = page.waitForEvent('filechooser');
  await page.getByTestId('bundle-open').click();
  await (await chooser).setFiles(zip);
  await expect(page.getByTestId('bundle-summary')).toContainText('sunspots-e2e', { timeout: 30_000 });
  await expect(page.getByTestId('bundle-summary')).not.toContainText(server.scratch);

  // A second file of the same shape: the last 600 months of sunspots, written by the test.
  const lines = readFileSync(resolve('resources/datasets/sunspots.csv'), 'utf8').trim().split('\n');
  const second = join(server.scratch, 'sunspots-recent.csv');
  writeFileSync(second, [lines[0], ...lines.slice(-600)].join('\n') + '\n');
  await forecastFile(page, second);
  await expect(page.getByTestId('bundle-prediction-chart')).toBeVisible({ timeout: 60_000 });
  expect(Number(await page.getByTestId('bundle-prediction-chart').getAttribute('data-series-count'))).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('bundle-metric-test-rmse')).toHaveText(/^\d/);
  await page.getByTestId('bundle-panel').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screenshotDir, 'bundle-forecast.png'), fullPage: true });

  // The same months with the column named "Count": refused, then a column mapping is offered and used.
  const renamed = join(server.scratch, 'sunspots-count.csv');
  writeFileSync(renamed, ['Month,Count', ...lines.slice(-600)].join('\n') + '\n');
  await forecastFile(page, renamed);
  await expect(page.getByTestId('bundle-error')).toContainText(/sunspots-count\.csv does not fit this bundle, which needs target "Sunspots"/, { timeout: 60_000 });
  const mapping = page.getByTestId('bundle-column-map');
  await expect(mapping).toContainText('sunspots-count.csv has no column "Sunspots"');
  const target = page.getByLabel('Target “Sunspots”');
  await expect(target).toHaveValue('Count');
  await mapping.scrollIntoViewIfNeeded();
  await page.getByTestId('bundle-panel').screenshot({ path: join(screenshotDir, 'bundle-column-map.png') });
  expect(await panelViolations(page), 'bundle panel with the column mapping').toEqual([]);
  await target.focus();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('bundle-predict-mapped')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('bundle-prediction-chart')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('bundle-error')).toBeHidden();
  await expect(page.getByTestId('bundle-panel')).toContainText(`sunspots-count.csv's column "Count" was used as the model's "Sunspots".`);
  await expect(page.getByTestId('bundle-metric-test-rmse')).toHaveText(/^\d/);

  // The saved image: the chart's size at 2x plus a title band with the chart's title drawn in it.
  const image = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save image: sunspots-count.csv with the reopened model' }).click();
  const png = readFileSync((await (await image).path())!);
  const box = (await page.getByTestId('bundle-prediction-chart').locator('.chart-body').boundingBox())!;
  expect(Math.abs(png.readUInt32BE(16) - 2 * box.width)).toBeLessThanOrEqual(2);
  expect(Math.abs(png.readUInt32BE(20) - 2 * (box.height + 36))).toBeLessThanOrEqual(2);
  const darkInTitleBand = await page.evaluate(async (base64) => {
    const picture = new Image();
    picture.src = `data:image/png;base64,${base64}`;
    await picture.decode();
    const canvas = document.createElement('canvas');
    canvas.width = picture.width;
    canvas.height = picture.height;
    const context = canvas.getContext('2d')!;
    context.drawImage(picture, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, 72).data;
    let dark = 0;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 110 && pixels[i + 1] < 110 && pixels[i + 2] < 130) dark++;
    return dark;
  }, png.toString('base64'));
  expect(darkInTitleBand).toBeGreaterThan(200);
  writeFileSync(join(screenshotDir, 'saved-chart-image.png'), png);

  // A file of another shape is refused with the reason.
  const other = join(server.scratch, 'other-columns.csv');
  writeFileSync(other, 'when,temperature\n' + Array.from({ length: 100 }, (_, i) => `${i},${i % 7}`).join('\n') + '\n');
  await forecastFile(page, other);
  await expect(page.getByTestId('bundle-error')).toContainText(/Sunspots|column/i, { timeout: 60_000 });

  // A tampered archive: a file name patched to climb out of the folder. Refused with its sentence.
  const tampered = join(server.scratch, 'tampered.zip');
  writeFileSync(tampered, Buffer.from(readFileSync(zip).toString('latin1').split('sunspots-e2e/README.txt').join('sunspots-e2e/../../../x'), 'latin1'));
  chooser = page.waitForEvent('filechooser');
  await page.getByTestId('bundle-open').click();
  await (await chooser).setFiles(tampered);
  await expect(page.getByTestId('bundle-error')).toHaveText(/^The model bundle could not be opened: tampered\.zip was refused: it names a file outside the bundle folder .*Nothing was written\.$/);

  // The recent-models list (after a reload, from the host) reopens the uploaded bundle.
  await page.reload();
  await expect(page.getByTestId('series-chart')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('tab-results').click();
  const recent = page.getByLabel('Recent models');
  await expect(recent.locator('option', { hasText: 'Bundle: sunspots-e2e' })).toHaveCount(1);
  await expect(recent.locator('option', { hasText: /^Run: / })).not.toHaveCount(0);
  await recent.selectOption({ label: (await recent.locator('option', { hasText: 'Bundle: sunspots-e2e' }).textContent())!.trim() });
  await page.getByTestId('bundle-open-recent').click();
  await expect(page.getByTestId('bundle-summary')).toContainText('sunspots-e2e');
  expect(await panelViolations(page), 'bundle panel with the recent list').toEqual([]);

  const panel = page.getByTestId('bundle-panel');
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: join(screenshotDir, 'bundle-panel-1440.png') });
  await page.setViewportSize({ width: 1024, height: 700 });
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: join(screenshotDir, 'bundle-panel-1024.png') });
});
