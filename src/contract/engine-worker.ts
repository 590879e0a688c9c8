/**
 * Messages between a host (Electron main, the browser-mode server, tests) and the engine worker: the
 * long-lived process that runs the heavy engine calls (CSV reading, anatomy, bundles) so the host never
 * parses data or loads TensorFlow.js itself. Same messages over Electron's utilityProcess port and Node's
 * child_process IPC (structured clone / 'advanced' serialization).
 *
 *   worker → host  {type:'engine-ready'}                       once, when it listens
 *   host → worker  {type:'engine-call', id, method, args}       args = the method's arguments, as plain data
 *   worker → host  {type:'engine-progress', id, fraction}       for inspectCsv / loadSeriesPreview
 *   worker → host  {type:'engine-reply', id, ok:true, value} | {…, ok:false, error:{kind, message, problems?}}
 */
import { z } from 'zod';
import { AnatomyRequestSchema } from './anatomy.js';
import { SeriesRequestSchema } from './datasets.js';
import { parseWith } from './run-config.js';

/** The HostEngine methods the engine worker answers. */
export const ENGINE_WORKER_METHODS = ['inspectCsv', 'loadSeriesPreview', 'computeAnatomy', 'openBundle', 'predictWithBundle', 'exportBundle'] as const;
export type EngineWorkerMethod = (typeof ENGINE_WORKER_METHODS)[number];

const CallId = z.number().int().nonnegative();
const Path = z.string().min(1);
/** The data part of an engine call's options (its onProgress callback travels as 'engine-progress'). */
const CallOptions = z.record(z.string(), z.unknown());

const call = <M extends EngineWorkerMethod, A extends z.ZodTuple>(method: M, args: A) =>
  z.object({ type: z.literal('engine-call'), id: CallId, method: z.literal(method), args });

export const EngineCallSchema = z.discriminatedUnion('method', [
  call('inspectCsv', z.tuple([Path, CallOptions])),
  call('loadSeriesPreview', z.tuple([SeriesRequestSchema, CallOptions])),
  call('computeAnatomy', z.tuple([AnatomyRequestSchema])),
  call('openBundle', z.tuple([Path])),
  call('predictWithBundle', z.tuple([Path, Path])),
  call('exportBundle', z.tuple([Path, Path])),
]);
export type EngineCall = z.infer<typeof EngineCallSchema>;
/** What a host sends to the engine worker. */
export type EngineWorkerRequest = EngineCall;

export const EngineCallErrorSchema = z.object({
  kind: z.enum(['invalid-input', 'internal']),
  message: z.string(),
  /** InvalidInputError.problems, so the host rebuilds the same error. */
  problems: z.array(z.string()).optional(),
});
export type EngineCallError = z.infer<typeof EngineCallErrorSchema>;

export const EngineReadySchema = z.object({ type: z.literal('engine-ready') });
export const EngineProgressSchema = z.object({ type: z.literal('engine-progress'), id: CallId, fraction: z.number().min(0).max(1) });
export const EngineReplySchema = z.union([
  z.object({ type: z.literal('engine-reply'), id: CallId, ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('engine-reply'), id: CallId, ok: z.literal(false), error: EngineCallErrorSchema }),
]);
export type EngineReply = z.infer<typeof EngineReplySchema>;

/** What the engine worker sends. */
export const EngineWorkerMessageSchema = z.union([EngineReadySchema, EngineProgressSchema, EngineReplySchema]);
export type EngineWorkerMessage = z.infer<typeof EngineWorkerMessageSchema>;

export function parseEngineCall(input: unknown): EngineCall {
  return parseWith(EngineCallSchema, input, 'engine call');
}

export function parseEngineWorkerMessage(input: unknown): EngineWorkerMessage {
  return parseWith(EngineWorkerMessageSchema, input, 'engine worker message');
}
