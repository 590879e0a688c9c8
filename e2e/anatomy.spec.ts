/**
 * The Anatomy view: the tutorial's demo SimpleRNN (2 units, 3 time steps, linear) computed by hand, step by
 * step; the test recomputes every hidden state from the weights the view shows and steps through all three.
 */
import { join } from 'node:path';
import { expect, screenshotDir, test } from './fixtures';

type Matrix = number[][];
const values = async (locator: import('@playwright/test').Locator, attribute = 'data-values') =>
  JSON.parse((await locator.getAttribute(attribute))!) as unknown;

test('anatomy: hand computation of the demo SimpleRNN, stepped through three steps, matches model.predict', async ({ app: page }) => {
  await page.getByTestId('tab-anatomy').click();
  await expect(page.getByTestId('anatomy-view')).toBeVisible();
  await page.getByTestId('anatomy-cell').selectOption('simpleRNN');
  await page.getByTestId('anatomy-units').fill('2');
  await page.getByTestId('anatomy-time-steps').fill('3');
  await page.getByTestId('anatomy-activation').selectOption('linear');
  await page.getByTestId('anatomy-input').fill('1, 2, 3');
  await page.getByTestId('anatomy-seed').fill('7');
  await page.getByTestId('anatomy-compute').click();
  await expect(page.getByTestId('anatomy-summary')).toContainText('SimpleRNN(2, linear)');
  await expect(page.getByTestId('anatomy-parameter-count')).toHaveText('11');

  const wx = (await values(page.getByTestId('anatomy-weight-w_x'))) as Matrix;
  const wh = (await values(page.getByTestId('anatomy-weight-w_h'))) as Matrix;
  const bh = ((await values(page.getByTestId('anatomy-weight-b_h'))) as Matrix).flat();
  const wy = (await values(page.getByTestId('anatomy-weight-w_y'))) as Matrix;
  const by = ((await values(page.getByTestId('anatomy-weight-b_y'))) as Matrix).flat();
  expect(wx).toHaveLength(1);
  expect(wh).toHaveLength(2);

  // h_t = x_t·w_x + h_{t-1}·w_h + b_h, from h_0 = 0 (linear activation), recomputed here.
  let h = [0, 0];
  const x = [1, 2, 3];
  await page.getByTestId('anatomy-step-row-1').click();
  for (let t = 1; t <= 3; t++) {
    h = [0, 1].map((j) => x[t - 1] * wx[0][j] + h[0] * wh[0][j] + h[1] * wh[1][j] + bh[j]);
    await expect(page.getByTestId('anatomy-current-step')).toHaveAttribute('data-step', String(t));
    await expect(page.getByTestId(`anatomy-step-row-${t}`)).toHaveAttribute('aria-current', 'step');
    const shown = (await values(page.getByTestId(`anatomy-h-${t}`))) as number[];
    shown.forEach((v, j) => expect(v).toBeCloseTo(h[j], 5));
    if (t < 3) await page.getByTestId('anatomy-next-step').click();
  }
  await expect(page.getByTestId('anatomy-next-step')).toBeDisabled();

  const outputByHand = h[0] * wy[0][0] + h[1] * wy[1][0] + by[0];
  const byHand = (await values(page.getByTestId('anatomy-output-by-hand'))) as number[];
  const predicted = (await values(page.getByTestId('anatomy-output-predict'))) as number[];
  expect(byHand[0]).toBeCloseTo(outputByHand, 5);
  expect(Math.abs(predicted[0] - byHand[0])).toBeLessThan(1e-5);
  await expect(page.getByTestId('anatomy-match')).toBeVisible();
  await page.screenshot({ path: join(screenshotDir, 'anatomy.png'), fullPage: true });

  // Keyboard: Previous step is reachable and works from the keyboard.
  await page.getByTestId('anatomy-previous-step').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('anatomy-current-step')).toHaveAttribute('data-step', '2');
});
