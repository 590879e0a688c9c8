/**
 * A sweep sent to a Redis queue from the Runs panel, in Chromium against the real browser-mode server: a
 * real redis-server (loopback, a free port in 41900-41949) and one real `forecast-workbench worker --queue`
 * process (the built lib/: `npm run build:node` first) train the points; the panel shows the progress
 * (done / running / failed / total), the results land in the runs table, failed runs show their reason,
 * and a sweep whose jobs no worker takes is cancelled with the reason. Skipped, with a message, where
 * redis-server is not installed. The server listens on a fixed port of this suite's range (5300-5319).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { startWorkbenchServer } from '../src/server/server';
import { freeLoopbackPort, LocalRedisServer, redisServerInstalled, startWorkerProcess, type WorkerProcess } from '../src/services/queue/local-redis';
import { expect, screenshotDir, setField, test as base, type ServerInfo } from './fixtures';

interface QueueInfo {
  redis: LocalRedisServer;
  worker: WorkerProcess;
}

const hasRedis = redisServerInstalled();

const test = base.extend<object, { server: ServerInfo; queue: QueueInfo }>({
  server: [
    async ({}, use) => {
      const scratch = await mkdtemp(join(tmpdir(), 'fw-e2e-queue-'));
      const runsDir = join(scratch, 'runs');
      const exportsDir = join(scratch, 'exports');
      const port = Number(process.env.E2E_QUEUE_PORT ?? 5301);
      const server = await startWorkbenchServer({ port, webRoot: resolve('out/web'), runsDir, exportsDir });
      await use({ url: server.url, token: server.token, runsDir, exportsDir, scratch });
      await server.close();
      await rm(scratch, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  queue: [
    async ({ server }, use) => {
      const redis = new LocalRedisServer(await freeLoopbackPort(41900, 41949), server.scratch);
      await redis.start();
      const worker = startWorkerProcess(redis.url, join(server.scratch, 'worker'));
      await worker.waitFor(/taking training jobs/);
      await use({ redis, worker });
      await worker.kill();
      await redis.stop();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

test.skip(!hasRedis, 'redis-server is not installed (apt-get install redis-server)');

test('sends a sweep to the queue from the Runs panel: progress, results in the runs table, failures with their reason, cancel', async ({ app: page, queue }) => {
  test.setTimeout(600_000);
  await page.getByTestId('tab-training').click();
  await setField(page, 'epochs', '2');
  await setField(page, 'batch-size', '32');
  await setField(page, 'seed', '1');
  await expect(page.getByTestId('form-status')).toHaveText('Settings are valid.');

  await page.getByTestId('tab-runs').click();
  // 2 unit counts × 2 time steps: 600 time steps leave no test window, so those 2 runs fail in the worker.
  await setField(page, 'grid-units', '2,3');
  await setField(page, 'grid-time-steps', '12,600');
  await page.getByTestId('sweep-rank-by').selectOption('test');

  // "Run on" is a radio group: the arrow key moves from "this machine" to "queue".
  await expect(page.getByRole('group', { name: 'Run on' })).toBeVisible();
  await page.getByTestId('run-on-local').check();
  await page.getByTestId('run-on-local').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('run-on-queue')).toBeChecked();

  // The URL is checked where it is typed.
  const url = page.getByRole('textbox', { name: 'Redis URL of the queue' });
  await setField(page, 'queue-url', 'http://127.0.0.1:6379');
  await expect(page.getByTestId('queue-url-error')).toHaveText('The queue URL must start with redis:// or rediss:// (TLS), not http://.');
  await expect(url).toHaveAttribute('aria-invalid', 'true');

  // A password Redis does not expect: refused by the host in one sentence, which shows the URL without it.
  await setField(page, 'queue-url', queue.redis.url.replace('redis://', 'redis://team:s3cret-word@'));
  await page.getByTestId('sweep-start').click();
  await expect(page.getByTestId('queue-sweep-error')).toHaveText(/^Cannot reach the queue at redis:\/\/team:\*\*\*@127\.0\.0\.1:\d+ \(WRONGPASS/, { timeout: 180_000 });
  await expect(page.getByTestId('runs-panel')).not.toContainText('s3cret-word');

  await setField(page, 'queue-url', queue.redis.url);
  await expect(url).toHaveAttribute('aria-invalid', 'false');
  // Parallel processes are this machine's: on the queue each worker's --concurrency says how many runs go at once.
  await setField(page, 'sweep-parallel', '2');
  await page.getByTestId('sweep-start').click();
  await expect(page.getByTestId('queue-sweep-error')).toHaveText(
    'Parallel processes (--parallel) are for a sweep on this machine: a queued sweep is trained by the workers, so start each one with `forecast-workbench worker --queue URL --concurrency N` to train N runs at a time on its machine.',
  );
  await expect(page.getByTestId('queue-sweep-status')).toHaveCount(0);
  await setField(page, 'sweep-parallel', '');
  // Enter in the URL field starts the sweep on the queue, as the Start button does.
  await url.press('Enter');
  const status = page.getByTestId('queue-sweep-status');
  await expect(page.getByTestId('queue-sweep-progress')).toContainText('4 in all', { timeout: 180_000 });
  await expect(status).toHaveAttribute('data-state', 'finished', { timeout: 300_000 });
  await expect(page.getByTestId('queue-sweep-progress')).toHaveText(/^2 done · 0 running · 2 failed · 4 in all · finished · .+ elapsed · on redis:\/\/127\.0\.0\.1:\d+$/);
  await expect(page.getByTestId('queue-sweep-best')).toHaveText(/Best so far: units=[23], time-steps=12 — test RMSE [\d.]+ \(run sweep-\S+-p\d-r0\)/);
  const failed = page.locator('[data-queue-ended-row]');
  await expect(failed).toHaveCount(2);
  for (const row of await failed.all()) await expect(row).toContainText(/failed\s*Too few rows for the window/);

  // The four runs are in the runs table: two finished, two failed with the sentence.
  const rows = page.locator('[data-run-row]');
  await expect(rows).toHaveCount(4);
  await expect(rows.filter({ hasText: 'finished' })).toHaveCount(2);
  await expect(rows.filter({ hasText: 'Too few rows for the window' })).toHaveCount(2);
  await expect(page.getByTestId('runs-panel')).not.toContainText('s3cret-word');
  // The queue's controls and status have no critical or serious accessibility problem.
  const { violations } = await new AxeBuilder({ page }).include('[data-testid="queue-sweep"]').analyze();
  expect(violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await page.getByTestId('sweep-panel').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screenshotDir, 'queue-sweep-1440.png'), fullPage: true });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.getByTestId('queue-sweep-status').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screenshotDir, 'queue-sweep-1024.png') });
  await page.setViewportSize({ width: 1440, height: 900 });

  // With no worker to take the jobs they stay queued; cancelling ends each with the reason.
  await queue.worker.kill();
  await setField(page, 'grid-time-steps', '12');
  await page.getByTestId('sweep-start').click();
  await expect(page.getByTestId('queue-sweep-progress')).toHaveText(/^0 done · 0 running · 0 failed · 2 in all · /, { timeout: 180_000 });
  await page.getByTestId('queue-sweep-cancel').focus();
  await page.keyboard.press('Enter');
  await expect(status).toHaveAttribute('data-state', 'stopped', { timeout: 120_000 });
  await expect(page.getByTestId('queue-sweep-progress')).toHaveText(/^0 done · 0 running · 0 failed · 2 cancelled · 2 in all · stopped · /);
  await expect(failed).toHaveCount(2);
  for (const row of await failed.all()) await expect(row).toContainText(/cancelled\s*cancelled in the workbench/);
  await expect(rows).toHaveCount(4);
  await page.getByTestId('queue-sweep').screenshot({ path: join(screenshotDir, 'queue-sweep-cancelled.png') });
});
