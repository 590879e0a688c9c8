/**
 * The fused kernel: forward pass and backpropagation through time for a stack of SimpleRNN, LSTM and GRU
 * layers with a Dense head, over float64 typed arrays, computing exactly what the tfjs layers compute
 * (node_modules/@tensorflow/tfjs-layers/dist/layers/recurrent.js; see anatomy/recurrent-cells.ts):
 *
 *   SimpleRNN  h = f(x·W + h₋·U + b)
 *   LSTM       z = x·W + h₋·U + b, columns i, f, c, o:  c = σ(z_f)⊙c₋ + σ(z_i)⊙f(z_c),  h = σ(z_o)⊙f(c)
 *   GRU        (reset_after = false)  z = σ(x·W_z + b_z + h₋·U_z),  r = σ(x·W_r + b_r + h₋·U_r),
 *              h̃ = f(x·W_h + b_h + (r⊙h₋)·U_h),  h = z⊙h₋ + (1 − z)⊙h̃
 *
 * with σ = hardSigmoid (tfjs's default gate activation), Dropout between layers (inverted dropout, a new
 * mask per batch) and loss = mean squared error over batch × outputs. Buffers are float32 and time-major
 * ([time, batch, units]) so that each step is one block of rows, and every product is `gemmABt` over the
 * whole batch; the weight gradients are one product over all time steps after the backward sweep.
 * Everything is allocated once per network for the largest batch.
 */
import { InvalidInputError } from '../../../contract/run-config.js';
import { countingArena, kernelArena, transpose, type Gemm, type KernelArena } from './gemm.js';
import type { ActivationCode, NetworkPlan } from './plan.js';


function activate(code: ActivationCode, x: number): number {
  switch (code) {
    case 0:
      return x;
    case 1:
      return tanh(x);
    case 2:
      return x > 0 ? x : 0;
    case 3:
      return 1 / (1 + Math.exp(-x));
    default: {
      const y = 0.2 * x + 0.5;
      return y < 0 ? 0 : y > 1 ? 1 : y;
    }
  }
}

/** The activation's derivative, written in terms of its output y = f(x) (all five allow it). */
function derivative(code: ActivationCode, y: number): number {
  switch (code) {
    case 0:
      return 1;
    case 1:
      return 1 - y * y;
    case 2:
      return y > 0 ? 1 : 0;
    case 3:
      return y * (1 - y);
    default:
      return y > 0 && y < 1 ? 0.2 : 0;
  }
}

/** hardSigmoid, tfjs's gate activation, written out so that the hot loops inline it. */
function hardSigmoid(x: number): number {
  const y = 0.2 * x + 0.5;
  return y < 0 ? 0 : y > 1 ? 1 : y;
}

function hardSigmoidDerivative(y: number): number {
  return y > 0 && y < 1 ? 0.2 : 0;
}

/** tanh as 1 − 2 / (e^{2x} + 1): one exp, faster than Math.tanh and as exact as float32 storage needs. */
function tanh(x: number): number {
  return 1 - 2 / (Math.exp(2 * x) + 1);
}

/** The layer activation, with tanh (the default) taken directly. */
function layerActivate(code: ActivationCode, x: number): number {
  return code === 1 ? tanh(x) : activate(code, x);
}

/** Largest buffer set of one network (WebAssembly memories stop at 4 GB; past this, say so instead). */
const MAX_BUFFER_BYTES = 2 ** 31;

interface LayerBuffers {
  /** Gate values after their activations, [T·B, gates·units] (for SimpleRNN this is h itself). */
  gates: Float32Array;
  /** Hidden states [T·B, units]. */
  h: Float32Array;
  /** LSTM: cell states and f(c); GRU: r⊙h₋. [T·B, units] each. */
  c: Float32Array | null;
  fc: Float32Array | null;
  rh: Float32Array | null;
  /** Dropout mask (0 or 1/(1−rate)) and the dropped output fed to the next layer or the head. */
  mask: Float32Array | null;
  dropped: Float32Array | null;
  /** Gradients of the pre-activations, [T·B, gates·units]. */
  dz: Float32Array;
  /** Gradient of the loss with respect to this layer's output, [T·B, units]. */
  dOut: Float32Array;
  /** Transposed recurrent kernel for the forward product: Uᵀ [gates·units, units]. */
  uT: Float32Array;
}

