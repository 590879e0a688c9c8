/**
 * Exported model bundles as the UI sees them (see src/engine/bundle). Placeholder shapes: the bundle
 * feature owns and refines them.
 */
import { z } from 'zod';

export const BundleSummarySchema = z.object({
  dir: z.string(),
  createdAt: z.string(),
}).passthrough();
export type BundleSummary = z.infer<typeof BundleSummarySchema>;

export const BundlePredictionSchema = z.object({}).passthrough();
export type BundlePrediction = z.infer<typeof BundlePredictionSchema>;
