/**
 * The RNN anatomy view's request and report (computed by src/engine/anatomy).
 *
 * The report explains how a recurrent network turns one input sequence into its output: every weight
 * matrix, the parameter count and where it comes from, and for every time step the gates and hidden
 * states computed by hand in plain float64 arithmetic, ending with the output o_T side by side with the
 * model's own `model.predict` and the difference.
 *
 * Stacked models are explained layer by layer: layer k's input sequence is the hidden-state sequence of
 * layer k-1, so `layers` holds one entry per recurrent layer in the order the data flows.
 */
import { z } from 'zod';
import { ACTIVATIONS, RECURRENT_LAYER_TYPES } from './run-config.js';

/** The anatomy view explains the same cells and activations a run can use. */
export const ANATOMY_CELLS = RECURRENT_LAYER_TYPES;
export type AnatomyCell = (typeof ANATOMY_CELLS)[number];

export const ANATOMY_ACTIVATIONS = ACTIVATIONS;

/** Largest input sequence the view accepts (time steps × features). */
export const ANATOMY_MAX_INPUT_VALUES = 2000;

export const AnatomyRequestSchema = z.object({
  /** 'demo': a freshly built model (tutorial: 2 units, 3 time steps, linear); 'bundle': a trained model folder. */
  source: z.enum(['demo', 'bundle']).default('demo'),
  /** Folder of an exported bundle (model.json, weight files, metadata.json); required when source = 'bundle'. */
  bundleDir: z.string().min(1).nullable().default(null),
  /** Demo only: the recurrent cell. */
  cell: z.enum(ANATOMY_CELLS).default('simpleRNN'),
  /** Demo only: hidden units m. */
  units: z.number().int().min(1).max(64).default(2),
  /** Demo only: time steps T (a bundle uses the length it was trained with). */
  timeSteps: z.number().int().min(1).max(200).default(3),
  /** Demo only: activation f of the recurrent layer. */
  activation: z.enum(ANATOMY_ACTIVATIONS).default('linear'),
  /** Demo only: activation g of the Dense head; null = the same as `activation` (the tutorial's demo: linear, linear). */
  outputActivation: z.enum(ANATOMY_ACTIVATIONS).nullable().default(null),
  /** Demo only: input features per time step. */
  features: z.number().int().min(1).max(16).default(1),
  /**
   * The input sequence, row-major: time step 1's features, then time step 2's, ... (T × features values,
   * in the units the model reads: scaled values for a trained bundle). Null = 1, 2, 3, ... for the demo,
   * or a real window from the bundle's data.
   */
  input: z.array(z.number().finite()).min(1).max(ANATOMY_MAX_INPUT_VALUES).nullable().default(null),
  /**
   * The value(s) the window should predict, for the backprop-through-time view (scaled units for a bundle).
   * Null = the next value of the demo's counting input (T·F + 1), or the real next value of a bundle's window.
   */
  target: z.array(z.number().finite()).min(1).max(365).nullable().default(null),
  /** Learning rate of the one Adam step the backprop view shows (tfjs's default Adam otherwise). */
  learningRate: z.number().gt(0).max(10).default(0.001),
  /** Demo only: seed of the weight initialisers; null = pick one and report it. */
  seed: z.number().int().min(0).max(2_147_483_647).nullable().default(null),
});
export type AnatomyRequest = z.infer<typeof AnatomyRequestSchema>;
/** What a caller may pass: every field is optional. */
export type AnatomyRequestInput = z.input<typeof AnatomyRequestSchema>;

/** One weight tensor as plain numbers. */
export const AnatomyWeightSchema = z.object({
  /** The tutorial's symbol: w_x, w_h, b_h, w_y, b_y. */
  name: z.string(),
  /** The variable's name inside the model, e.g. "simple_rnn_SimpleRNN1/kernel". */
  modelName: z.string(),
  shape: z.array(z.number().int()),
  /** Rows of the matrix; a bias vector is one row. */
  rows: z.array(z.array(z.number())),
  /** What it does, in one sentence. */
  role: z.string(),
  /** For LSTM/GRU: which block of columns belongs to which gate. */
  columnGroups: z.array(z.object({ label: z.string(), from: z.number().int(), to: z.number().int() })),
});
export type AnatomyWeight = z.infer<typeof AnatomyWeightSchema>;

/** One named vector computed at a time step, e.g. the forget gate f_t. */
export const AnatomyQuantitySchema = z.object({
  symbol: z.string(),
  label: z.string(),
  values: z.array(z.number()),
});
export type AnatomyQuantity = z.infer<typeof AnatomyQuantitySchema>;

export const AnatomyStepSchema = z.object({
  /** 1-based time step. */
  t: z.number().int().min(1),
  /** The layer's input at this step (features for the first layer, the previous layer's h_t otherwise). */
  x: z.array(z.number()),
  /** Everything computed at this step, in the order it is computed; the last one is h_t. */
  quantities: z.array(AnatomyQuantitySchema),
  h: z.array(z.number()),
  /** LSTM only: the cell state c_t. */
  c: z.array(z.number()).nullable(),
});
export type AnatomyStep = z.infer<typeof AnatomyStepSchema>;

export const AnatomyParameterTermSchema = z.object({
  layer: z.string(),
  /** e.g. "m·F + m·m + m". */
  formula: z.string(),
  /** e.g. "2·1 + 2·2 + 2". */
  substituted: z.string(),
  count: z.number().int(),
});

