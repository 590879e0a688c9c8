/**
 * ONNX export of a trained model: the recurrent layers as ONNX's own RNN, LSTM and GRU operators (one
 * direction, batch of windows), then the Dense head, serialized as an onnx.ModelProto with protobufjs.
 *
 * Graph: input [batch, T, F] → Transpose to [T, batch, F] (ONNX's default RNN layout) → per recurrent
 * layer: RNN|LSTM|GRU → (not last) Squeeze the direction axis of Y to feed the next layer / (last)
 * Squeeze Y_h to [batch, units] → Gemm with the Dense kernel and bias → the Dense activation → output
 * [batch, H]. Dropout layers are the identity at prediction time and are left out.
 *
 * Gate layouts (tfjs-layers' recurrent.js: its cells slice kernel columns in this order):
 * - LSTM: tfjs i, f, c, o → ONNX i, o, f, c; no peepholes; tfjs adds one bias, so ONNX's Rb is zero.
 * - GRU: tfjs z, r, h = ONNX z, r, h. tfjs's GRUCell (reset_after is refused by tfjs) computes
 *   hh = act(x·Wh + bh + (r ⊙ h_prev)·Rh): the reset gate applied before the recurrent product, which is
 *   ONNX's linear_before_reset = 0 with Rb = 0.
 * - SimpleRNN: h = act(x·W + h_prev·R + b).
 * tfjs kernels are [in, gates·units] (x·K); ONNX wants W [1, gates·units, in] (X·Wᵀ), so each gate
 * block is transposed. Activations map one to one onto ONNX's activation attributes; tfjs's hardSigmoid
 * is clip(0.2x + 0.5, 0, 1) = ONNX HardSigmoid(alpha 0.2, beta 0.5) and 'linear' is Affine(1, 0).
 * A layer or setting ONNX's operators cannot express exactly is refused with OnnxExportUnsupported
 * (the bundle is then written without model.onnx and says why), never exported approximately.
 */
import type * as tf from '@tensorflow/tfjs';
import { ATTRIBUTE_TYPE, TENSOR_TYPE, onnxModelProto } from './onnx-schema.js';

/** ONNX opset and IR version written (opset 17 ↔ IR 8; onnxruntime ≥ 1.13 and onnxruntime-web read it). */
export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
export const ONNX_INPUT_NAME = 'input';
export const ONNX_OUTPUT_NAME = 'output';

/** The model cannot be written as ONNX without predicting differently; the message says why. */
export class OnnxExportUnsupported extends Error {}

interface OnnxActivation {
  name: string;
  alpha?: number;
  beta?: number;
}

/** tfjs activation name → ONNX RNN activation attribute (exact equivalents only). */
const RECURRENT_ACTIVATIONS: Record<string, OnnxActivation> = {
  tanh: { name: 'Tanh' },
  sigmoid: { name: 'Sigmoid' },
  relu: { name: 'Relu' },
  hardSigmoid: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  linear: { name: 'Affine', alpha: 1, beta: 0 },
  softsign: { name: 'Softsign' },
  softplus: { name: 'Softplus' },
};

/** tfjs activation name → the ONNX operator after the Dense head (null = none). */
const DENSE_ACTIVATIONS: Record<string, string | null> = {
  linear: null,
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  relu: 'Relu',
  softsign: 'Softsign',
  softplus: 'Softplus',
};

const GATES = { SimpleRNN: 1, GRU: 3, LSTM: 4 } as const;
type RecurrentClass = keyof typeof GATES;
/** For each ONNX gate block (in ONNX's order), the tfjs block it comes from. */
const ONNX_GATE_SOURCE: Record<RecurrentClass, number[]> = {
  SimpleRNN: [0],
  GRU: [0, 1, 2], // z, r, h in both
  LSTM: [0, 3, 1, 2], // ONNX i, o, f, c ← tfjs i(0), o(3), f(1), c(2)
};

interface Tensor {
  name: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  int64_data?: number[];
}
interface Attribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}
interface Node {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute?: Attribute[];
}

const text = (s: string) => new TextEncoder().encode(s);
const intAttr = (name: string, i: number): Attribute => ({ name, type: ATTRIBUTE_TYPE.INT, i });
const intsAttr = (name: string, ints: number[]): Attribute => ({ name, type: ATTRIBUTE_TYPE.INTS, ints });
const stringAttr = (name: string, s: string): Attribute => ({ name, type: ATTRIBUTE_TYPE.STRING, s: text(s) });

function floatTensor(name: string, dims: number[], values: Float32Array): Tensor {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return { name, dims, data_type: TENSOR_TYPE.FLOAT, raw_data: bytes };
}

function int64Tensor(name: string, values: number[]): Tensor {
  return { name, dims: [values.length], data_type: TENSOR_TYPE.INT64, int64_data: values };
}

