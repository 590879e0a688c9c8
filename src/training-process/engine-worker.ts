/**
 * The engine worker's logic, independent of how the process was started: announce 'engine-ready', answer
 * every valid 'engine-call' with one 'engine-reply' (forwarding onProgress as 'engine-progress'), map
 * InvalidInputError to kind 'invalid-input' with the same sentence and anything else to 'internal', and
 * answer (or log) invalid messages instead of crashing. Calls run as they arrive; the engine functions are
 * independent of each other.
 */
import { engineCalls, reportsProgress, type EngineApi } from '../contract/engine-calls.js';
import type { EngineCall, EngineCallError, EngineWorkerMessage } from '../contract/engine-worker.js';
import { parseEngineCall } from '../contract/engine-worker.js';
import { InvalidInputError } from '../contract/run-config.js';
import type { ParentChannel } from './parent-channel.js';

/** At most one progress message per call in this interval (the final 1 always goes). */
export const ENGINE_PROGRESS_INTERVAL_MS = 50;

export function startEngineWorker(
  channel: ParentChannel,
  engine: EngineApi,
  log = (text: string) => process.stderr.write(`engine worker: ${text}\n`),
) {
  const post = (message: EngineWorkerMessage) => channel.send(message);
  const inFlight = new Set<number>();

  const progressFor = (id: number) => {
    let last = -Infinity;
    return (fraction: number) => {
      if (!Number.isFinite(fraction)) return;
      const now = Date.now();
      if (fraction < 1 && now - last < ENGINE_PROGRESS_INTERVAL_MS) return;
      last = now;
      void post({ type: 'engine-progress', id, fraction: Math.min(1, Math.max(0, fraction)) });
    };
  };

  /** The dispatcher, derived from the table: the call's arguments, plus `{ onProgress }` where it reports progress. */
  function run(call: EngineCall): Promise<unknown> {
    const implementation = engine[call.method] as (...args: unknown[]) => Promise<unknown>;
    const args: unknown[] = [...call.args];
    if (reportsProgress(call.method)) args[engineCalls[call.method].args.def.items.length] = { onProgress: progressFor(call.id) };
    return implementation(...args);
  }

  async function answer(call: EngineCall): Promise<void> {
    inFlight.add(call.id);
    try {
      const value = await run(call);
      await post({ type: 'engine-reply', id: call.id, ok: true, value });
    } catch (error) {
      if (!(error instanceof InvalidInputError)) log(`${call.method} failed: ${(error as Error)?.stack ?? String(error)}`);
      await post({ type: 'engine-reply', id: call.id, ok: false, error: toEngineCallError(error) });
    } finally {
      inFlight.delete(call.id);
    }
  }

  channel.onMessage((raw) => {
    let call: EngineCall;
    try {
      call = parseEngineCall(raw);
    } catch (error) {
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0) {
        // A call we cannot run: answer it, so the host does not wait for nothing.
        void post({ type: 'engine-reply', id, ok: false, error: toEngineCallError(error) });
      } else {
        log(`ignored an invalid message: ${(error as Error).message}`);
      }
      return;
    }
    if (inFlight.has(call.id)) return log(`ignored a repeated call ${call.id}`);
    void answer(call);
  });

  void post({ type: 'engine-ready' });

  return { kind: channel.kind, inFlight: () => [...inFlight] };
}

export function toEngineCallError(error: unknown): EngineCallError {
  if (error instanceof InvalidInputError) return { kind: 'invalid-input', message: error.message, problems: error.problems };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'internal', message: message || 'The engine failed without saying why.' };
}

