/**
 * Run events: what a training run reports while it runs. The engine emits them through a callback, the
 * training process posts them to its host, the host relays them to the renderer (IPC or WebSocket),
 * and the CLI prints them. Every receiver validates with `parseRunEvent`.
 */
import { z } from 'zod';
import { parseWith, TRAINER_NAMES } from './run-config.js';
import { RunResultSchema } from './run-result.js';

export const RunStartedEventSchema = z.object({
  type: z.literal('started'),
  runId: z.string(),
  backend: z.string(),
  /** The trainer used (see RunConfig.trainer); absent from hosts older than trainers. */
  trainer: z.enum(TRAINER_NAMES).optional(),
  seed: z.number().int(),
  epochs: z.number().int(),
  batchesPerEpoch: z.number().int(),
  samples: z.object({ train: z.number().int(), validation: z.number().int(), test: z.number().int() }),
  parameterCount: z.number().int(),
});

export const EpochEventSchema = z.object({
  type: z.literal('epoch'),
  runId: z.string(),
  /** 1-based epoch that just finished. */
  epoch: z.number().int(),
  epochs: z.number().int(),
  loss: z.number(),
  valLoss: z.number().nullable(),
  /** Seconds this epoch took (EpochRecord.seconds); absent from hosts older than this field. */
  seconds: z.number().optional(),
  /** Seconds since training began. */
  elapsedSeconds: z.number(),
  /** Estimated seconds until the last epoch ends. */
  etaSeconds: z.number(),
});

/** Progress inside an epoch, sent at most a few times a second for long epochs. */
export const BatchEventSchema = z.object({
  type: z.literal('batch'),
  runId: z.string(),
  epoch: z.number().int(),
  batch: z.number().int(),
  batches: z.number().int(),
  /** Mean loss over the batches of this epoch so far. */
  loss: z.number(),
  elapsedSeconds: z.number(),
});

/**
 * Finished epochs that were not sent one by one: when epochs take milliseconds, the engine holds them back
 * (a host asks for at most one send every ~50 ms) and sends them in one 'epochs' event, followed by the
 * latest epoch's own 'epoch' event, so hosts and pages are not flooded and the loss curve gets every epoch.
 */
export const EpochsEventSchema = z.object({
  type: z.literal('epochs'),
  runId: z.string(),
  epochs: z.number().int(),
  records: z
    .array(
      z.object({
        epoch: z.number().int(),
        loss: z.number(),
        valLoss: z.number().nullable(),
        /** Seconds this epoch took. */
        seconds: z.number(),
        /** Seconds since training began, at the end of this epoch. */
        elapsedSeconds: z.number(),
      }),
    )
    .min(1),
  /** Estimated seconds until the last epoch ends. */
  etaSeconds: z.number(),
});

/**
 * RUN_PHASES: what a run is doing; 'starting' is the host's (process and data loading, before 'started');
 * 'refitting' is the refit backtest's extra trainings after the evaluation (fraction = origins done), which
 * Stop ends as it ends training.
 */
export const RUN_PHASES = ['starting', 'training', 'evaluating', 'refitting', 'writing-bundle'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/**
 * What the run is doing now, so a host can tell it is alive after Stop and the page can say so. Sent when a
 * phase begins and, with the fraction done where known, a few times a second during it.
 */
export const RunPhaseEventSchema = z.object({
  type: z.literal('phase'),
  runId: z.string(),
  phase: z.enum(RUN_PHASES),
  /** 0..1 where known. */
  fraction: z.number().min(0).max(1).nullable(),
});

export const RunMessageEventSchema = z.object({
  type: z.literal('message'),
  runId: z.string(),
  level: z.enum(['info', 'warning']),
  text: z.string(),
});

export const RunFinishedEventSchema = z.object({
  type: z.literal('finished'),
  runId: z.string(),
  result: RunResultSchema,
});

export const RunFailedEventSchema = z.object({
  type: z.literal('failed'),
  runId: z.string(),
  /** A sentence for people: what went wrong and, where known, what to change. */
  message: z.string(),
  /** 'invalid-input' for bad data or settings, 'crashed' when the training process died, 'internal' otherwise. */
  kind: z.enum(['invalid-input', 'crashed', 'internal']),
});

export const RunEventSchema = z.discriminatedUnion('type', [
  RunStartedEventSchema,
  EpochEventSchema,
  BatchEventSchema,
  EpochsEventSchema,
  RunPhaseEventSchema,
  RunMessageEventSchema,
  RunFinishedEventSchema,
  RunFailedEventSchema,
]);
export type RunEvent = z.infer<typeof RunEventSchema>;
export type RunStartedEvent = z.infer<typeof RunStartedEventSchema>;
export type EpochEvent = z.infer<typeof EpochEventSchema>;
export type BatchEvent = z.infer<typeof BatchEventSchema>;
export type EpochsEvent = z.infer<typeof EpochsEventSchema>;
export type RunPhaseEvent = z.infer<typeof RunPhaseEventSchema>;
export type RunFinishedEvent = z.infer<typeof RunFinishedEventSchema>;
export type RunFailedEvent = z.infer<typeof RunFailedEventSchema>;

export function parseRunEvent(input: unknown): RunEvent {
  return parseWith(RunEventSchema, input, 'run event');
}

/** A callback that receives run events; hosts forward them, the CLI prints them. */
export type RunEventListener = (event: RunEvent) => void;