/**
 * One LSTM step after the products: bias and gate activations in place (i, f, c̃, o), c = f⊙c₋ + i⊙c̃, f(c) and
 * h = o⊙f(c) for B rows. A function of its own so that V8 inlines the activations into the loop.
 */
function lstmStepForward(
  g: Float32Array,
  c: Float32Array,
  fc: Float32Array,
  h: Float32Array,
  params: Float32Array,
  bias: number,
  gOff: number,
  hOff: number,
  B: number,
  U: number,
  act: ActivationCode,
  first: boolean,
): void {
  const W = 4 * U;
  const previous = hOff - B * U;
  for (let b = 0; b < B; b++) {
    const gi = gOff + b * W;
    const hi = hOff + b * U;
    const pi = previous + b * U;
    for (let u = 0; u < U; u++) {
      const i = hardSigmoid(g[gi + u] + params[bias + u]);
      const f = hardSigmoid(g[gi + U + u] + params[bias + U + u]);
      const zc = g[gi + 2 * U + u] + params[bias + 2 * U + u];
      const cc = act === 1 ? tanh(zc) : activate(act, zc);
      const o = hardSigmoid(g[gi + 3 * U + u] + params[bias + 3 * U + u]);
      g[gi + u] = i;
      g[gi + U + u] = f;
      g[gi + 2 * U + u] = cc;
      g[gi + 3 * U + u] = o;
      const cv = (first ? 0 : f * c[pi + u]) + i * cc;
      c[hi + u] = cv;
      const fcv = act === 1 ? tanh(cv) : activate(act, cv);
      fc[hi + u] = fcv;
      h[hi + u] = o * fcv;
    }
  }
}

/** One LSTM step of backpropagation: the pre-activation gradients dz for B rows and the carried dc. */
function lstmStepBackward(
  g: Float32Array,
  c: Float32Array,
  fc: Float32Array,
  dz: Float32Array,
  dh: Float32Array,
  dcRec: Float32Array,
  gOff: number,
  hOff: number,
  B: number,
  U: number,
  act: ActivationCode,
  first: boolean,
): void {
  const W = 4 * U;
  const previous = hOff - B * U;
  for (let b = 0; b < B; b++) {
    const gi = gOff + b * W;
    const hi = hOff + b * U;
    const pi = previous + b * U;
    const bi = b * U;
    for (let u = 0; u < U; u++) {
      const i = g[gi + u];
      const f = g[gi + U + u];
      const cc = g[gi + 2 * U + u];
      const o = g[gi + 3 * U + u];
      const fcv = fc[hi + u];
      const d = dh[bi + u];
      const dc = dcRec[bi + u] + d * o * (act === 1 ? 1 - fcv * fcv : derivative(act, fcv));
      const cPrev = first ? 0 : c[pi + u];
      dz[gi + u] = dc * cc * hardSigmoidDerivative(i);
      dz[gi + U + u] = dc * cPrev * hardSigmoidDerivative(f);
      dz[gi + 2 * U + u] = dc * i * (act === 1 ? 1 - cc * cc : derivative(act, cc));
      dz[gi + 3 * U + u] = d * fcv * hardSigmoidDerivative(o);
      dcRec[bi + u] = dc * f;
    }
  }
}

