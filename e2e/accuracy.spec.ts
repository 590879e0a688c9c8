/**
 * Accuracy settings in the page. The target transform: air passengers trained with log + differencing at lags
 * 1 and 12, the run's forecast in passengers; a Box-Cox lambda out of range and a lag that is not a number are
 * refused next to their fields. The refit backtest: set in the form, shown per origin beside the refitted
 * references. Screenshots at 1440x900 and 1024x700.
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

test('refit backtest: 2 origins of 6 months, the retrained network beside the refitted references', async ({ app: page }) => {
  await page.getByTestId('dataset-select').selectOption({ label: 'air-passengers.csv (bundled)' });
  await expect(page.getByTestId('detected')).toContainText('air-passengers.csv');
  await page.getByTestId('tab-training').click();
  await expect(page.getByLabel('Refit horizon')).toHaveCount(0);
  // Origins that leave too few rows before the first are refused beside the field, before Train, in the engine's sentence.
  await setField(page, 'refit-origins', '20');
  await setField(page, 'refit-horizon', '6');
  await expect(page.getByTestId('error-f-refit-origins')).toHaveText(
    "The refit backtest's 20 origins of 6 steps leave 24 rows before the first origin; it needs at least 26. Use fewer origins, a shorter horizon or fewer time steps.",
  );
  await expect(page.getByTestId('train-button')).toBeDisabled();
  await setField(page, 'refit-origins', '2');
  await page.getByLabel('Refit training window').selectOption('sliding');
  await setField(page, 'epochs', '2');
  await setField(page, 'batch-size', '16');
  await expect(page.getByTestId('form-status')).toHaveText('Settings are valid.');
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('epoch-progress')).toHaveAttribute('data-status', /finished|failed/, { timeout: 180_000 });
  await expect(page.getByTestId('epoch-progress')).toHaveAttribute('data-status', 'finished');
  await page.getByTestId('tab-results').click();
  const table = page.getByTestId('refit-backtest');
  await expect(table).toContainText('At each of 2 origins the network was trained anew (2 trainings)');
  await expect(page.getByTestId('refit-fold-2')).toContainText('1960-07 – 1960-12');
  await expect(page.getByTestId('refit-fold-2-network')).toHaveText(/^\s*\d+\.\d+/);
  await expect(page.getByTestId('refit-fold-2-arima')).toHaveText(/^\s*\d+\.\d+/);
  await expect(page.getByRole('columnheader', { name: 'ets (reference)' })).toBeVisible();
  // Keyboard: the table region takes focus to scroll.
  await page.getByRole('region', { name: 'Refit backtest per origin' }).focus();
  await expect(page.getByRole('region', { name: 'Refit backtest per origin' })).toBeFocused();
  await table.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: join(screenshotDir, 'refit-backtest-1440.png') });
  await page.setViewportSize({ width: 1024, height: 700 });
  await table.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: join(screenshotDir, 'refit-backtest-1024.png') });
});

test('Stop during the backtest with refit: the trained model and its results stay, the refit table says it was stopped', async ({ app: page }) => {
  await page.getByTestId('dataset-select').selectOption({ label: 'air-passengers.csv (bundled)' });
  await expect(page.getByTestId('detected')).toContainText('air-passengers.csv');
  await page.getByTestId('tab-training').click();
  await setField(page, 'refit-origins', '3');
  await setField(page, 'refit-horizon', '6');
  await setField(page, 'epochs', '20');
  await expect(page.getByTestId('form-status')).toHaveText('Settings are valid.');
  await page.getByTestId('train-button').click();
  // The second origin's training begins (1 of 3 origins done): Stop.
  const progress = page.getByTestId('epoch-progress');
  await expect(progress).toContainText('Backtest with refit: retraining the network at each origin (Stop keeps the trained model)… 33 %', { timeout: 180_000 });
  await page.getByTestId('stop-button').click();
  await expect(progress).toHaveAttribute('data-status', /finished|failed/, { timeout: 180_000 });
  await expect(progress).toHaveAttribute('data-status', 'finished');
  await page.getByTestId('tab-results').click();
  await expect(page.getByTestId('refit-backtest')).toContainText(/Backtest with refit — stopped, [12] of 3 origins/);
  await expect(page.getByTestId('refit-stopped')).toContainText(/^\s*Stopped by the user after [12] of 3 origins: the table shows only the origins finished before Stop, not the whole backtest\.\s*$/);
  await expect(page.getByTestId('refit-fold-1-network')).toHaveText(/^\s*\d+\.\d+/);
  await expect(page.getByTestId('refit-fold-3')).toHaveCount(0);
});
