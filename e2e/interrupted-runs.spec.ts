/**
 * A run whose training process and then its recovery process are both killed (real processes, SIGKILL) is
 * reported with its checkpoint kept; the page offers it as an interrupted run and finishes it on request.
 */
import { execSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, lossPoints, screenshotDir, setField, test } from './fixtures';

/** Training processes of this test's own server (it runs in this process), never anyone else's. */
function trainingPids(): number[] {
  return execSync(`pgrep -P ${process.pid} -f "[t]raining-process/entry" || true`, { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
}

async function openTrainingTab(page: Page): Promise<void> {
  await page.getByTestId('tab-training').click();
  await expect(page.getByTestId('epochs')).toBeVisible();
}

/** Train a long run, then SIGKILL its training process and the recovery process the supervisor starts. */
async function trainAndKillTwice(page: Page): Promise<void> {
  await openTrainingTab(page);
  await setField(page, 'epochs', '500');
  await setField(page, 'batch-size', '16');
  await page.getByTestId('train-button').click();
  await expect.poll(() => lossPoints(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);

  const first = trainingPids();
  expect(first.length, 'the run has a training process').toBe(1);
  process.kill(first[0], 'SIGKILL');
  // The supervisor starts a recovery process at once: kill it as soon as it appears, before it can finish.
  let recovery: number | undefined;
  await expect
    .poll(
      () => {
        recovery = trainingPids().find((pid) => pid !== first[0]);
        if (recovery) process.kill(recovery, 'SIGKILL');
        return recovery !== undefined;
      },
      { timeout: 60_000, intervals: [20] },
    )
    .toBe(true);

  await expect(page.getByTestId('error-banner')).toContainText(/The process recovering the run was ended by signal SIGKILL.*checkpoint is kept on disk/, { timeout: 60_000 });
}

test('a run killed twice is kept as interrupted, offered on the page and recovered on request', async ({ app: page }) => {
  await trainAndKillTwice(page);
  const offered = page.getByTestId('interrupted-run');
  await expect(offered).toHaveCount(1, { timeout: 30_000 });
  await expect(offered).toContainText(/epoch \d+ of 500 kept/);
  await page.screenshot({ path: join(screenshotDir, 'interrupted-run.png') });

  await page.getByTestId('interrupted-recover').click();
  await expect(page.getByTestId('interrupted-outcome')).toHaveAttribute('data-ok', 'true', { timeout: 120_000 });
  await expect(page.getByTestId('interrupted-outcome')).toContainText(/was recovered: its model keeps epoch \d+/);
  await expect(page.getByTestId('interrupted-run')).toHaveCount(0);

  // Nothing is left to offer after a reload, and training works as before.
  await page.reload();
  await expect(page.getByTestId('series-chart')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('interrupted-runs')).toBeHidden();
  await expect(page.getByTestId('train-button')).toBeEnabled();
});

test('an interrupted run is recovered from the Runs panel', async ({ app: page }) => {
  test.setTimeout(300_000);
  await trainAndKillTwice(page);
  await page.getByTestId('tab-runs').click();
  const row = page.locator('[data-run-row]').filter({ has: page.getByTestId('run-recover') });
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  await expect(row.getByTestId('run-status')).toHaveText(/failed \(recoverable\)/);
  await expect(row.getByTestId('run-discard')).toBeVisible();
  await page.screenshot({ path: join(screenshotDir, 'runs-recover.png') });

  // Keyboard: the Recover button takes focus and Enter starts the recovery.
  await row.getByTestId('run-recover').focus();
  await page.keyboard.press('Enter');
  const recovered = page.locator('[data-run-row]').first();
  await expect(recovered.getByTestId('run-status')).toHaveText(/^\s*finished\s*$/, { timeout: 180_000 });
  await expect(page.getByTestId('run-recover')).toHaveCount(0);
  await expect(page.getByTestId('runs-notice')).toContainText(/was recovered: its model keeps epoch \d+/);
  await expect(recovered.getByTestId('run-test-rmse')).toHaveText(/^\d[\d.,]*$/);
});