export class FusedNetwork {
  readonly params: Float32Array;
  readonly grads: Float32Array;
  /** The head's outputs of the last forward pass, [batch, outputUnits]. */
  readonly output: Float32Array;
  private readonly layers: LayerBuffers[];
  private readonly input: Float32Array;
  private readonly denseT: Float32Array;
  private readonly dOutput: Float32Array;
  private readonly dh: Float32Array;
  private readonly dhRec: Float32Array;
  private readonly dcRec: Float32Array;
  private readonly drh: Float32Array;
  private readonly transA: Float32Array;
  private readonly transB: Float32Array;
  private batch = 0;
  private training = false;

  /** Which matrix product runs: 'wasm-simd' or 'typescript'. */
  readonly kernel: KernelArena['kind'];
  private readonly gemm: Gemm;
  private readonly gemmAB: Gemm;

  constructor(
    readonly plan: NetworkPlan,
    readonly maxBatch: number,
    /** Keep what backpropagation needs (training); inference needs no gradients. */
    forTraining = true,
    /** Use the WebAssembly SIMD product where the runtime has it (false: plain TypeScript). */
    simd = true,
  ) {
    const sizing = countingArena();
    FusedNetwork.allocate(plan, maxBatch, forTraining, sizing);
    const bytes = sizing.total() * 4;
    if (bytes > MAX_BUFFER_BYTES) {
      throw new InvalidInputError(
        `The fused kernel would need ${(bytes / 2 ** 30).toFixed(1)} GB of buffers for batches of ${maxBatch} windows of ` +
          `${plan.timeSteps} time steps with these layers; lower the batch size or the time steps, or choose the tfjs trainer.`,
      );
    }
    const arena = kernelArena(sizing.total(), simd);
    const buffers = FusedNetwork.allocate(plan, maxBatch, forTraining, arena);
    this.gemm = arena.gemm;
    this.gemmAB = arena.gemmAB;
    this.kernel = arena.kind;
    this.params = buffers.params;
    this.grads = buffers.grads;
    this.input = buffers.input;
    this.layers = buffers.layers;
    this.output = buffers.output;
    this.denseT = buffers.denseT;
    this.dOutput = buffers.dOutput;
    this.dh = buffers.dh;
    this.dhRec = buffers.dhRec;
    this.dcRec = buffers.dcRec;
    this.drh = buffers.drh;
    this.transA = buffers.transA;
    this.transB = buffers.transB;
  }

  private static allocate(plan: NetworkPlan, maxBatch: number, forTraining: boolean, arena: KernelArena) {
    const f = (count: number) => arena.floats(count);
    const T = plan.timeSteps;
    const rows = T * maxBatch;
    let widest = plan.features;
    const layers = plan.layers.map((l): LayerBuffers => {
      const width = l.gates * l.units;
      widest = Math.max(widest, width, l.units);
      const gates = f(rows * width);
      return {
        gates,
        h: l.cell === 'simpleRNN' ? gates : f(rows * l.units),
        c: l.cell === 'lstm' ? f(rows * l.units) : null,
        fc: l.cell === 'lstm' ? f(rows * l.units) : null,
        rh: l.cell === 'gru' ? f(rows * l.units) : null,
        mask: l.dropout > 0 && forTraining ? f(rows * l.units) : null,
        dropped: l.dropout > 0 && forTraining ? f(rows * l.units) : null,
        dz: f(forTraining ? rows * width : 0),
        dOut: f(forTraining ? rows * l.units : 0),
        uT: f(width * l.units),
      };
    });
    const last = plan.layers[plan.layers.length - 1].units;
    const units = Math.max(...plan.layers.map((l) => l.units));
    return {
      params: f(plan.parameterCount),
      grads: f(forTraining ? plan.parameterCount : 0),
      input: f(rows * plan.features),
      layers,
      output: f(maxBatch * plan.outputUnits),
      denseT: f(plan.outputUnits * last),
      dOutput: f(maxBatch * plan.outputUnits),
      dh: f(maxBatch * units),
      dhRec: f(maxBatch * units),
      dcRec: f(maxBatch * units),
      drh: f(maxBatch * units),
      transA: f(forTraining ? rows * widest : 0),
      transB: f(forTraining ? rows * widest : 0),
    };
  }

