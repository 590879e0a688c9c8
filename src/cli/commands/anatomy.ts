/**
 * `forecast-workbench anatomy`: how a recurrent network computes its output, by hand, step by step,
 * next to model.predict — for the tutorial's demo model or a trained bundle.
 */
import { Command, Option } from 'commander';
import { ANATOMY_ACTIVATIONS, ANATOMY_CELLS, AnatomyRequestSchema, type AnatomyReport, type AnatomyRequestInput, type AnatomyWeight } from '../../contract/anatomy.js';
import { integer, numbers } from '../parse-flags.js';

interface AnatomyOptions {
  cell?: AnatomyRequestInput['cell'];
  units?: number;
  timeSteps?: number;
  features?: number;
  activation?: AnatomyRequestInput['activation'];
  outputActivation?: AnatomyRequestInput['outputActivation'];
  input?: number[];
  seed?: number;
  bundle?: string;
  json?: boolean;
}

export function registerAnatomyCommand(program: Command, write: (text: string) => void = (text) => process.stdout.write(text)): Command {
  return program
    .command('anatomy')
    .description("Compute a recurrent network's output by hand, step by step, and compare it with model.predict")
    .addOption(new Option('--cell <type>', `recurrent cell of the demo model${shownDefault('cell')}`).choices([...ANATOMY_CELLS]))
    .option('--units <m>', `hidden units of the demo model${shownDefault('units')}`, integer)
    .option('--time-steps <T>', `time steps of the demo model${shownDefault('timeSteps')}`, integer)
    .option('--features <F>', `input features per time step of the demo model${shownDefault('features')}`, integer)
    .addOption(new Option('--activation <name>', `activation of the demo recurrent layer${shownDefault('activation')}`).choices([...ANATOMY_ACTIVATIONS]))
    .addOption(new Option('--output-activation <name>', 'activation of the demo Dense head (default: --activation)').choices([...ANATOMY_ACTIVATIONS]))
    .option('--input <values>', 'input sequence, comma-separated, T × F values row by row (default 1,2,3,… or a real window of a bundle)', numbers)
    .option('--seed <n>', 'seed of the demo weights (default: random, reported)', integer)
    .option('--bundle <dir>', 'explain the trained model in this bundle folder instead of the demo')
    .option('--json', 'print the whole report as one JSON object')
    .action(async (options: AnatomyOptions) => {
      // TensorFlow.js loads only for the commands that use it: --help stays fast.
      const { computeAnatomy } = await import('../../engine/anatomy/index.js');
      const report = await computeAnatomy(anatomyRequestFromOptions(options));
      write(options.json ? `${JSON.stringify(report)}\n` : formatAnatomyReport(report));
    });
}

/** " (default: …)" for a demo setting, read from the request schema (commander holds no default). */
function shownDefault(setting: 'cell' | 'units' | 'timeSteps' | 'features' | 'activation'): string {
  return ` (default: ${JSON.stringify(AnatomyRequestSchema.parse({})[setting])})`;
}

/** Turn the command-line options into an anatomy request; what is not given takes the schema's default. */
export function anatomyRequestFromOptions(options: AnatomyOptions): AnatomyRequestInput {
  return {
    source: options.bundle ? 'bundle' : 'demo',
    bundleDir: options.bundle ?? null,
    cell: options.cell,
    units: options.units,
    timeSteps: options.timeSteps,
    features: options.features,
    activation: options.activation,
    outputActivation: options.outputActivation,
    input: options.input,
    seed: options.seed,
  };
}

const number = (v: number): string => {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  return abs >= 1e5 || abs < 1e-4 ? v.toExponential(4) : String(Number(v.toFixed(6)));
};
const vector = (v: readonly number[]): string => `[${v.map(number).join(', ')}]`;

function formatWeight(w: AnatomyWeight): string[] {
  const groups = w.columnGroups.length ? `  columns: ${w.columnGroups.map((g) => `${g.label} ${g.from + 1}–${g.to}`).join(', ')}` : '';
  return [`  ${w.name} [${w.shape.join('×')}]  ${w.role}${groups}`, ...w.rows.map((row) => `      ${row.map((v) => number(v).padStart(12)).join(' ')}`)];
}

function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => `  ${cells.map((cell, c) => cell.padEnd(widths[c])).join(' │ ')}`;
  return [line(header), `  ${widths.map((w) => '─'.repeat(w)).join('─┼─')}`, ...rows.map(line)];
}

/** The report as readable text: model, weights, parameter count, step tables, by hand vs model.predict. */
export function formatAnatomyReport(report: AnatomyReport): string {
  const lines: string[] = [`Anatomy of ${report.summary}`];
  if (report.seed !== null) lines.push(`Seed ${report.seed}`);
  if (report.bundleDir) lines.push(`Bundle ${report.bundleDir}`);
  lines.push(`Input: ${report.inputSource}`, '');

  for (const layer of report.layers) {
    lines.push(`Layer ${layer.index}: ${layer.name} (${layer.cell}, ${layer.units} units, reads ${layer.inputSize} value${layer.inputSize === 1 ? '' : 's'} per step)`);
    lines.push(...layer.equations.map((e) => `  ${e}`), '', 'Weights', ...layer.weights.flatMap(formatWeight), '');
    const symbols = layer.steps[0].quantities.map((q) => q.symbol);
    lines.push(
      ...formatTable(
        ['t', 'x_t', ...symbols],
        layer.steps.map((step) => [String(step.t), vector(step.x), ...step.quantities.map((q) => vector(q.values))]),
      ),
      '',
    );
  }
  for (const dense of report.head) {
    lines.push(`Dense head ${dense.name} (${dense.units} output${dense.units === 1 ? '' : 's'}, activation ${dense.activation})`);
    lines.push(...dense.weights.flatMap(formatWeight), `  pre-activation ${vector(dense.preActivation)} → output ${vector(dense.output)}`, '');
  }
  const p = report.parameters;
  lines.push(`Parameters: ${p.explanation}; model.countParams() = ${p.modelCount}`, '');

  const o = report.output;
  lines.push(
    `Output ${o.formula}`,
    `  by hand        ${vector(o.byHand)}`,
    `  model.predict  ${vector(o.predict)}`,
    `  |difference|   ${o.absoluteDifference.map((d) => d.toExponential(2)).join(', ')}  ${o.matches ? `✓ within ${o.tolerance.toExponential(0)}` : `✗ more than ${o.tolerance.toExponential(0)}`}`,
  );
  if (report.notes.length) lines.push('', ...report.notes.map((n) => `Note: ${n}`));
  return `${lines.join('\n')}\n`;
}
