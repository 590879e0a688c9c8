/**
 * Exports a finished run's bundle (written by the training process to runsDir/runId) to a folder the
 * user chose, through the engine's `exportBundle`: atomic (a failed export leaves nothing behind) and
 * never overwriting an existing folder.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BUNDLE_FILES } from '../contract/bundles.js';
import { InvalidInputError } from '../contract/run-config.js';
import type { RunResult } from '../contract/run-result.js';

/** Copies a bundle folder to a destination that must not exist yet; returns the destination. */
export type CopyBundle = (sourceDir: string, destinationDir: string) => Promise<string>;

export interface ExportServiceOptions {
  /** Results of finished runs by id (the supervisor keeps them). */
  getResult: (runId: string) => RunResult | undefined;
  /** Folder the training processes write bundles under (runsDir/runId). */
  runsDir: string | null;
  copyBundle: CopyBundle;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export class ExportService {
  constructor(private readonly options: ExportServiceOptions) {}

  /** Where a finished run's bundle is; throws InvalidInputError when there is none to export. */
  async bundleOf(runId: string): Promise<string> {
    const result = this.options.getResult(runId);
    if (!result) {
      throw new InvalidInputError(`Run ${runId} has no result to export: only runs that finished in this session can be exported.`);
    }
    const dir = result.bundleDir ?? (this.options.runsDir ? join(this.options.runsDir, runId) : null);
    if (!dir || !(await exists(join(dir, BUNDLE_FILES.model)))) {
      throw new InvalidInputError(`Run ${runId} did not write a model bundle, so there is nothing to export.`);
    }
    return dir;
  }

  /** Copy run `runId`'s bundle to `destinationDir` (must not exist). Returns the absolute destination. */
  async exportRun(runId: string, destinationDir: string): Promise<string> {
    const source = await this.bundleOf(runId);
    const destination = resolve(destinationDir);
    if (await exists(destination)) {
      throw new InvalidInputError(`${destination} already exists. Exports never overwrite: choose another name or folder.`);
    }
    return resolve(await this.options.copyBundle(source, destination));
  }
}

/** A safe folder name from what a user typed: no path separators, no leading dots. */
export function safeFolderName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what a file name must not keep
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '-')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 120);
  if (!cleaned) throw new InvalidInputError(`"${name}" cannot be used as a folder name.`);
  return cleaned;
}
