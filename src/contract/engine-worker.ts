/**
 * Messages between a host (Electron main, the browser-mode server, tests) and the engine worker: the
 * long-lived process that runs the heavy engine calls (CSV reading, anatomy, bundles) so the host never
 * parses data or loads TensorFlow.js itself. Same messages over Electron's utilityProcess port and Node's
 * child_process IPC (structured clone / 'advanced' serialization). The calls themselves, with their
 * argument, result and progress schemas, are the table in engine-calls.ts.
 *
 *   worker → host  {type:'engine-ready'}                       once, when it listens
 *   host → worker  {type:'engine-call', id, method, args}       args = the method's argument tuple, as plain data
 *   worker → host  {type:'engine-progress', id, fraction}       for calls with progress
 *   worker → host  {type:'engine-reply', id, ok:true, value} | {…, ok:false, error:{kind, message, problems?}}
 *
 * The envelopes are validated here; a call's args by the worker and its reply's value (and progress) by the
 * host, each with that method's schema from the table.
 */
import { z } from 'zod';
import { ENGINE_METHODS, engineCalls, type EngineArgs, type EngineCallSpec, type EngineMethod, type EngineResult } from './engine-calls.js';
import { parseWith } from './run-config.js';

/** The methods the engine worker answers: the keys of the engine-call table. */
export { ENGINE_METHODS as ENGINE_WORKER_METHODS, type EngineMethod as EngineWorkerMethod } from './engine-calls.js';

const CallId = z.number().int().nonnegative();

const EngineCallEnvelopeSchema = z.object({
  type: z.literal('engine-call'),
  id: CallId,
  method: z.enum(ENGINE_METHODS as [EngineMethod, ...EngineMethod[]]),
  args: z.array(z.unknown()),
});

/** One call of a method, with its arguments as the table types them. */
export type EngineCallOf<M extends EngineMethod> = { type: 'engine-call'; id: number; method: M; args: EngineArgs<M> };
export type EngineCall = { [M in EngineMethod]: EngineCallOf<M> }[EngineMethod];
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
export const EngineProgressSchema = z.object({ type: z.literal('engine-progress'), id: CallId, fraction: z.unknown() });
export const EngineReplySchema = z.union([
  /** `value` is checked by the host against the call's result schema (parseEngineResult). */
  z.object({ type: z.literal('engine-reply'), id: CallId, ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('engine-reply'), id: CallId, ok: z.literal(false), error: EngineCallErrorSchema }),
]);
export type EngineReply = z.infer<typeof EngineReplySchema>;

/** What the engine worker sends. */
export const EngineWorkerMessageSchema = z.union([EngineReadySchema, EngineProgressSchema, EngineReplySchema]);
export type EngineWorkerMessage = z.infer<typeof EngineWorkerMessageSchema>;

/** Validate a call: its envelope, then its arguments with the method's tuple from the table. */
export function parseEngineCall(input: unknown): EngineCall {
  const envelope = parseWith(EngineCallEnvelopeSchema, input, 'engine call');
  const args = parseWith(engineCalls[envelope.method].args, envelope.args, `${envelope.method} arguments`);
  return { ...envelope, args } as EngineCall;
}

export function parseEngineWorkerMessage(input: unknown): EngineWorkerMessage {
  return parseWith(EngineWorkerMessageSchema, input, 'engine worker message');
}

/** A reply's value, validated with the result schema of the method it answers. */
export function parseEngineResult<M extends EngineMethod>(method: M, value: unknown): EngineResult<M> {
  const spec: EngineCallSpec = engineCalls[method];
  return parseWith(spec.result, value, `${method} result`) as EngineResult<M>;
}

/** A progress fraction, validated with the method's progress schema (null for a method without progress). */
export function parseEngineProgress(method: EngineMethod, fraction: unknown): number | null {
  const spec: EngineCallSpec = engineCalls[method];
  return spec.progress ? parseWith(spec.progress, fraction, `${method} progress`) : null;
}
