/**
 * The checkpoints folder as a host sees it, on real files: checkpoints a kill interrupted mid-replacement
 * are repaired, interrupted runs are listed with what their state says, and only what cannot be recovered
 * (and is old enough not to be another host's write in progress) is swept.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_STATE_FILE, checkpointDir, discardCheckpoint, interruptedRuns, repairCheckpoint } from './checkpoint-location.js';

const state = (epochs: number, savedAt: string) =>
  JSON.stringify({ runId: 'x', history: Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1 })), savedAt, config: { backend: 'cpu', training: { epochs: 50 } } });

function folder(path: string, stateText: string | null, old = false): string {
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'model.json'), '{}');
  if (stateText !== null) writeFileSync(join(path, CHECKPOINT_STATE_FILE), stateText);
  if (old) {
    const longAgo = new Date(Date.now() - 24 * 3600_000);
    utimesSync(path, longAgo, longAgo);
  }
  return path;
}

describe('checkpoint location', () => {
  it('repairs a replacement cut short: the whole .partial wins, else .old', () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'fw-ckpt-'));
    const a = checkpointDir(runsDir, 'run-a');
    folder(`${a}.partial`, state(3, '2026-01-01T00:00:03Z'));
    folder(`${a}.old`, state(2, '2026-01-01T00:00:02Z'));
    expect(repairCheckpoint(runsDir, 'run-a')).toBe(true);
    expect(JSON.parse(readFileSync(join(a, CHECKPOINT_STATE_FILE), 'utf8')).history).toHaveLength(3);

    const b = checkpointDir(runsDir, 'run-b');
    folder(`${b}.partial`, '{"runId":"x","hist'); // killed while writing its state
    folder(`${b}.old`, state(2, '2026-01-01T00:00:02Z'));
    expect(repairCheckpoint(runsDir, 'run-b')).toBe(true);
    expect(JSON.parse(readFileSync(join(b, CHECKPOINT_STATE_FILE), 'utf8')).history).toHaveLength(2);

    expect(repairCheckpoint(runsDir, 'run-none')).toBe(false);
  });

  it('lists interrupted runs newest first with what their state says, leaving out active ones; sweeps only stale unusable leftovers', () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'fw-ckpt-'));
    folder(checkpointDir(runsDir, 'older'), state(4, '2026-01-01T00:00:00Z'));
    folder(checkpointDir(runsDir, 'newer'), state(7, '2026-02-01T00:00:00Z'));
    folder(checkpointDir(runsDir, 'active'), state(1, '2026-03-01T00:00:00Z'));
    const staleEmpty = folder(checkpointDir(runsDir, 'stale-empty'), null, true);
    const freshEmpty = folder(checkpointDir(runsDir, 'fresh-empty'), null);
    const staleLeftover = folder(`${checkpointDir(runsDir, 'older')}.old`, null, true);
    // Only a written bundle is left of this one (killed after writing it): recoverable from the bundle.
    const bundleOnly = folder(checkpointDir(runsDir, 'bundled'), null, true);
    mkdirSync(join(runsDir, 'bundled'));
    writeFileSync(join(runsDir, 'bundled', 'metadata.json'), '{}');

    const found = interruptedRuns(runsDir, { activeRunIds: ['active'], sweep: true });
    expect(found.map((r) => r.runId)).toEqual(['newer', 'older', 'bundled']);
    expect(found[0]).toEqual({ runId: 'newer', epochs: 7, totalEpochs: 50, savedAt: '2026-02-01T00:00:00Z', backend: 'cpu' });
    expect(found[2]).toEqual({ runId: 'bundled', epochs: 0, totalEpochs: null, savedAt: null, backend: null });
    expect(existsSync(staleEmpty)).toBe(false);
    expect(existsSync(staleLeftover)).toBe(false);
    expect(existsSync(freshEmpty)).toBe(true);
    expect(existsSync(bundleOnly)).toBe(true);
    expect(existsSync(checkpointDir(runsDir, 'active'))).toBe(true);

    discardCheckpoint(runsDir, 'older');
    expect(interruptedRuns(runsDir).map((r) => r.runId)).toEqual(['active', 'newer', 'bundled']);
    expect(interruptedRuns(join(runsDir, 'no-such-folder'))).toEqual([]);
  });
});
