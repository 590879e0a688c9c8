/**
 * Envelopes that carry workbench-api calls across a transport: Electron IPC (preload <-> main) and the
 * browser-mode WebSocket. A call is answered with a reply; a failure is data (a CallError with a
 * sentence for people), never a thrown transport error. Run events are pushed on RUN_EVENT_STREAM, dataset
 * reading progress on DATASET_PROGRESS_STREAM.
 */
import { z } from 'zod';
import { CallErrorSchema, DATASET_PROGRESS_STREAM, RUN_EVENT_STREAM } from './workbench-api.js';

export const CallReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), response: z.unknown() }),
  z.object({ ok: z.literal(false), error: CallErrorSchema }),
]);
export type CallReply = z.infer<typeof CallReplySchema>;

/** Browser mode, client -> server: one call. */
export const WsCallSchema = z.object({
  id: z.number().int().nonnegative(),
  channel: z.string().min(1).max(100),
  request: z.unknown(),
});
export type WsCall = z.infer<typeof WsCallSchema>;

/** Browser mode, server -> client: a reply to call `id`, or a pushed run event or dataset progress. */
export const WsServerFrameSchema = z.union([
  z.object({ id: z.number().int().nonnegative(), ok: z.literal(true), response: z.unknown() }),
  z.object({ id: z.number().int().nonnegative(), ok: z.literal(false), error: CallErrorSchema }),
  z.object({ stream: z.literal(RUN_EVENT_STREAM), event: z.unknown() }),
  z.object({ stream: z.literal(DATASET_PROGRESS_STREAM), event: z.unknown() }),
]);
export type WsServerFrame = z.infer<typeof WsServerFrameSchema>;

/** Browser mode: the query parameter and header that carry the session token. */
export const TOKEN_QUERY = 'token';
export const TOKEN_HEADER = 'x-workbench-token';
/** Browser mode: path of the WebSocket and of the upload endpoint. */
export const WS_PATH = '/ws';
export const UPLOAD_PATH = '/upload';
/** Browser mode: GET ?runId=…&name=… downloads a run's bundle as one zip archive. */
export const BUNDLE_DOWNLOAD_PATH = '/bundle.zip';
/** Browser mode: POST ?name=….zip uploads a bundle archive; the reply is the opened BundleSummary. */
export const BUNDLE_UPLOAD_PATH = '/upload-bundle';
/** Browser mode: largest CSV upload accepted. */
export const MAX_UPLOAD_BYTES = 500 * 1024 * 1024;
