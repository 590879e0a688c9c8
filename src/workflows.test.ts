/**
 * The GitHub Actions workflows (.github/workflows), checked here since they run only on GitHub: valid
 * YAML, every npm script they call exists in package.json, and the release workflow does what
 * docs/README say — npm ci, npm test and the Electron e2e on Linux (under xvfb), Windows and macOS; on a
 * version tag, the installers of each OS attached to the release.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const workflowsDir = join(root, '.github', 'workflows');
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  if?: string;
  needs?: string | string[];
  strategy?: { matrix?: { os?: string[] } };
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const files = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));
const workflows = files.map((file) => {
  const doc = parseDocument(readFileSync(join(workflowsDir, file), 'utf8'), { prettyErrors: true });
  return { file, errors: doc.errors.map((e) => e.message), warnings: doc.warnings.map((w) => w.message), workflow: doc.toJS() as Workflow };
});

/** npm scripts a shell command calls: `npm test`, `npm start`, `npm run X`, `npm run-script X`. */
function npmScriptsCalled(command: string): string[] {
  const called: string[] = [];
  for (const m of command.matchAll(/\bnpm\s+(?:run|run-script)\s+([\w:.-]+)/g)) called.push(m[1]!);
  for (const m of command.matchAll(/\bnpm\s+(test|start|stop|restart)\b/g)) called.push(m[1]!);
  return called;
}

describe('GitHub Actions workflows', () => {
  it('exist and are valid YAML with triggers and jobs', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const { file, errors, warnings, workflow } of workflows) {
      expect(errors, file).toEqual([]);
      expect(warnings, file).toEqual([]);
      expect(workflow.on, file).toBeTypeOf('object');
      expect(Object.keys(workflow.jobs).length, file).toBeGreaterThan(0);
      for (const [id, job] of Object.entries(workflow.jobs)) {
        expect(job['runs-on'], `${file} ${id}`).toBeTruthy();
        expect(job.steps.length, `${file} ${id}`).toBeGreaterThan(0);
        for (const step of job.steps) expect(Boolean(step.run) !== Boolean(step.uses), `${file} ${id}: a step has exactly one of run/uses`).toBe(true);
      }
    }
  });

  it('call only npm scripts that package.json has', () => {
    const calls = workflows.flatMap(({ file, workflow }) =>
      Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => npmScriptsCalled(step.run ?? '').map((script) => ({ file, script })))),
    );
    expect(calls.map((c) => c.script)).toEqual(expect.arrayContaining(['test', 'dist']));
    expect(calls.filter((c) => !(c.script in scripts))).toEqual([]);
    expect(npmScriptsCalled('xvfb-run -a -- npm test && npm run dist:list -- --summary')).toEqual(['dist:list', 'test']);
  });

  it('test on Linux (under xvfb), Windows and macOS with npm ci, npm test and the Electron e2e required', () => {
    const tests = workflows.flatMap(({ workflow }) => Object.values(workflow.jobs)).filter((job) => job.steps.some((s) => npmScriptsCalled(s.run ?? '').includes('test')));
    expect(tests.length).toBeGreaterThan(0);
    const job = tests[0]!;
    expect(job.strategy?.matrix?.os).toEqual(expect.arrayContaining(['ubuntu-latest', 'windows-latest', 'macos-latest']));
    const runs = job.steps.map((s) => s.run ?? '');
    expect(runs.findIndex((r) => /\bnpm ci\b/.test(r))).toBeGreaterThanOrEqual(0);
    expect(runs.findIndex((r) => /\bnpx install-electron\b/.test(r))).toBeLessThan(runs.findIndex((r) => npmScriptsCalled(r).includes('test')));
    const linux = job.steps.find((s) => s.if?.includes("runner.os == 'Linux'") && npmScriptsCalled(s.run ?? '').includes('test'));
    expect(linux?.run).toMatch(/^xvfb-run\b/);
    // The Electron suite fails there instead of skipping (e2e/electron.spec.ts reads this).
    expect(job.env?.WORKBENCH_REQUIRE_ELECTRON).toBe('1');
    expect(readFileSync(join(root, 'e2e', 'electron.spec.ts'), 'utf8')).toContain('process.env.WORKBENCH_REQUIRE_ELECTRON');
    expect(scripts.test).toMatch(/test:e2e/);
    expect(scripts['test:e2e']).toMatch(/playwright test/);
  });

  it('on a version tag, build the installers on each OS and attach them to the release', () => {
    const all = workflows.flatMap(({ workflow }) => Object.entries(workflow.jobs).map(([id, job]) => ({ id, job, workflow })));
    const installers = all.find(({ job }) => job.steps.some((s) => npmScriptsCalled(s.run ?? '').includes('dist')));
    expect(installers).toBeDefined();
    expect(installers!.job.if).toMatch(/refs\/tags\/v/);
    expect((installers!.workflow.on.push as { tags?: string[] }).tags).toEqual(['v*']);
    expect(installers!.job.strategy?.matrix?.os).toEqual(expect.arrayContaining(['ubuntu-latest', 'windows-latest', 'macos-latest']));
    const upload = installers!.job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    for (const ext of ['exe', 'dmg', 'AppImage', 'deb']) expect(String(upload?.with?.path)).toContain(`dist/*.${ext}`);
    const release = all.find(({ job }) => job.steps.some((s) => s.uses?.startsWith('softprops/action-gh-release')));
    expect(release?.job.needs).toBe(installers!.id);
    expect(release?.job.if).toMatch(/refs\/tags\/v/);
  });

  it('skip onnxruntime-node\'s download with its documented flag wherever npm ci runs', () => {
    for (const { workflow } of workflows) expect(workflow.env?.ONNXRUNTIME_NODE_INSTALL).toBe('skip');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
  });
});
