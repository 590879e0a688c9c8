/**
 * The target transform in the form: air passengers trained with log + differencing at lags 1 and 12, the run's
 * forecast in passengers; a Box-Cox lambda out of range and a lag that is not a number are refused next to
 * their fields. Screenshots of the form block at 1440x900 and 1024x700.
 */
import { join } from 'node:path';
import { expect, screenshotDir, setField, test } from './fixtures';

test('log + differencing 1, 12 on air passengers: trained, forecast in passengers; bad values refused next to the field', async ({ app: page }) => {
  await page.getByTestId('dataset-select').selectOption({ label: 'air-passengers.csv (bundled)' });
  await expect(page.getByTestId('detected')).toContainText('air-passengers.csv');
  await page.getByTestId('tab-training').click();

  const transform = page.getByLabel('Target transform');
  await expect(transform).toHaveValue('none');
  await transform.selectOption('box-cox');
  await expect(page.getByLabel('Box-Cox lambda')).toBeVisible();
  await setField(page, 'box-cox-lambda', '3');
  await expect(page.getByTestId('form-status')).toContainText('to fix');
  await expect(page.getByTestId('error-f-box-cox-lambda')).toBeVisible();
  await setField(page, 'box-cox-lambda', '');
  await expect(page.getByTestId('error-f-box-cox-lambda')).toHaveCount(0);
  await setField(page, 'difference', '1, x');
  await expect(page.getByTestId('error-f-difference')).toBeVisible();
  await expect(page.getByTestId('difference')).toHaveValue('1, x'); // what was typed stays, with the reason beside it
  await expect(page.getByTestId('form-status')).toContainText('to fix');
  await expect(page.getByTestId('train-button')).toBeDisabled();
  await transform.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: join(screenshotDir, 'form-transforms-invalid.png') });

  // Keyboard: the select takes arrow keys; Log is the option before Box-Cox.
  await transform.focus();
  await page.keyboard.press('ArrowUp');
  await expect(transform).toHaveValue('log');
  await expect(page.getByLabel('Box-Cox lambda')).toHaveCount(0);
  await setField(page, 'difference', '1, 12');
  await setField(page, 'epochs', '3');
  await setField(page, 'batch-size', '8');
  await setField(page, 'validation-fraction', '0.2');
  await setField(page, 'forecast-steps', '12');
  await expect(page.getByTestId('form-status')).toHaveText('Settings are valid.');
  await transform.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: join(screenshotDir, 'form-transforms-1440.png') });
  await page.setViewportSize({ width: 1024, height: 700 });
  await transform.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: join(screenshotDir, 'form-transforms-1024.png') });
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('epoch-progress')).toHaveAttribute('data-status', /finished|failed/, { timeout: 180_000 });
  await expect(page.getByTestId('epoch-progress')).toHaveAttribute('data-status', 'finished');
  await expect(page.getByTestId('prediction-chart')).toHaveAttribute('data-forecast-points', '12');
});
