/**
 * The Anatomy view: the tutorial's demo SimpleRNN (2 units, 3 time steps, linear) computed by hand, step by
 * step; the test recomputes every hidden state from the weights the view shows and steps through all three.
 */
import { join } from 'node:path';
import { expect, screenshotDir, setField, test } from './fixtures';

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

test('anatomy: backpropagation through time on the demo window, recomputed from the weights the view shows', async ({ app: page }) => {
  await page.getByTestId('tab-anatomy').click();
  await page.getByTestId('anatomy-cell').selectOption('simpleRNN');
  await page.getByTestId('anatomy-units').fill('2');
  await page.getByTestId('anatomy-time-steps').fill('3');
  await page.getByTestId('anatomy-activation').selectOption('linear');
  await page.getByTestId('anatomy-input').fill('1, 2, 3');
  await page.getByTestId('anatomy-target').fill('4');
  await page.getByTestId('anatomy-seed').fill('7');
  await page.getByTestId('anatomy-compute').click();
  await expect(page.getByTestId('anatomy-summary')).toContainText('seed 7');
  await expect(page.getByTestId('anatomy-backprop')).toBeVisible();
  await expect(page.getByTestId('anatomy-backprop-target')).toHaveText('4');

  const wx = ((await values(page.getByTestId('anatomy-weight-w_x'))) as Matrix)[0];
  const wh = (await values(page.getByTestId('anatomy-weight-w_h'))) as Matrix;
  const bh = ((await values(page.getByTestId('anatomy-weight-b_h'))) as Matrix).flat();
  const wy = ((await values(page.getByTestId('anatomy-weight-w_y'))) as Matrix).map((r) => r[0]);
  const by = ((await values(page.getByTestId('anatomy-weight-b_y'))) as Matrix).flat()[0];

  // Forward (linear), then backward by hand here: δ_t = ∂L/∂h_t (linear), ∂L/∂h_{t-1} = δ_t·w_hᵀ.
  const x = [1, 2, 3];
  const h: number[][] = [[0, 0]];
  for (let t = 0; t < 3; t++) h.push([0, 1].map((j) => x[t] * wx[j] + h[t][0] * wh[0][j] + h[t][1] * wh[1][j] + bh[j]));
  const y = h[3][0] * wy[0] + h[3][1] * wy[1] + by;
  const loss = (y - 4) ** 2;
  const dz = 2 * (y - 4);
  let dh = [dz * wy[0], dz * wy[1]];
  const gWx = [0, 0];
  const gWh = [[0, 0], [0, 0]];
  const gBh = [0, 0];
  for (let t = 3; t >= 1; t--) {
    const shown = (await values(page.getByTestId(`anatomy-backprop-step-${t}`).locator('td').first())) as number[];
    shown.forEach((v, j) => expect(v).toBeCloseTo(dh[j], 5));
    for (let j = 0; j < 2; j++) {
      gWx[j] += x[t - 1] * dh[j];
      gBh[j] += dh[j];
      for (let i = 0; i < 2; i++) gWh[i][j] += h[t - 1][i] * dh[j];
    }
    dh = [0, 1].map((i) => dh[0] * wh[i][0] + dh[1] * wh[i][1]);
  }
  expect(Number(await page.getByTestId('anatomy-backprop-loss').getAttribute('data-value'))).toBeCloseTo(loss, 4);

  // The sums the view shows are the gradients recomputed here, and its per-step terms add up to them.
  const sums = async (name: string) => Promise.all((await page.getByTestId(`anatomy-gradient-${name}`).locator('td[data-role="sum"]').all()).map(async (c) => Number(await c.getAttribute('data-value'))));
  (await sums('w_x')).forEach((v, j) => expect(v).toBeCloseTo(gWx[j], 4));
  (await sums('w_h')).forEach((v, k) => expect(v).toBeCloseTo(gWh[Math.floor(k / 2)][k % 2], 4));
  (await sums('b_h')).forEach((v, j) => expect(v).toBeCloseTo(gBh[j], 4));
  for (const row of await page.getByTestId('anatomy-gradient-w_h').locator('tbody tr').all()) {
    const terms = await Promise.all((await row.locator('td[data-role="term"]').all()).map(async (c) => Number(await c.getAttribute('data-value'))));
    const sum = Number(await row.locator('td[data-role="sum"]').getAttribute('data-value'));
    const tfjs = Number(await row.locator('td[data-role="tfjs"]').getAttribute('data-value'));
    expect(terms).toHaveLength(3);
    expect(terms.reduce((a, b) => a + b, 0)).toBeCloseTo(sum, 10);
    expect(Math.abs(tfjs - sum)).toBeLessThan(1e-4);
  }
  await expect(page.getByTestId('anatomy-backprop-match')).toContainText('✓');
  await expect(page.getByTestId('anatomy-adam-match')).toContainText('✓');

  // The step tables scroll in focusable regions.
  const region = page.getByRole('region', { name: 'Error signal per time step' });
  await region.focus();
  await expect(region).toBeFocused();
  await page.getByTestId('anatomy-backprop').screenshot({ path: join(screenshotDir, 'anatomy-backprop.png') });
});

test('anatomy of a trained 12-step LSTM at 1024×700: nothing clipped, the diagram scrolls in a focusable region, step tables collapse to chosen units', async ({ app: page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.getByTestId('tab-training').click();
  await page.getByTestId('layer-0-type').selectOption('lstm');
  await setField(page, 'layer-0-units', '16');
  await setField(page, 'epochs', '1');
  await setField(page, 'batch-size', '32');
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('tab-results')).toHaveAttribute('aria-selected', 'true', { timeout: 120_000 });

  await page.getByTestId('tab-anatomy').click();
  await expect(page.getByTestId('anatomy-summary')).toContainText('LSTM(16', { timeout: 60_000 });
  // The header's run summary is whole, not cut off.
  const summary = page.getByTestId('run-summary');
  await expect(summary).toContainText('LSTM(16) · 12 steps · 1 epoch · batch 32');
  expect(await summary.evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true);
  // The page itself never scrolls sideways: wide parts scroll inside their own regions.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const diagram = page.getByRole('region', { name: 'Unrolled network diagram' });
  await diagram.focus();
  await expect(diagram).toBeFocused();
  const box = await diagram.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(1024);

  // 16 units are too many to read in every cell: the step tables show the units picked, 4 at first.
  const hCell = page.getByTestId('anatomy-h-1');
  await expect(page.getByTestId('anatomy-units-shown')).toHaveValue('4');
  await expect(hCell).toHaveAttribute('data-shown', '4');
  await expect(hCell).toContainText('+12 more');
  await setField(page, 'anatomy-units-shown', '16');
  await expect(hCell).toHaveAttribute('data-shown', '16');
  expect(((await values(hCell)) as number[]).length).toBe(16);
  // Step rows work from the keyboard.
  await page.getByTestId('anatomy-step-row-5').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('anatomy-current-step')).toHaveAttribute('data-step', '5');
  // A bundle's output is shown in original units as well as scaled.
  await expect(page.getByTestId('anatomy-output-original')).toBeVisible();
  // Sunspots were scaled from [0, 253.8] (the whole series, as the tutorial does).
  const original = ((await values(page.getByTestId('anatomy-output-original'))) as number[])[0];
  const scaled = ((await values(page.getByTestId('anatomy-output-by-hand'))) as number[])[0];
  expect(original).toBeCloseTo(scaled * 253.8, 3);
  await page.screenshot({ path: join(screenshotDir, 'anatomy-lstm-1024.png') });
});
