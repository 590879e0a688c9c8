/**
 * The recurrent cell types, once: their ids (as run configs, bundles and the anatomy request name them), the
 * names people read, the tfjs-layers class that implements each, and the gate blocks of its kernel columns in
 * tfjs order. The run-config and anatomy enums, the form, the run summaries, the model builder's switch and
 * the anatomy view all read this table.
 */
export const CELL_TYPES = {
  simpleRNN: {
    displayName: 'SimpleRNN',
    layerClass: 'SimpleRNN',
    gates: [{ symbol: 'h', label: 'hidden units' }],
  },
  lstm: {
    displayName: 'LSTM',
    layerClass: 'LSTM',
    gates: [
      { symbol: 'i', label: 'input gate' },
      { symbol: 'f', label: 'forget gate' },
      { symbol: 'c̃', label: 'candidate cell' },
      { symbol: 'o', label: 'output gate' },
    ],
  },
  gru: {
    displayName: 'GRU',
    layerClass: 'GRU',
    gates: [
      { symbol: 'z', label: 'update gate' },
      { symbol: 'r', label: 'reset gate' },
      { symbol: 'h̃', label: 'candidate state' },
    ],
  },
} as const satisfies Record<string, { displayName: string; layerClass: string; gates: readonly { symbol: string; label: string }[] }>;

export type CellType = keyof typeof CELL_TYPES;
export const CELL_TYPE_IDS = Object.keys(CELL_TYPES) as [CellType, ...CellType[]];

/** The display name of a cell type: 'SimpleRNN', 'LSTM', 'GRU'. */
export const cellName = (type: CellType): string => CELL_TYPES[type].displayName;

/** Number of gate blocks in a cell's kernel (1 for SimpleRNN, 4 for LSTM, 3 for GRU). */
export const gateCount = (type: CellType): number => CELL_TYPES[type].gates.length;

/** The cell type a tfjs-layers class name stands for, or null for a layer that is not recurrent. */
export function cellTypeOfClass(className: string): CellType | null {
  return CELL_TYPE_IDS.find((id) => CELL_TYPES[id].layerClass === className) ?? null;
}

/** One recurrent layer as people read it: `LSTM(32)`, or with details `LSTM(32, tanh, dropout 0.2)`. */
export function layerLabel(layer: { type: CellType; units: number; activation?: string; dropout?: number }, details = false): string {
  if (!details) return `${cellName(layer.type)}(${layer.units})`;
  return `${cellName(layer.type)}(${layer.units}, ${layer.activation}${layer.dropout ? `, dropout ${layer.dropout}` : ''})`;
}
