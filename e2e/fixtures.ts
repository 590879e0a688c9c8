/**
 * Test fixtures: one browser-mode server per worker (real host, real training in a child process) with
 * temporary runs and exports folders, serving the built renderer from out/web; `app` is a page opened
 * at the server's URL (which carries the token) with the first dataset loaded.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startWorkbenchServer } from '../src/server/server';

export interface ServerInfo {
  url: string;
  token: string;
  runsDir: string;
  exportsDir: string;
  scratch: string;
}

const webRoot = resolve('out/web');

/**
 * Where the specs save the screenshots they take (and we look at): the README's pictures in docs/screenshots
 * when UPDATE_SCREENSHOTS=1, else beside the other test output, so a test run leaves the tree unchanged.
 */
export const screenshotDir = process.env.UPDATE_SCREENSHOTS
  ? resolve('docs/screenshots')
  : resolve(process.env.PW_OUTPUT_DIR ?? 'test-results', 'screenshots');
mkdirSync(screenshotDir, { recursive: true });

export const test = base.extend<{ app: Page }, { server: ServerInfo }>({
  server: [
    async ({}, use) => {
      if (!existsSync(join(webRoot, 'index.html'))) throw new Error('out/web is missing: run `npm run build:web` first (npm run test:e2e does).');
      const scratch = await mkdtemp(join(tmpdir(), 'fw-e2e-'));
      const runsDir = join(scratch, 'runs');
      const exportsDir = join(scratch, 'exports');
      const server = await startWorkbenchServer({ port: 0, webRoot, runsDir, exportsDir });
      await use({ url: server.url, token: server.token, runsDir, exportsDir, scratch });
      await server.close();
      await rm(scratch, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  app: async ({ page, server }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.goto(server.url);
    await expect(page.getByTestId('series-chart')).toBeVisible({ timeout: 60_000 });
    await use(page);
    // CSP violations and uncaught errors show up here.
    expect(problems.filter((p) => !/Failed to load resource/.test(p)), 'browser errors').toEqual([]);
  },
});

export { expect };

/** Set a form field by test id (type the value as a user would). */
export async function setField(page: Page, testId: string, value: string): Promise<void> {
  const input = page.getByTestId(testId);
  await input.fill(value);
  await input.blur();
}

/** Epochs plotted on the loss chart. */
export async function lossPoints(page: Page): Promise<number> {
  return Number((await page.getByTestId('loss-chart').getAttribute('data-points')) ?? '0');
}

/** The entry names of a zip archive on disk (a downloaded bundle). */
export async function zipEntryNames(path: string): Promise<string[]> {
  const { default: yauzl } = await import('yauzl');
  const zip = await yauzl.openPromise(path, { lazyEntries: true });
  const names: string[] = [];
  for await (const entry of zip.eachEntry()) names.push(entry.fileName);
  zip.close();
  return names;
}
