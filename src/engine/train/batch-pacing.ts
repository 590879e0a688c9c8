/**
 * What every trainer's batch loop shares: batch events at most every 250 ms, a yield to the event loop about
 * every 30 ms (so a Stop message is seen within one batch), and the sentence that stops a diverged run.
 */
import { InvalidInputError } from '../../contract/run-config.js';
import type { TrainProgress } from './trainer.js';

const BATCH_EVENT_INTERVAL_MS = 250;
const YIELD_INTERVAL_MS = 30;

/** What to change when training diverges; the divergence warnings of evaluation say the same. */
export const DIVERGENCE_ADVICE = 'Lower the learning rate, or use a bounded activation (tanh) for the output.';

/** The error that stops a run whose loss became NaN or infinite. */
export function lossDivergedError(loss: number, epoch: number): InvalidInputError {
  return new InvalidInputError(`The loss became ${Number.isNaN(loss) ? 'NaN' : 'infinite'} in epoch ${epoch}: training diverged. ${DIVERGENCE_ADVICE}`);
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Paces one training loop: call `afterBatch` after every batch and `afterEpoch` after every epoch. */
export function batchPacer(progress: TrainProgress, elapsed: () => number) {
  let lastYield = performance.now();
  let lastBatchEvent = performance.now();
  return {
    async afterBatch(epoch: number, batch: number, batches: number, meanLoss: number): Promise<void> {
      const now = performance.now();
      if (progress.onBatch && now - lastBatchEvent > BATCH_EVENT_INTERVAL_MS) {
        lastBatchEvent = now;
        progress.onBatch(epoch, batch, batches, meanLoss, elapsed());
      }
      if (now - lastYield > YIELD_INTERVAL_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    },
    async afterEpoch(): Promise<void> {
      await yieldToEventLoop();
      lastYield = performance.now();
    },
  };
}
