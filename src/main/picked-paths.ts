/**
 * Desktop: the files and folders the user chose — in a native dialog, by dropping them on the window, or
 * as an export's destination. 'datasets:open-path' and 'bundles:open-path' carry a path the renderer
 * names; the main process lets only these through (plus bundles under the app's own runs folder), so a
 * compromised renderer cannot make the host read any file it names.
 */
import { isAbsolute, relative, resolve } from 'node:path';

/** Channels whose `path` must be one the user picked. */
const PICKED_PATH_CHANNELS: ReadonlySet<string> = new Set(['datasets:open-path', 'bundles:open-path']);

function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export class PickedPaths {
  private readonly picked = new Set<string>();

  /** `roots`: folders of the app's own whose contents may always be opened (the runs folder). */
  constructor(private readonly roots: readonly string[] = []) {}

  /** Remember a path the user picked; returns it (null stays null) so dialogs can pass their answer through. */
  add<P extends string | null>(path: P): P {
    if (path && isAbsolute(path)) this.picked.add(resolve(path));
    return path;
  }

  allows(path: string): boolean {
    if (!isAbsolute(path)) return false;
    const absolute = resolve(path);
    return this.picked.has(absolute) || this.roots.some((root) => isInside(root, absolute));
  }

  /** For a call from the renderer: the sentence that refuses it, or null when it may go on. */
  refusal(channel: string, request: unknown): string | null {
    if (!PICKED_PATH_CHANNELS.has(channel)) return null;
    const path = (request as { path?: unknown } | null | undefined)?.path;
    if (typeof path !== 'string') return null; // the host's request validation says what is wrong
    if (this.allows(path)) return null;
    return `${path.slice(0, 200)} was not chosen in a dialog or dropped on the window: open it with File → Open or drop it here.`;
  }
}
