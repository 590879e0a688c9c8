/**
 * The forecast-workbench command line: the same engine the desktop app runs.
 * Every command lives in ./commands and is loaded only when it runs (or its help is asked for): the
 * overview (`--help`) loads commander alone. Bad input ends with one sentence on stderr and exit code 1.
 */
import { Command, CommanderError } from 'commander';
import { InvalidInputError } from '../contract/invalid-input.js';

type Register = (program: Command) => unknown;

/** Every command: its name, the line the overview shows for it, and its module (which adds the command, its full description and options). */
const COMMANDS: ReadonlyArray<{ name: string; summary: string; load: () => Promise<Register> }> = [
  { name: 'train', summary: 'train a recurrent network on a CSV series (no options: the Keras SimpleRNN sunspots tutorial)', load: async () => (await import('./commands/train.js')).registerTrainCommand },
  { name: 'inspect', summary: 'show what opening a CSV file detects (delimiter, header, columns, missing values)', load: async () => (await import('./commands/inspect.js')).registerInspectCommand },
  { name: 'anatomy', summary: "compute a recurrent network's output by hand, step by step, beside model.predict", load: async () => (await import('./commands/anatomy.js')).registerAnatomyCommand },
  { name: 'predict', summary: 'apply a saved model bundle to a CSV: predictions, errors and a forecast', load: async () => (await import('./commands/predict.js')).registerPredictCommand },
  { name: 'runs', summary: 'list, show, compare, tag and delete the stored runs', load: async () => (await import('./commands/runs.js')).registerRunsCommand },
  { name: 'sweep', summary: 'train a grid (or random points of it) over seeds in parallel processes, or on a Redis queue (--queue); every run is stored', load: async () => (await import('./commands/sweep.js')).registerSweepCommand },
  { name: 'worker', summary: 'take training jobs from a Redis queue (BullMQ) and run them', load: async () => (await import('./commands/worker.js')).registerWorkerCommand },
];

/** The program for `argv`: the command it names (also as `help NAME`) fully loaded, the others as names in the overview. */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('forecast-workbench')
    .description('Recurrent-network forecasting of CSV time series (SimpleRNN, LSTM, GRU) with TensorFlow.js.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const named = argv[0] === 'help' ? argv[1] : argv[0];
  for (const { name, summary, load } of COMMANDS) {
    if (name === named) (await load())(program);
    else program.command(name).summary(summary);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof InvalidInputError) {
      process.stderr.write(`forecast-workbench: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`forecast-workbench: unexpected error: ${(error as Error).stack ?? error}\n`);
    return 2;
  }
}