function recurrentActivation(layer: string, role: string, tfjsName: unknown): OnnxActivation {
  const found = typeof tfjsName === 'string' ? RECURRENT_ACTIVATIONS[tfjsName] : undefined;
  if (!found) throw new OnnxExportUnsupported(`layer ${layer} uses the ${role} activation "${String(tfjsName)}", which ONNX's recurrent operators cannot express exactly`);
  return found;
}

/** ONNX W or R: [1, gates·units, in] from a tfjs kernel [in, gates·units] in tfjs gate order. */
function onnxGateMatrix(kernel: Float32Array, inDim: number, units: number, cls: RecurrentClass): Float32Array {
  const gates = GATES[cls];
  const out = new Float32Array(gates * units * inDim);
  ONNX_GATE_SOURCE[cls].forEach((source, gate) => {
    for (let u = 0; u < units; u++) {
      for (let k = 0; k < inDim; k++) {
        out[(gate * units + u) * inDim + k] = kernel[k * gates * units + source * units + u]!;
      }
    }
  });
  return out;
}

/** ONNX B: [1, 2·gates·units] = [Wb in ONNX gate order, Rb = 0] from tfjs's single bias. */
function onnxBias(bias: Float32Array | null, units: number, cls: RecurrentClass): Float32Array {
  const gates = GATES[cls];
  const out = new Float32Array(2 * gates * units);
  if (bias) ONNX_GATE_SOURCE[cls].forEach((source, gate) => out.set(bias.subarray(source * units, (source + 1) * units), gate * units));
  return out;
}

function weightsOf(layer: tf.layers.Layer): Float32Array[] {
  return layer.getWeights().map((w) => w.dataSync() as Float32Array);
}

function config(layer: tf.layers.Layer): Record<string, unknown> {
  return layer.getConfig() as Record<string, unknown>;
}

/**
 * The ONNX graph for a trained model (sequential: recurrent layers, optional Dropout, one Dense head).
 * Throws OnnxExportUnsupported, with the reason, for anything it cannot express exactly.
 */
