/**
 * The time-column picker means what it says: on the monthly sunspots the detected "Month" is selected;
 * "Row number (no time column)", chosen from the keyboard, numbers the rows (the plot and the run), and
 * "Detect" is a choice of its own that finds Month again. The run trained with row numbers records no
 * time column and its results count rows.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, setField, test } from './fixtures';

test('"Row number" trains on numbered rows; "Detect" is its own choice', async ({ app: page, server }) => {
  const picker = page.getByLabel('Time column (x axis)');
  await expect(picker).toHaveValue('Month');
  await expect(page.getByTestId('prepared-span')).toContainText('1749-01 to');

  // From the keyboard: up from Month passes "Detect" and reaches "Row number".
  await picker.focus();
  await page.keyboard.press('ArrowUp');
  await expect(picker.locator('option:checked')).toHaveText('Detect when the run reads the file');
  await expect(page.getByTestId('prepared-span')).toContainText('1749-01 to');
  await page.keyboard.press('ArrowUp');
  await expect(picker.locator('option:checked')).toHaveText('Row number (no time column)');
  // The plotted series has no time labels any more: the span in dates is gone, the rows stay.
  await expect(page.getByTestId('prepared-span')).toHaveCount(0);
  await expect(page.getByTestId('series-chart')).toHaveAttribute('data-rows', /^\d+$/);

  await page.getByTestId('tab-training').click();
  await setField(page, 'epochs', '2');
  await setField(page, 'batch-size', '32');
  await expect(page.getByTestId('form-status')).toHaveText('Settings are valid.');
  const records = join(server.runsDir, '.records');
  const resultFiles = async () => (existsSync(records) ? (await readdir(records)).filter((name) => name.endsWith('.result.json')) : []);
  const before = new Set(await resultFiles());
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('epoch-progress')).toHaveAttribute('data-status', /finished|failed/, { timeout: 180_000 });
  await expect(page.getByTestId('epoch-progress')).toHaveAttribute('data-status', 'finished');

  // The run used the choice the picker showed: no time column, rows numbered.
  const added = (await resultFiles()).filter((name) => !before.has(name));
  expect(added).toHaveLength(1);
  const result = JSON.parse(await readFile(join(records, added[0]), 'utf8'));
  expect(result.config.data.timeColumn).toBe(false);
  expect(result.dataset.timeColumn).toBeNull();
  await page.getByTestId('tab-results').click();
  const split = await page.getByTestId('prediction-chart').getAttribute('data-split-index');
  await expect(page.getByTestId('prediction-chart')).toContainText(`Dashed red line: first test row (row ${split}).`);

  // Back on the Data tab, "Detect" finds the Month column again.
  await page.getByTestId('tab-data').click();
  await picker.selectOption({ label: 'Detect when the run reads the file' });
  await expect(page.getByTestId('prepared-span')).toContainText('1749-01 to');
});
