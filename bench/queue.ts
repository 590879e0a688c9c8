/**
 * Queue bench (issue 17), each figure beside its reference measured in the same run:
 *   1. The 48-point tutorial sweep (4 unit counts × 3 time steps × 4 learning rates, 20 epochs, batch 1)
 *      over 2 local `worker` processes via a private Redis, against the same sweep in-process
 *      (runForecast in a loop). Goal: queue ≤ 1.3 × in-process.
 *   2. A 24-point LSTM sweep on pollution.csv resampled to daily means, 1 worker against 2 workers.
 *      Goal: 2 workers ≥ 1.8 × faster. Skipped with a message where the file is absent.
 * BENCH_QUEUE_EPOCHS sets the tutorial sweep's epochs (default 20), BENCH_QUEUE_LSTM_EPOCHS the LSTM sweep's (default 5).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandGrid } from '../src/cli/commands/queue-sweep.js';
import { parseRunConfig, type RunConfig } from '../src/contract/run-config.js';
import { bundledDatasetPath } from '../src/engine/data/bundled-datasets.js';
import { runForecast } from '../src/engine/run.js';
import { freeLoopbackPort, LocalRedisServer, redisServerInstalled, startWorkerProcess } from '../src/services/queue/local-redis.js';
import { queueSweep } from '../src/services/queue/sweep.js';

const line = (label: string, value: string) => console.log(`${label.padEnd(52)} ${value}`);
const pollution = join(import.meta.dirname, '..', '..', 'shared', 'datasets', 'real', 'pollution.csv');

async function overQueue(url: string, dir: string, workers: number, points: RunConfig[], tag: string): Promise<number> {
  const procs = Array.from({ length: workers }, (_, i) => startWorkerProcess(url, join(dir, `${tag}-worker-${i}`)));
  try {
    await Promise.all(procs.map((p) => p.waitFor(/taking training jobs/)));
    const start = performance.now();
    const summary = await queueSweep(points, { url, runsDir: join(dir, `${tag}-runs`) });
    const seconds = (performance.now() - start) / 1000;
    const failed = summary.outcomes.filter((o) => o.status !== 'finished');
    if (failed.length) throw new Error(`${failed.length} points did not finish: ${failed[0].reason}`);
    return seconds;
  } finally {
    await Promise.all(procs.map((p) => p.kill()));
  }
}

/** pollution.csv (hourly) as daily means of pm2.5, dew point, temperature and pressure. */
async function dailyPollution(target: string): Promise<void> {
  const rows = (await readFile(pollution, 'utf8')).trim().split('\n').slice(1);
  const days = new Map<string, number[][]>();
  for (const row of rows) {
    const [, year, month, day, , pm, dewp, temp, pres] = row.split(',');
    const key = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
    const values = days.get(key) ?? [];
    values.push([pm, dewp, temp, pres].map((v) => (v === 'NA' ? NaN : Number(v))));
    days.set(key, values);
  }
  const mean = (xs: number[]) => {
    const ok = xs.filter(Number.isFinite);
    return ok.length ? (ok.reduce((a, b) => a + b, 0) / ok.length).toFixed(3) : '';
  };
  const out = ['date,pm25,dewp,temp,pres'];
  for (const [date, values] of days) out.push([date, ...[0, 1, 2, 3].map((c) => mean(values.map((v) => v[c])))].join(','));
  await writeFile(target, `${out.join('\n')}\n`);
}

export async function benchQueue(): Promise<void> {
  console.log('\n# Sweeps on a Redis queue (BullMQ): local worker processes against in-process runs');
  if (!redisServerInstalled()) {
    console.log('not measured: redis-server is not installed (apt-get install redis-server)');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'fw-bench-queue-'));
  const redis = new LocalRedisServer(await freeLoopbackPort(), dir);
  await redis.start();
  try {
    const epochs = Number(process.env.BENCH_QUEUE_EPOCHS ?? 20);
    const tutorial = parseRunConfig({ data: { path: bundledDatasetPath() }, training: { epochs, seed: 1 } });
    const points = expandGrid(tutorial, ['units=2,3,4,5', 'time-steps=6,12,18', 'learning-rate=0.01,0.003,0.001,0.0003']);
    const start = performance.now();
    for (const point of points) await runForecast(point);
    const inProcess = (performance.now() - start) / 1000;
    const queued = await overQueue(redis.url, dir, 2, points, 'tutorial');
    line(`${points.length}-point tutorial sweep, ${epochs} epochs: 2 workers via Redis`, `${queued.toFixed(1)} s`);
    line('reference: the same sweep in-process (runForecast loop)', `${inProcess.toFixed(1)} s  -> queue/in-process = ${(queued / inProcess).toFixed(2)} (goal <= 1.3)`);

    if (!existsSync(pollution)) {
      line('24-point LSTM sweep on daily pollution', `not measured: ${pollution} is absent`);
      return;
    }
    const daily = join(dir, 'pollution-daily.csv');
    await dailyPollution(daily);
    const lstm = parseRunConfig({
      data: { path: daily, column: 'pm25', inputColumns: ['dewp', 'temp', 'pres'] },
      model: { layers: [{ type: 'lstm', units: 8 }] },
      prep: { timeSteps: 7, windowing: 'sliding' },
      training: { epochs: Number(process.env.BENCH_QUEUE_LSTM_EPOCHS ?? 5), batchSize: 32, seed: 1 },
    });
    const lstmPoints = expandGrid(lstm, ['units=8,16,32', 'time-steps=7,14', 'learning-rate=0.01,0.003,0.001,0.0003']);
    const one = await overQueue(redis.url, dir, 1, lstmPoints, 'lstm-1');
    const two = await overQueue(redis.url, dir, 2, lstmPoints, 'lstm-2');
    line(`${lstmPoints.length}-point LSTM sweep, daily pollution, ${lstmPoints[0].training.epochs} epochs: 2 workers`, `${two.toFixed(1)} s`);
    line('reference: the same sweep with 1 worker', `${one.toFixed(1)} s  -> speedup = ${(one / two).toFixed(2)} (goal >= 1.8)`);
  } finally {
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
