/**
 * Calendar features in the form: on monthly air passengers, the Month checkbox (ticked from the keyboard) lets a
 * 1-unit model forecast 24 steps, which the form does not refuse before Train; the run's forecast has 24 points.
 * Screenshots at 1440x900 and 1024x700. Opening another dataset clears the calendar features.
 */
import { join } from 'node:path';
import { expect, screenshotDir, setField, test } from './fixtures';

test('month as a calendar feature: a 24-step forecast from a 1-unit head, trained', async ({ app: page }) => {
  await page.getByTestId('dataset-select').selectOption({ label: 'air-passengers.csv (bundled)' });
  await expect(page.getByTestId('detected')).toContainText('air-passengers.csv');
  await page.getByTestId('tab-training').click();

  const group = page.getByRole('group', { name: 'Calendar features' });
  await expect(group).toBeVisible();
  const month = group.getByRole('checkbox', { name: 'Month' });
  await expect(month).not.toBeChecked();
  await month.focus();
  await page.keyboard.press('Space');
  await expect(month).toBeChecked();
  await expect(group.getByRole('checkbox', { name: 'Day of week' })).not.toBeChecked();

  await setField(page, 'forecast-steps', '24');
  await setField(page, 'epochs', '2');
  await setField(page, 'batch-size', '16');
  await expect(page.getByTestId('form-status')).toHaveText('Settings are valid.');
  await expect(page.getByTestId('error-f-forecast')).toHaveCount(0);
  await group.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: join(screenshotDir, 'form-calendar-1440.png') });
  await page.setViewportSize({ width: 1024, height: 700 });
  await group.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: join(screenshotDir, 'form-calendar-1024.png') });
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('epoch-progress')).toHaveAttribute('data-status', /finished|failed/, { timeout: 180_000 });
  await expect(page.getByTestId('epoch-progress')).toHaveAttribute('data-status', 'finished');
  await expect(page.getByTestId('prediction-chart')).toHaveAttribute('data-forecast-points', '24');
});

test('another dataset clears the calendar features: none stay on for a file without a time column', async ({ app: page }) => {
  await page.getByTestId('dataset-select').selectOption({ label: 'air-passengers.csv (bundled)' });
  await expect(page.getByTestId('detected')).toContainText('air-passengers.csv');
  await page.getByTestId('tab-training').click();
  const group = page.getByRole('group', { name: 'Calendar features' });
  const month = group.getByRole('checkbox', { name: 'Month' });
  await month.focus();
  await page.keyboard.press('Space');
  await expect(month).toBeChecked();

  // The EU stock markets have no time column ("Day" counts the rows): the picker says so and Month is off.
  await page.getByTestId('tab-data').click();
  const datasetPicker = page.getByTestId('dataset-select');
  await datasetPicker.selectOption({ label: 'eu-stock-markets.csv (bundled)' });
  await expect(page.getByTestId('detected')).toContainText('eu-stock-markets.csv');
  await expect(page.getByLabel('Time column (x axis)').locator('option:checked')).toHaveText('Row number (no time column)');
  await page.getByTestId('tab-training').click();
  for (const name of ['Month', 'Day of week', 'Hour', 'Day of year']) await expect(group.getByRole('checkbox', { name })).not.toBeChecked();
  await expect(page.getByTestId('form-status')).toHaveText('Settings are valid.');

  // Back to air passengers: its Month time column is selected again, the calendar features stay off until ticked.
  await page.getByTestId('tab-data').click();
  await datasetPicker.selectOption({ label: 'air-passengers.csv (bundled)' });
  await expect(page.getByLabel('Time column (x axis)')).toHaveValue('Month');
  await page.getByTestId('tab-training').click();
  await expect(month).not.toBeChecked();
});
