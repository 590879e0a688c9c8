import { CHART_COLORS } from '../../contract/chart-colors.js';
import { writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleMetadataSchema, BundlePredictionSchema, BundleSummarySchema } from '../../contract/bundles.js';
import { InvalidInputError } from '../../contract/run-config.js';
import { exportBundle, loadBundleModel, predictWithBundle, readBundle, writeRunBundle } from './index.js';
import { tinyRun, writeSeriesCsv, type TinyRun } from './test-support/tiny-run.js';

tf.enableProdMode();
const here = dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

let root: string;
let tiny: TinyRun;
let bundle: string;

async function expectInvalid(promise: Promise<unknown>, pattern: RegExp): Promise<InvalidInputError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected an InvalidInputError matching ${pattern}`).toBeInstanceOf(InvalidInputError);
  expect((error as Error).message).toMatch(pattern);
  return error as InvalidInputError;
}

/** Names in `dir` that look like leftovers of an atomic write. */
async function partials(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.includes('.partial-'));
}

/** Serve a folder over http on 127.0.0.1 (like any static web server would), recording requested paths. */
async function serveFolder(folder: string): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const types: Record<string, string> = { '.json': 'application/json', '.bin': 'application/octet-stream' };
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    try {
      const body = await readFile(join(folder, path.replace(/^\/+/, '')));
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fw-bundle-'));
  tiny = await tinyRun(root);
  bundle = join(root, 'runs', 'run-1');
  await writeRunBundle({ dir: bundle, model: tiny.model, result: { ...tiny.result, bundleDir: bundle } });
});

afterAll(async () => {
  tiny?.model.dispose();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('writeRunBundle', () => {
  it('writes the documented layout with valid metadata and CSVs', async () => {
    const files = await readdir(bundle);
    for (const f of ['model.json', 'weights.bin', 'metadata.json', 'predictions.csv', 'forecast.csv', 'loss-history.csv', 'loss.svg', 'predictions.svg', 'README.txt']) {
      expect(files).toContain(f);
    }
    expect(await partials(dirname(bundle))).toEqual([]);

    const metadata = BundleMetadataSchema.parse(JSON.parse(await readFile(join(bundle, 'metadata.json'), 'utf8')));
    expect(metadata.format).toBe('forecast-workbench-bundle');
    expect(metadata.formatVersion).toBe(1);
    expect(metadata.config).toEqual(tiny.result.config);
    expect(metadata.dataset).toEqual(tiny.result.dataset);
    expect(metadata.scaler).toEqual({ ...tiny.result.scaler, features: ['Value'] });
    expect(metadata.windowing).toEqual({ timeSteps: 4, windowing: 'sliding', horizon: 1, features: ['Value'], inputShape: [4, 1] });
    expect(metadata.split.splitIndex).toBe(tiny.result.samples.splitIndex);
    expect(metadata.missingPolicy).toBe('interpolate');
    expect(metadata.history).toEqual(tiny.result.history);
    expect(metadata.versions.tfjs).toBe(tf.version.tfjs);
    expect(metadata.versions.node).toBe(process.versions.node);
    expect('predictions' in metadata).toBe(false);
    expect(metadata.files.charts).toEqual(expect.arrayContaining(['loss.svg', 'predictions.svg']));

    const modelJson = JSON.parse(await readFile(join(bundle, 'model.json'), 'utf8'));
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest).toHaveLength(1);
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    const weightBytes = modelJson.weightsManifest[0].weights.reduce(
      (sum: number, w: { shape: number[] }) => sum + 4 * w.shape.reduce((a, b) => a * b, 1),
      0,
    );
    expect((await stat(join(bundle, 'weights.bin'))).size).toBe(weightBytes);

    const predictions = (await readFile(join(bundle, 'predictions.csv'), 'utf8')).trim().split('\n');
    // The tiny run has a validation part, so the test rows carry its 80 % and 95 % interval bounds.
    expect(predictions[0]).toBe('index,time,split,step,actual,predicted,lower_80,upper_80,lower_95,upper_95');
    expect(predictions).toHaveLength(tiny.result.predictions.length + 1);
    const first = tiny.result.predictions[0];
    expect(first.split).toBe('train');
    expect(predictions[1]).toBe(`${first.index},${first.time},${first.split},1,${first.actual},${first.predicted},,,,`);
    const forecast = (await readFile(join(bundle, 'forecast.csv'), 'utf8')).trim().split('\n');
    expect(forecast[0]).toBe('step,time,value,lower_80,upper_80,lower_95,upper_95');
    expect(forecast).toHaveLength(7);
    expect(forecast[1]).toMatch(/^1,2006-01,-?\d/);
    const losses = (await readFile(join(bundle, 'loss-history.csv'), 'utf8')).trim().split('\n');
    expect(losses[0]).toBe('epoch,train_loss_mse_scaled,validation_loss_mse_scaled,epoch_seconds');
    expect(losses).toHaveLength(3);
    // Rounded to six significant digits: what a loss is worth reading.
    const [epoch, train, validation] = losses[1].split(',');
    expect(epoch).toBe('1');
    expect(Number(train)).toBe(Number(tiny.result.history[0].loss.toPrecision(6)));
    expect(Number(validation)).toBe(Number(tiny.result.history[0].valLoss!.toPrecision(6)));
    expect(train.replace(/^-?0\.0*/, '').replace('.', '').replace(/e.*$/, '').length).toBeLessThanOrEqual(6);

    const svg = await readFile(join(bundle, 'predictions.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('train | test');
    // Drawn in the app's colours (one palette for the screen and the bundle).
    for (const color of [CHART_COLORS.actual, CHART_COLORS.test, CHART_COLORS.split]) expect(svg.toLowerCase()).toContain(color);
    const lossSvg = (await readFile(join(bundle, 'loss.svg'), 'utf8')).toLowerCase();
    expect(lossSvg).toContain(CHART_COLORS.loss);
    // Well-formed tags (a quote inside an attribute, e.g. a font name, would break every SVG reader).
    for (const text of [svg, lossSvg]) {
      for (const tag of text.match(/<[a-zA-Z][^>]*>/g) ?? []) expect(tag).toMatch(/^<[a-zA-Z][\w:-]*(\s+[\w:.-]+="[^"<]*")*\s*\/?>$/);
    }
    if (files.includes('predictions.png')) {
      const png = await readFile(join(bundle, 'predictions.png'));
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
    const readme = await readFile(join(bundle, 'README.txt'), 'utf8');
    for (const f of ['model.json', 'weights.bin', 'metadata.json', 'predictions.csv', 'forecast.csv', 'loss-history.csv']) expect(readme).toContain(f);
  });

  it('loads in a separate process with TensorFlow.js\'s own http loader and predicts exactly as before export', async () => {
    const { server, url, requests } = await serveFolder(bundle);
    try {
      const w = tiny.testWindows;
      const input = join(root, 'input.json');
      const output = join(root, 'output.json');
      await writeFile(input, JSON.stringify({ x: Array.from(w.x), shape: [w.samples, w.timeSteps, w.features] }));
      await run(process.execPath, [join(here, 'test-support', 'load-over-http.mjs'), `${url}/model.json`, input, output], { timeout: 120_000 });
      const loaded = JSON.parse(await readFile(output, 'utf8')) as { predictions: number[]; inputShape: unknown[] };
      expect(requests).toEqual(expect.arrayContaining(['/model.json', '/weights.bin']));
      expect(loaded.inputShape).toEqual([null, 4, 1]);
      expect(loaded.predictions).toHaveLength(tiny.testPredictionsScaled.length);
      const before = Array.from(tiny.testPredictionsScaled);
      const maxDiff = Math.max(...before.map((v, i) => Math.abs(v - loaded.predictions[i])));
      expect(maxDiff).toBeLessThanOrEqual(1e-6);
    } finally {
      server.close();
    }
  });

  it('loads back in this process with the fs loader, same weights and predictions', async () => {
    const model = await loadBundleModel(bundle);
    try {
      const original = tiny.model.getWeights().map((t) => Array.from(t.dataSync()));
      expect(model.getWeights().map((t) => Array.from(t.dataSync()))).toEqual(original);
      const w = tiny.testWindows;
      const out = tf.tidy(() => Array.from((model.predict(tf.tensor3d(w.x, [w.samples, w.timeSteps, w.features])) as tf.Tensor).dataSync()));
      expect(out).toEqual(Array.from(tiny.testPredictionsScaled));
    } finally {
      model.dispose();
    }
  });

  it('refuses an existing destination and leaves it untouched', async () => {
    const before = await readFile(join(bundle, 'metadata.json'), 'utf8');
    await expectInvalid(writeRunBundle({ dir: bundle, model: tiny.model, result: tiny.result }), /run-1 already exists; choose another name/);
    expect(await readFile(join(bundle, 'metadata.json'), 'utf8')).toBe(before);
    const empty = join(root, 'empty-existing');
    await mkdir(empty);
    await expectInvalid(writeRunBundle({ dir: empty, model: tiny.model, result: tiny.result }), /already exists/);
    expect(await readdir(empty)).toEqual([]);
  });

  it('an export interrupted after the weights (or at the very last file) leaves no folder behind', async () => {
    const parent = join(root, 'interrupted');
    for (const failAt of ['weights.bin', 'metadata.json']) {
      const dir = join(parent, `bundle-${failAt}`);
      const seen: string[] = [];
      const failure = writeRunBundle({
        dir,
        model: tiny.model,
        result: tiny.result,
        onFileWritten: (file) => {
          seen.push(file);
          if (file === failAt) throw new Error(`simulated failure after ${file}`);
        },
      });
      await expect(failure).rejects.toThrow(`simulated failure after ${failAt}`);
      expect(seen).toContain(failAt);
      expect(await readdir(parent)).toEqual([]);
    }
  });

  it('a destination under a file (a real fs error) is refused with the reason and leaves nothing', async () => {
    const file = join(root, 'not-a-folder.txt');
    await writeFile(file, 'x');
    await expectInvalid(writeRunBundle({ dir: join(file, 'bundle'), model: tiny.model, result: tiny.result }), /a part of the path is a file, not a folder \(ENOTDIR\)/);
    expect(await partials(root)).toEqual([]);
  });
});

describe('exportBundle', () => {
  it('copies a bundle byte for byte and refuses an existing destination', async () => {
    const destination = join(root, 'exports', 'my model');
    const path = await exportBundle(bundle, destination);
    expect(path).toBe(destination);
    const files = await readdir(bundle);
    expect((await readdir(destination)).sort()).toEqual(files.sort());
    for (const f of files) expect((await readFile(join(destination, f))).equals(await readFile(join(bundle, f)))).toBe(true);
    expect(await partials(join(root, 'exports'))).toEqual([]);
    await expectInvalid(exportBundle(bundle, destination), /my model already exists; choose another name/);
    const summary = await readBundle(destination);
    expect(summary.name).toBe('my model');
  });

  it('refuses to export a folder that is not a bundle, and writes nothing', async () => {
    const notBundle = join(root, 'plain-folder');
    await mkdir(notBundle);
    await expectInvalid(exportBundle(notBundle, join(root, 'exports2', 'x')), /not a Forecast Workbench bundle/);
    await expect(stat(join(root, 'exports2', 'x'))).rejects.toThrow();
  });
});

describe('readBundle', () => {
  it('summarises a bundle in the shape the UI validates', async () => {
    const summary = BundleSummarySchema.parse(await readBundle(bundle));
    expect(summary.dir).toBe(bundle);
    expect(summary.name).toBe('run-1');
    expect(summary.epochs).toBe(2);
    expect(summary.windowing.timeSteps).toBe(4);
    expect(summary.metrics.test.rmse).toBe(tiny.result.metrics.test.rmse);
    expect(summary.files).toContain('model.json');
  });

  it('says why a folder is not a bundle', async () => {
    const base = join(root, 'not-bundles');
    await mkdir(base);
    await expectInvalid(readBundle(join(base, 'missing')), /missing does not exist\./);
    await writeFile(join(base, 'file.txt'), 'hello');
    await expectInvalid(readBundle(join(base, 'file.txt')), /is a file, not a bundle folder/);

    const empty = join(base, 'empty');
    await mkdir(empty);
    await expectInvalid(readBundle(empty), /is not a Forecast Workbench bundle: it has no metadata\.json/);

    const modelOnly = join(base, 'model-only');
    await mkdir(modelOnly);
    await writeFile(join(modelOnly, 'model.json'), await readFile(join(bundle, 'model.json')));
    await expectInvalid(readBundle(modelOnly), /has a model\.json but no metadata\.json/);

    const badJson = join(base, 'bad-json');
    await mkdir(badJson);
    await writeFile(join(badJson, 'metadata.json'), '{ not json');
    await expectInvalid(readBundle(badJson), /metadata\.json is not valid JSON/);

    const otherFormat = join(base, 'other-format');
    await mkdir(otherFormat);
    await writeFile(join(otherFormat, 'metadata.json'), JSON.stringify({ format: 'something-else' }));
    await expectInvalid(readBundle(otherFormat), /does not say format "forecast-workbench-bundle"/);

    const metadata = JSON.parse(await readFile(join(bundle, 'metadata.json'), 'utf8'));
    const newer = join(base, 'newer');
    await mkdir(newer);
    await writeFile(join(newer, 'metadata.json'), JSON.stringify({ ...metadata, formatVersion: 99 }));
    await expectInvalid(readBundle(newer), /newer Forecast Workbench \(bundle format 99\)/);

    const damaged = join(base, 'damaged');
    await mkdir(damaged);
    await writeFile(join(damaged, 'metadata.json'), JSON.stringify({ ...metadata, scaler: undefined }));
    await expectInvalid(readBundle(damaged), /damaged metadata\.json: scaler/);

    const noWeights = join(base, 'no-weights');
    await mkdir(noWeights);
    for (const f of ['metadata.json', 'model.json']) await writeFile(join(noWeights, f), await readFile(join(bundle, f)));
    await expectInvalid(readBundle(noWeights), /incomplete: weights\.bin is missing/);
    await expectInvalid(loadBundleModel(noWeights), /The bundle has no weights\.bin/);
  });
});

describe('predictWithBundle', () => {
  it('on the training CSV reproduces the run\'s predictions and forecast (saved scaler, same windows)', async () => {
    const p = BundlePredictionSchema.parse(await predictWithBundle(bundle, tiny.csvPath));
    expect(p.sameDataAsTraining).toBe(true);
    expect(p.windows).toBe(72 - 4);
    const byIndex = new Map(p.predictions.map((r) => [r.index, r]));
    for (const row of tiny.result.predictions) {
      const mine = byIndex.get(row.index)!;
      expect(mine.actual).toBe(row.actual);
      expect(Math.abs(mine.predicted - row.predicted)).toBeLessThan(1e-9);
    }
    expect(p.forecast).toHaveLength(6);
    p.forecast.forEach((f, i) => {
      expect(f.time).toBe(tiny.result.forecast[i].time);
      expect(Math.abs(f.value - tiny.result.forecast[i].value)).toBeLessThan(1e-9);
    });
    expect(p.warnings).toEqual([]);
  });

  it('accepts new data without the time column, numbering its rows', async () => {
    const path = join(root, 'values-only.csv');
    writeFileSync(path, 'Value\n' + Array.from({ length: 30 }, (_, i) => (10 + Math.sin(i)).toFixed(3)).join('\n') + '\n');
    const p = await predictWithBundle(bundle, path, { steps: 2 });
    expect(p.dataset.timeColumn).toBeNull();
    expect(p.predictions.length).toBeGreaterThan(0);
    expect(p.warnings.join(' ')).toMatch(/has no "Month" column; its rows are numbered instead/);
  });

  it('works on a second CSV of the same shape, with errors and a forecast of the asked length', async () => {
    const second = await writeSeriesCsv(root, 'second.csv', 30, [], 5);
    const p = await predictWithBundle(bundle, second, { steps: 3 });
    expect(p.sameDataAsTraining).toBe(false);
    expect(p.dataset.rows).toBe(30);
    expect(p.windows).toBe(26);
    expect(p.predictions[0]).toMatchObject({ index: 4, time: '2000-05', step: 1 });
    expect(p.metrics).not.toBeNull();
    expect(p.metrics!.count).toBe(26);
    const manualRmse = Math.sqrt(p.predictions.reduce((s, r) => s + (r.actual - r.predicted) ** 2, 0) / p.predictions.length);
    expect(p.metrics!.original.rmse).toBeCloseTo(manualRmse, 9);
    expect(p.forecast.map((f) => f.time)).toEqual(['2002-07', '2002-08', '2002-09']);

    // Exactly one window of inputs: no comparison, still a forecast.
    const oneWindow = await writeSeriesCsv(root, 'one-window.csv', 4);
    const q = await predictWithBundle(bundle, oneWindow, { steps: 2 });
    expect(q.windows).toBe(0);
    expect(q.metrics).toBeNull();
    expect(q.forecast).toHaveLength(2);
  });

  it('uses the SAVED scaler (no refit): values beyond the training range are flagged, not rescaled', async () => {
    const lines = (await readFile(tiny.csvPath, 'utf8')).trim().split('\n');
    const shifted = [lines[0], ...lines.slice(1).map((l) => { const [m, v] = l.split(','); return `${m},${(Number(v) + 1000).toFixed(3)}`; })];
    const path = join(root, 'shifted.csv');
    await writeFile(path, shifted.join('\n') + '\n');
    const p = await predictWithBundle(bundle, path, { steps: 0 });
    expect(p.warnings.join(' ')).toMatch(/72 value\(s\) of "Value" lie outside the range the model was trained on/);
    expect(p.metrics!.rmse).toBeGreaterThan(5); // scaled by the saved min/max, the shift is huge
    expect(p.forecast).toEqual([]);
  });

  it('refuses data whose columns do not match, with the reason', async () => {
    const otherNames = join(root, 'other-names.csv');
    await writeFile(otherNames, 'Month,Level\n' + Array.from({ length: 20 }, (_, i) => `2000-${String((i % 12) + 1).padStart(2, '0')},${i}`).join('\n') + '\n');
    await expectInvalid(predictWithBundle(bundle, otherNames), /other-names\.csv does not fit this bundle, which needs target "Value": .*no column "Value"/);

    const text = join(root, 'text.csv');
    await writeFile(text, 'Month,Value\n' + Array.from({ length: 20 }, (_, i) => `2000-${String((i % 12) + 1).padStart(2, '0')},${i % 3 ? 'high' : 'low'}`).join('\n') + '\n');
    const error = await expectInvalid(predictWithBundle(bundle, text), /text\.csv does not fit this bundle/);
    expect(error.message).toMatch(/numeric|text/i);

    const short = await writeSeriesCsv(root, 'short.csv', 3);
    await expectInvalid(predictWithBundle(bundle, short), /short\.csv has 3 usable rows; this bundle's model needs at least 4/);

    await expectInvalid(predictWithBundle(bundle, join(root, 'nowhere.csv')), /nowhere\.csv does not fit this bundle.*(does not exist|ENOENT|not found)/i);
    await expectInvalid(predictWithBundle(bundle, tiny.csvPath, { steps: -1 }), /forecast steps must be a whole number/);
  });
});

describe('bundles of other model shapes', () => {
  it('multivariate input: needs the input columns too, predicts, and forecasts only what the head gives', async () => {
    const dir = await mkdtemp(join(root, 'multi-'));
    const multi = await tinyRun(dir, { inputColumns: ['Temp'], windowing: 'tutorial', timeSteps: 3, validationFraction: 0 });
    const out = join(dir, 'bundle');
    try {
      await writeRunBundle({ dir: out, model: multi.model, result: multi.result });
      const meta = BundleMetadataSchema.parse(JSON.parse(await readFile(join(out, 'metadata.json'), 'utf8')));
      expect(meta.windowing).toMatchObject({ features: ['Value', 'Temp'], inputShape: [3, 2], windowing: 'tutorial' });
      expect(meta.scaler.min).toHaveLength(2);

      const missingInput = await writeSeriesCsv(dir, 'no-temp.csv', 30);
      await expectInvalid(predictWithBundle(out, missingInput), /needs target "Value" and input columns "Temp": .*no column "Temp"/);

      const p = await predictWithBundle(out, multi.csvPath, { steps: 4 });
      expect(p.windows).toBe(Math.floor((72 - 1) / 3)); // tutorial windows: targets at 3, 6, ..., 69
      expect(p.forecast).toHaveLength(1); // the head's 1 output; further steps would need future "Temp" values
      expect(p.forecast[0].time).toBe('2006-01');
      expect(p.forecast[0].value).toBeCloseTo(multi.result.forecast[0].value, 9);
      expect(p.warnings.join(' ')).toMatch(/Forecast: 1 of 4 steps.*Temp/);
    } finally {
      multi.model.dispose();
    }
  });

  it('direct multi-step head: one row per window and step, forecast continues H values at a time', async () => {
    const dir = await mkdtemp(join(root, 'direct-'));
    const direct = await tinyRun(dir, { outputUnits: 3, forecastSteps: 7, validationFraction: 0 });
    const out = join(dir, 'bundle');
    try {
      await writeRunBundle({ dir: out, model: direct.model, result: direct.result });
      const p = await predictWithBundle(out, direct.csvPath);
      expect(p.windowing.horizon).toBe(3);
      expect(p.windows).toBe(72 - 4 - 2);
      expect(p.predictions).toHaveLength(p.windows * 3);
      expect(p.predictions.slice(0, 3).map((r) => [r.index, r.step])).toEqual([[4, 1], [5, 2], [6, 3]]);
      const byKey = new Map(p.predictions.map((r) => [`${r.index}/${r.step}`, r.predicted]));
      for (const row of direct.result.predictions) expect(Math.abs(byKey.get(`${row.index}/${row.step}`)! - row.predicted)).toBeLessThan(1e-9);
      expect(p.forecast).toHaveLength(7);
      expect(p.forecast.map((f) => f.value)).toEqual(direct.result.forecast.map((f) => f.value));
    } finally {
      direct.model.dispose();
    }
  });
});