  /**
   * Forward pass over `count` windows: samples order[start..start+count) of x ([samples, T, features]),
   * or samples start.. when order is null. With `random`, Dropout draws a new mask (training); without, it
   * is the identity (inference). Returns `output` ([count, outputUnits]).
   */
  forward(x: Float32Array, order: Int32Array | null, start: number, count: number, random: (() => number) | null): Float32Array {
    const { plan, params } = this;
    const T = plan.timeSteps;
    const F = plan.features;
    const B = count;
    this.batch = B;
    this.training = random !== null;
    for (let b = 0; b < B; b++) {
      const sample = order ? order[start + b] : start + b;
      for (let t = 0; t < T; t++) {
        const from = (sample * T + t) * F;
        const to = (t * B + b) * F;
        for (let f = 0; f < F; f++) this.input[to + f] = x[from + f];
      }
    }
    let input = this.input;
    for (let li = 0; li < plan.layers.length; li++) {
      const L = plan.layers[li];
      const buf = this.layers[li];
      const U = L.units;
      const W = L.gates * U;
      const I = L.inputSize;
      const isLast = li === plan.layers.length - 1;
      transpose(U, W, params, L.recurrentOffset, W, buf.uT, 0, U);
      const g = buf.gates;
      const h = buf.h;
      // Input projection of all steps at once; the bias is added where the activations are applied.
      this.gemmAB(T * B, W, I, input, 0, I, params, L.kernelOffset, W, g, 0, W, false);
      const bias = L.biasOffset;
      const act = L.activation;
      for (let t = 0; t < T; t++) {
        const row = t * B;
        const gOff = row * W;
        const hOff = row * U;
        const prev = hOff - B * U;
        if (L.cell === 'simpleRNN') {
          if (t > 0) this.gemm(B, U, U, h, prev, U, buf.uT, 0, U, g, gOff, W, true);
          for (let b = 0; b < B; b++) {
            const gi = gOff + b * U;
            for (let u = 0; u < U; u++) g[gi + u] = activate(act, g[gi + u] + params[bias + u]);
          }
        } else if (L.cell === 'lstm') {
          if (t > 0) this.gemm(B, W, U, h, prev, U, buf.uT, 0, U, g, gOff, W, true);
          lstmStepForward(g, buf.c!, buf.fc!, h, params, bias, gOff, hOff, B, U, act, t === 0);
        } else {
          const rh = buf.rh!;
          if (t > 0) this.gemm(B, 2 * U, U, h, prev, U, buf.uT, 0, U, g, gOff, W, true);
          for (let b = 0; b < B; b++) {
            const gi = gOff + b * W;
            const hi = hOff + b * U;
            for (let u = 0; u < 2 * U; u++) g[gi + u] = hardSigmoid(g[gi + u] + params[bias + u]);
            for (let u = 0; u < U; u++) rh[hi + u] = t > 0 ? g[gi + U + u] * h[prev + b * U + u] : 0;
          }
          if (t > 0) this.gemm(B, U, U, rh, hOff, U, buf.uT, 2 * U * U, U, g, gOff + 2 * U, W, true);
          for (let b = 0; b < B; b++) {
            const gi = gOff + b * W;
            const hi = hOff + b * U;
            for (let u = 0; u < U; u++) {
              const hh = layerActivate(act, g[gi + 2 * U + u] + params[bias + 2 * U + u]);
              g[gi + 2 * U + u] = hh;
              const z = g[gi + u];
              h[hi + u] = (t > 0 ? z * h[prev + b * U + u] : 0) + (1 - z) * hh;
            }
          }
        }
      }
      input = h;
      if (random && L.dropout > 0) {
        // The last layer hands only its final step on; earlier ones hand on every step.
        const from = isLast ? (T - 1) * B * U : 0;
        const to = T * B * U;
        const keep = 1 - L.dropout;
        const scale = 1 / keep;
        const mask = buf.mask!;
        const dropped = buf.dropped!;
        for (let k = from; k < to; k++) {
          const m = random() < keep ? scale : 0;
          mask[k] = m;
          dropped[k] = h[k] * m;
        }
        input = dropped;
      }
    }
    // Dense head on the last step of the last layer.
    const Lh = plan.layers[plan.layers.length - 1].units;
    const H = plan.outputUnits;
    transpose(Lh, H, params, plan.denseKernelOffset, H, this.denseT, 0, Lh);
    this.gemm(B, H, Lh, input, (T - 1) * B * Lh, Lh, this.denseT, 0, Lh, this.output, 0, H, false);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        this.output[k] = activate(plan.outputActivation, this.output[k] + params[plan.denseBiasOffset + j]);
      }
    }
    return this.output;
  }

  /** What layer `li` handed on in the last forward pass: its dropped output when training with dropout. */
  private outputOf(li: number): Float32Array {
    const buf = this.layers[li];
    return this.training && buf.dropped ? buf.dropped : buf.h;
  }

  /**
   * After a training forward pass: the mean squared error against targets y ([samples, outputUnits],
   * the same samples as the forward pass) and its gradient for every parameter in `grads`.
   */
  backward(y: Float32Array, order: Int32Array | null, start: number): number {
    const { plan, params, grads } = this;
    const T = plan.timeSteps;
    const B = this.batch;
    const H = plan.outputUnits;
    const n = B * H;
    const top = plan.layers.length - 1;
    const Lh = plan.layers[top].units;
    const headInput = this.outputOf(top);
    const lastRow = (T - 1) * B;
    let loss = 0;
    for (let b = 0; b < B; b++) {
      const sample = order ? order[start + b] : start + b;
      for (let j = 0; j < H; j++) {
        const out = this.output[b * H + j];
        const diff = out - y[sample * H + j];
        loss += diff * diff;
        this.dOutput[b * H + j] = ((2 * diff) / n) * derivative(plan.outputActivation, out);
      }
    }
    // Dense head gradients.
    for (let u = 0; u < Lh; u++) {
      for (let j = 0; j < H; j++) {
        let s = 0;
        for (let b = 0; b < B; b++) s += headInput[(lastRow + b) * Lh + u] * this.dOutput[b * H + j];
        grads[plan.denseKernelOffset + u * H + j] = s;
      }
    }
    for (let j = 0; j < H; j++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += this.dOutput[b * H + j];
      grads[plan.denseBiasOffset + j] = s;
    }
    const topBuf = this.layers[top];
    this.gemm(B, Lh, H, this.dOutput, 0, H, params, plan.denseKernelOffset, H, topBuf.dOut, lastRow * Lh, Lh, false);
    if (plan.layers[top].dropout > 0 && this.training) {
      const mask = topBuf.mask!;
      for (let k = lastRow * Lh; k < T * B * Lh; k++) topBuf.dOut[k] *= mask[k];
    }

    for (let li = top; li >= 0; li--) {
      const L = plan.layers[li];
      const buf = this.layers[li];
      const U = L.units;
      const W = L.gates * U;
      const I = L.inputSize;
      const act = L.activation;
      const { gates: g, h, dz, dOut } = buf;
      const { dh, dhRec, dcRec, drh } = this;
      const onlyLastStep = li === top;
      dhRec.fill(0, 0, B * U);
      dcRec.fill(0, 0, B * U);
      for (let t = T - 1; t >= 0; t--) {
        const row = t * B;
        const gOff = row * W;
        const hOff = row * U;
        const prev = hOff - B * U;
        const external = !onlyLastStep || t === T - 1;
        for (let k = 0; k < B * U; k++) dh[k] = (external ? dOut[hOff + k] : 0) + dhRec[k];
        if (L.cell === 'simpleRNN') {
          for (let k = 0; k < B * U; k++) dz[gOff + k] = dh[k] * derivative(act, g[gOff + k]);
          if (t > 0) this.gemm(B, U, U, dz, gOff, U, params, L.recurrentOffset, U, dhRec, 0, U, false);
        } else if (L.cell === 'lstm') {
          lstmStepBackward(g, buf.c!, buf.fc!, dz, dh, dcRec, gOff, hOff, B, U, act, t === 0);
          if (t > 0) this.gemm(B, U, W, dz, gOff, W, params, L.recurrentOffset, W, dhRec, 0, U, false);
        } else {
          for (let b = 0; b < B; b++) {
            const gi = gOff + b * W;
            for (let u = 0; u < U; u++) {
              const k = b * U + u;
              const z = g[gi + u];
              const hh = g[gi + 2 * U + u];
              const hPrev = t > 0 ? h[prev + k] : 0;
              dz[gi + u] = dh[k] * (hPrev - hh) * hardSigmoidDerivative(z);
              dz[gi + 2 * U + u] = dh[k] * (1 - z) * derivative(act, hh);
              dhRec[k] = dh[k] * z;
            }
          }
          if (t > 0) {
            // d(r⊙h₋) = dz_h · U_hᵀ, then into r and h₋.
            this.gemm(B, U, U, dz, gOff + 2 * U, W, params, L.recurrentOffset + 2 * U, W, drh, 0, U, false);
            for (let b = 0; b < B; b++) {
              const gi = gOff + b * W;
              for (let u = 0; u < U; u++) {
                const k = b * U + u;
                const r = g[gi + U + u];
                dz[gi + U + u] = drh[k] * h[prev + k] * hardSigmoidDerivative(r);
                dhRec[k] += drh[k] * r;
              }
            }
            this.gemm(B, U, 2 * U, dz, gOff, W, params, L.recurrentOffset, W, dhRec, 0, U, true);
          } else {
            // At t = 0, h₋ = 0: the reset gate has no effect and gets no gradient.
            for (let b = 0; b < B; b++) dz.fill(0, gOff + b * W + U, gOff + b * W + 2 * U);
          }
        }
      }
      // Weight gradients over all steps at once: dW = Xᵀ·dz, dU = H₋ᵀ·dz (GRU: (r⊙h₋)ᵀ·dz_h), db = Σ dz.
      const rows = T * B;
      const layerInput = li === 0 ? this.input : this.outputOf(li - 1);
      const dzT = this.transB;
      transpose(rows, W, dz, 0, W, dzT, 0, rows);
      const xT = this.transA;
      transpose(rows, I, layerInput, 0, I, xT, 0, rows);
      this.gemm(I, W, rows, xT, 0, rows, dzT, 0, rows, grads, L.kernelOffset, W, false);
      for (let j = 0; j < W; j++) {
        let s = 0;
        const o = j * rows;
        for (let r = 0; r < rows; r++) s += dzT[o + r];
        grads[L.biasOffset + j] = s;
      }
      const hT = this.transA;
      transpose(rows, U, h, 0, U, hT, 0, rows);
      const steps = (T - 1) * B;
      const recurrentColumns = L.cell === 'gru' ? 2 * U : W;
      this.gemm(U, recurrentColumns, steps, hT, 0, rows, dzT, B, rows, grads, L.recurrentOffset, W, false);
      if (L.cell === 'gru') {
        const rhT = this.transA;
        transpose(rows, U, buf.rh!, 0, U, rhT, 0, rows);
        this.gemm(U, U, rows, rhT, 0, rows, dzT, 2 * U * rows, rows, grads, L.recurrentOffset + 2 * U, W, false);
      }
      if (li > 0) {
        const below = this.layers[li - 1];
        this.gemm(rows, I, W, dz, 0, W, params, L.kernelOffset, W, below.dOut, 0, I, false);
        if (plan.layers[li - 1].dropout > 0 && this.training) {
          const mask = below.mask!;
          for (let k = 0; k < rows * I; k++) below.dOut[k] *= mask[k];
        }
      }
    }
    return loss / n;
  }
}
