/**
 * The API the renderer uses, whatever hosts it: Electron (preload + IPC) or browser mode (WebSocket).
 *
 * Each channel has a request and a response schema. The host validates every request where it enters
 * (`parseRequest`), the renderer validates what comes back, and run events are pushed on the 'run-event'
 * stream, the progress of reading a dataset on the 'dataset-progress' stream. Host-specific ways of picking files (native dialogs in Electron, uploads in a browser) sit
 * behind `WorkbenchClient` in the renderer, so components never know which host they run in.
 */
import { z } from 'zod';
import { parseWith, RunConfigSchema } from './run-config.js';
import { CsvInspectionSchema, DatasetRefSchema, SeriesPreviewSchema, SeriesRequestSchema, SeriesStructureSchema, StructureRequestSchema } from './datasets.js';
import { AnatomyReportSchema, AnatomyRequestSchema } from './anatomy.js';
import { BundleColumnMapSchema, BundleSummarySchema, BundlePredictionSchema, RecentBundleSchema } from './bundles.js';
import { runHistoryChannels } from './run-history.js';
import { queueSweepChannels } from './queue-sweeps.js';
import { InterruptedRunSchema } from './training-process.js';

const PathRequest = z.object({ path: z.string().min(1) });
const RunIdRequest = z.object({ runId: z.string().min(1) });

export const channels = {
  /** Host facts: which host, which training backend, where exports go (browser mode: the folder's name only). */
  'app:info': {
    request: z.object({}),
    response: z.object({
      host: z.enum(['desktop', 'browser']),
      version: z.string(),
      backend: z.string().nullable(),
      exportsDir: z.string().nullable(),
    }),
  },
  'datasets:list': { request: z.object({}), response: z.array(DatasetRefSchema) },
  /** Desktop: native open dialog. Returns null when the user cancels. */
  'datasets:open-dialog': { request: z.object({}), response: DatasetRefSchema.nullable() },
  /** Desktop: a file dropped on the window (path from webUtils in the preload). */
  'datasets:open-path': { request: PathRequest, response: DatasetRefSchema },
  'datasets:inspect': { request: PathRequest, response: CsvInspectionSchema },
  'datasets:series': { request: SeriesRequestSchema, response: SeriesPreviewSchema },
  /** The column's autocorrelation and seasonal decomposition (Data tab), after the run's preparation. */
  'datasets:structure': { request: StructureRequestSchema, response: SeriesStructureSchema },
  'runs:start': { request: z.object({ config: RunConfigSchema }), response: RunIdRequest },
  'runs:stop': { request: RunIdRequest, response: z.object({ stopping: z.boolean() }) },
  /** Runs whose checkpoints a crash or a host that went away left on disk (newest first); each can be recovered. */
  'runs:interrupted': { request: z.object({}), response: z.array(InterruptedRunSchema) },
  /** Finish an interrupted run from its checkpoint; its events arrive on the run-event stream like any run's. */
  'runs:recover': { request: RunIdRequest, response: RunIdRequest },
  /** Remove an interrupted run's checkpoint instead of recovering it. */
  'runs:discard': { request: RunIdRequest, response: z.object({ discarded: z.boolean() }) },
  /**
   * Copy a finished run's bundle to a folder: desktop asks with a save dialog (path = the folder written);
   * browser mode writes under its exports folder (path = the folder's name there; its page downloads a zip instead).
   */
  'runs:export': {
    request: z.object({ runId: z.string().min(1), name: z.string().min(1).max(200).nullable().default(null) }),
    response: z.object({ path: z.string() }).nullable(),
  },
  'bundles:open-dialog': { request: z.object({}), response: BundleSummarySchema.nullable() },
  'bundles:open-path': { request: PathRequest, response: BundleSummarySchema },
  /** Bundles opened or uploaded recently and the bundles of recent runs, newest first (no paths). */
  'bundles:recent': { request: z.object({}), response: z.array(RecentBundleSchema) },
  /** Open one of 'bundles:recent' by its id. */
  'bundles:open-recent': { request: z.object({ id: z.string().min(1).max(200) }), response: BundleSummarySchema },
  'bundles:predict': {
    request: z.object({ bundleDir: z.string().min(1), path: z.string().min(1), columns: BundleColumnMapSchema.default({}) }),
    response: BundlePredictionSchema,
  },
  'anatomy:compute': { request: AnatomyRequestSchema, response: AnatomyReportSchema },
  /** The run history and sweeps: src/contract/run-history.ts. */
  ...runHistoryChannels,
  /** Sweeps sent to a Redis queue: src/contract/queue-sweeps.ts. */
  ...queueSweepChannels,
} as const;

export type Channel = keyof typeof channels;
/** The channels answered by the run history service (services/run-history-service.ts). */
export type RunHistoryChannel = keyof typeof runHistoryChannels;
/** The channels answered by the queued-sweep service (services/queue/queue-sweep-service.ts). */
export type QueueSweepChannel = keyof typeof queueSweepChannels;
export type ChannelRequest<C extends Channel> = z.input<(typeof channels)[C]['request']>;
export type ChannelResponse<C extends Channel> = z.infer<(typeof channels)[C]['response']>;

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

export function parseRequest<C extends Channel>(channel: C, input: unknown): z.infer<(typeof channels)[C]['request']> {
  return parseWith(channels[channel].request, input ?? {}, `${channel} request`) as z.infer<(typeof channels)[C]['request']>;
}

export function parseResponse<C extends Channel>(channel: C, input: unknown): ChannelResponse<C> {
  return parseWith(channels[channel].response, input, `${channel} response`) as ChannelResponse<C>;
}

/** Name of the push stream that carries RunEvents from host to renderer. */
export const RUN_EVENT_STREAM = 'run-event';

/** Name of the push stream that carries DatasetProgress from host to renderer. */
export const DATASET_PROGRESS_STREAM = 'dataset-progress';

/**
 * How far the host has read a dataset it was asked for: 'inspect' for 'datasets:inspect', 'series' for
 * 'datasets:series'. At most about ten a second per read, and always the final fraction 1.
 */
export const DatasetProgressSchema = z.object({
  path: z.string(),
  phase: z.enum(['inspect', 'series']),
  fraction: z.number().min(0).max(1),
});
export type DatasetProgress = z.infer<typeof DatasetProgressSchema>;

/** What a failed call returns across a boundary: a sentence for people, and whether the input was at fault. */
export const CallErrorSchema = z.object({ message: z.string(), kind: z.enum(['invalid-input', 'internal']) });
export type CallError = z.infer<typeof CallErrorSchema>;