export function modelToOnnx(model: tf.LayersModel, producerVersion = 'unknown'): Uint8Array {
  const inputShape = model.inputs[0]?.shape ?? [];
  const [, timeSteps, features] = inputShape;
  if (inputShape.length !== 3 || typeof timeSteps !== 'number' || typeof features !== 'number') {
    throw new OnnxExportUnsupported(`the model's input ${JSON.stringify(inputShape)} is not [batch, timeSteps, features]`);
  }
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const nodes: Node[] = [];
  const initializers: Tensor[] = [];
  let current = 'input_time_major';
  let currentDim = features;
  nodes.push({ name: 'to_time_major', op_type: 'Transpose', input: [ONNX_INPUT_NAME], output: [current], attribute: [intsAttr('perm', [1, 0, 2])] });
  const axis = (n: 0 | 1): string => {
    const name = `axis_${n}`;
    if (!initializers.some((t) => t.name === name)) initializers.push(int64Tensor(name, [n]));
    return name;
  };

  let sawDense = false;
  let sequence = true; // is `current` a [T, batch, units] sequence (vs [batch, units])
  let outputUnits = 0;
  layers.forEach((layer, index) => {
    const cls = layer.getClassName();
    const cfg = config(layer);
    const name = layer.name;
    if (sawDense) throw new OnnxExportUnsupported(`layer ${name} (${cls}) follows the Dense head`);
    if (cls === 'Dropout') return; // the identity at prediction time
    if (cls === 'SimpleRNN' || cls === 'LSTM' || cls === 'GRU') {
      if (!sequence) throw new OnnxExportUnsupported(`recurrent layer ${name} follows a layer that returned only its last state`);
      if (cfg.goBackwards || cfg.stateful) throw new OnnxExportUnsupported(`layer ${name} is ${cfg.goBackwards ? 'reversed (goBackwards)' : 'stateful'}`);
      if (cfg.resetAfter) throw new OnnxExportUnsupported(`layer ${name} uses reset_after`);
      if (cfg.returnState) throw new OnnxExportUnsupported(`layer ${name} returns its states as extra outputs`);
      const units = cfg.units as number;
      const [kernel, recurrentKernel, bias] = weightsOf(layer);
      if (!kernel || !recurrentKernel || kernel.length !== currentDim * GATES[cls] * units) {
        throw new OnnxExportUnsupported(`layer ${name}'s weights do not have the expected shapes`);
      }
      const activations =
        cls === 'SimpleRNN'
          ? [recurrentActivation(name, 'output', cfg.activation)]
          : cls === 'GRU'
            ? [recurrentActivation(name, 'recurrent', cfg.recurrentActivation), recurrentActivation(name, 'output', cfg.activation)]
            : [
                recurrentActivation(name, 'recurrent', cfg.recurrentActivation),
                recurrentActivation(name, 'output', cfg.activation),
                recurrentActivation(name, 'output', cfg.activation),
              ];
      initializers.push(
        floatTensor(`${name}_W`, [1, GATES[cls] * units, currentDim], onnxGateMatrix(kernel, currentDim, units, cls)),
        floatTensor(`${name}_R`, [1, GATES[cls] * units, units], onnxGateMatrix(recurrentKernel, units, units, cls)),
        floatTensor(`${name}_B`, [1, 2 * GATES[cls] * units], onnxBias(cfg.useBias === false ? null : (bias ?? null), units, cls)),
      );
      const attribute: Attribute[] = [
        intAttr('hidden_size', units),
        stringAttr('direction', 'forward'),
        { name: 'activations', type: ATTRIBUTE_TYPE.STRINGS, strings: activations.map((a) => text(a.name)) },
      ];
      // ONNX consumes alpha/beta values in activation order, only for the activations that take them.
      const withParams = activations.filter((a) => a.alpha !== undefined);
      if (withParams.length) {
        attribute.push(
          { name: 'activation_alpha', type: ATTRIBUTE_TYPE.FLOATS, floats: withParams.map((a) => a.alpha!) },
          { name: 'activation_beta', type: ATTRIBUTE_TYPE.FLOATS, floats: withParams.map((a) => a.beta!) },
        );
      }
      if (cls === 'GRU') attribute.push(intAttr('linear_before_reset', 0));
      const y = `${name}_Y`;
      const yh = `${name}_Y_h`;
      const outputs = cls === 'LSTM' ? [y, yh, `${name}_Y_c`] : [y, yh];
      nodes.push({ name, op_type: GATES[cls] === 1 ? 'RNN' : cls, input: [current, `${name}_W`, `${name}_R`, `${name}_B`], output: outputs, attribute });
      if (cfg.returnSequences) {
        current = `${name}_sequence`; // Y [T, 1, batch, units] → [T, batch, units]
        nodes.push({ name: `${name}_squeeze`, op_type: 'Squeeze', input: [y, axis(1)], output: [current] });
      } else {
        current = `${name}_last`; // Y_h [1, batch, units] → [batch, units]
        nodes.push({ name: `${name}_squeeze`, op_type: 'Squeeze', input: [yh, axis(0)], output: [current] });
        sequence = false;
      }
      currentDim = units;
      return;
    }
    if (cls === 'Dense') {
      if (sequence) throw new OnnxExportUnsupported(`the Dense head ${name} is applied to a whole sequence`);
      const units = cfg.units as number;
      const [kernel, bias] = weightsOf(layer);
      if (!kernel || kernel.length !== currentDim * units) throw new OnnxExportUnsupported(`layer ${name}'s weights do not have the expected shapes`);
      const activation = typeof cfg.activation === 'string' ? DENSE_ACTIVATIONS[cfg.activation] : undefined;
      if (activation === undefined) throw new OnnxExportUnsupported(`the Dense head ${name} uses the activation "${String(cfg.activation)}", which has no exact ONNX operator here`);
      initializers.push(floatTensor(`${name}_kernel`, [currentDim, units], kernel));
      const inputs = [current, `${name}_kernel`];
      if (cfg.useBias !== false && bias) {
        initializers.push(floatTensor(`${name}_bias`, [units], bias));
        inputs.push(`${name}_bias`);
      }
      const affine = activation ? `${name}_affine` : ONNX_OUTPUT_NAME;
      nodes.push({ name, op_type: 'Gemm', input: inputs, output: [affine] });
      if (activation) nodes.push({ name: `${name}_activation`, op_type: activation, input: [affine], output: [ONNX_OUTPUT_NAME] });
      sawDense = true;
      outputUnits = units;
      return;
    }
    throw new OnnxExportUnsupported(`layer ${index + 1} (${name}) is a ${cls}, which the ONNX export does not handle`);
  });
  if (!sawDense) throw new OnnxExportUnsupported('the model has no Dense head');

  const tensorType = (dims: (number | string)[]) => ({
    tensor_type: {
      elem_type: TENSOR_TYPE.FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
    },
  });
  const ModelProto = onnxModelProto();
  const message = ModelProto.fromObject({
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'forecast-workbench',
    producer_version: producerVersion,
    doc_string: 'Recurrent forecasting model exported from a Forecast Workbench bundle. Input: MinMax-scaled windows [batch, time steps, features]; output: scaled predictions [batch, horizon]. See preprocessing.json.',
    graph: {
      name: model.name || 'forecast_workbench',
      node: nodes,
      initializer: initializers,
      input: [{ name: ONNX_INPUT_NAME, type: tensorType(['batch', timeSteps, features]) }],
      output: [{ name: ONNX_OUTPUT_NAME, type: tensorType(['batch', outputUnits]) }],
    },
  });
  return ModelProto.encode(message).finish();
}
