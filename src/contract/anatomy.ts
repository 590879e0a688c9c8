/**
 * The RNN anatomy view's request and report (see src/engine/anatomy). Placeholder shapes: the anatomy
 * feature owns and refines them.
 */
import { z } from 'zod';

export const AnatomyRequestSchema = z.object({
  /** 'demo': a freshly built model (tutorial: 2 units, 3 time steps, linear); 'bundle': a trained model folder. */
  source: z.enum(['demo', 'bundle']).default('demo'),
  bundleDir: z.string().min(1).nullable().default(null),
  cell: z.enum(['simpleRNN', 'lstm', 'gru']).default('simpleRNN'),
  units: z.number().int().min(1).max(64).default(2),
  timeSteps: z.number().int().min(1).max(200).default(3),
  activation: z.enum(['tanh', 'linear', 'relu', 'sigmoid']).default('linear'),
  input: z.array(z.number()).nullable().default(null),
  seed: z.number().int().min(0).nullable().default(null),
});
export type AnatomyRequest = z.infer<typeof AnatomyRequestSchema>;

export const AnatomyReportSchema = z.object({}).passthrough();
export type AnatomyReport = z.infer<typeof AnatomyReportSchema>;