export const AnatomyRecurrentLayerSchema = z.object({
  /** 1-based position among the recurrent layers. */
  index: z.number().int().min(1),
  name: z.string(),
  cell: z.enum(ANATOMY_CELLS),
  units: z.number().int(),
  inputSize: z.number().int(),
  activation: z.string(),
  /** LSTM/GRU gate activation (tfjs default hardSigmoid: clip(0.2·x + 0.5, 0, 1)); null for SimpleRNN. */
  recurrentActivation: z.string().nullable(),
  /** The update equations this layer applies at every step, in plain text. */
  equations: z.array(z.string()),
  weights: z.array(AnatomyWeightSchema),
  steps: z.array(AnatomyStepSchema),
});
export type AnatomyRecurrentLayer = z.infer<typeof AnatomyRecurrentLayerSchema>;

export const AnatomyDenseLayerSchema = z.object({
  name: z.string(),
  units: z.number().int(),
  activation: z.string(),
  weights: z.array(AnatomyWeightSchema),
  /** h·w_y + b_y before the activation. */
  preActivation: z.array(z.number()),
  output: z.array(z.number()),
});
export type AnatomyDenseLayer = z.infer<typeof AnatomyDenseLayerSchema>;

/** A weight's gradient ∂L/∂w; for the recurrent weights also the term each time step adds to it. */
export const AnatomyGradientSchema = z.object({
  name: z.string(),
  modelName: z.string(),
  rows: z.array(z.array(z.number())),
  /** From t = T down to 1: the step's term x_tᵀ·δ_t, h_{t-1}ᵀ·δ_t or δ_t; they add up to `rows`. Empty for the head. */
  perStep: z.array(z.object({ t: z.number().int().min(1), rows: z.array(z.array(z.number())) })),
});
export type AnatomyGradient = z.infer<typeof AnatomyGradientSchema>;

/** Backpropagation through time on one window, by hand, beside tfjs's gradients and one Adam step. */
export const AnatomyBackpropSchema = z.object({
  target: z.array(z.number()),
  lossFormula: z.string(),
  loss: z.number(),
  prediction: z.array(z.number()),
  /** z = h_T·w_y + b_y, ∂L/∂ŷ and ∂L/∂z. */
  output: z.object({ z: z.array(z.number()), dLdy: z.array(z.number()), dLdz: z.array(z.number()) }),
  /** From t = T down to 1: ∂L/∂h_t, δ_t = ∂L/∂a_t and what flows on to ∂L/∂h_{t-1}. */
  steps: z.array(z.object({ t: z.number().int().min(1), dLdh: z.array(z.number()), dLda: z.array(z.number()), dLdhPrevious: z.array(z.number()) })),
  gradients: z.array(AnatomyGradientSchema),
  tfjs: z.object({
    gradients: z.array(z.object({ name: z.string(), rows: z.array(z.array(z.number())) })),
    maxAbsoluteDifference: z.number(),
    tolerance: z.number(),
    matches: z.boolean(),
  }),
  adam: z.object({
    learningRate: z.number(),
    beta1: z.number(),
    beta2: z.number(),
    epsilon: z.number(),
    updates: z.array(z.object({ name: z.string(), before: z.array(z.array(z.number())), after: z.array(z.array(z.number())) })),
    /** Largest difference from the weights after tfjs's own tf.train.adam step. */
    tfjsMaxAbsoluteDifference: z.number(),
    matches: z.boolean(),
  }),
});
export type AnatomyBackprop = z.infer<typeof AnatomyBackpropSchema>;

export const AnatomyReportSchema = z.object({
  source: z.enum(['demo', 'bundle']),
  bundleDir: z.string().nullable(),
  /** Seed the demo's weights were drawn with (null for a bundle). */
  seed: z.number().int().nullable(),
  /** One-line description of the model, e.g. "SimpleRNN(2, linear) → Dense(1, linear)". */
  summary: z.string(),
  /** The first recurrent layer's cell, units and activation (the whole model for a single-layer network). */
  cell: z.enum(ANATOMY_CELLS),
  units: z.number().int(),
  activation: z.string(),
  timeSteps: z.number().int(),
  features: z.number().int(),
  /** The input sequence as rows [T][features]. */
  input: z.array(z.array(z.number())),
  /** Where the input came from, in one sentence. */
  inputSource: z.string(),
  parameters: z.object({
    total: z.number().int(),
    /** What tfjs itself counts (model.countParams()); equals `total`. */
    modelCount: z.number().int(),
    terms: z.array(AnatomyParameterTermSchema),
    /** e.g. "(m·F + m·m + m) + (m·H + H) = 8 + 3 = 11". */
    explanation: z.string(),
  }),
  layers: z.array(AnatomyRecurrentLayerSchema).min(1),
  head: z.array(AnatomyDenseLayerSchema).min(1),
  output: z.object({
    formula: z.string(),
    byHand: z.array(z.number()),
    predict: z.array(z.number()),
    absoluteDifference: z.array(z.number()),
    maxAbsoluteDifference: z.number(),
    /** Allowed difference: float32 (the model) against float64 (by hand). */
    tolerance: z.number(),
    matches: z.boolean(),
    /** A trained bundle's output by hand in the target's original units (its MinMax scaling undone); null for the demo. */
    original: z.object({ column: z.string(), values: z.array(z.number()) }).nullable(),
  }),
  /** Backpropagation through time on this window; null where it is not shown (the reason is in `notes`). */
  backprop: AnatomyBackpropSchema.nullable(),
  notes: z.array(z.string()),
});
export type AnatomyReport = z.infer<typeof AnatomyReportSchema>;
