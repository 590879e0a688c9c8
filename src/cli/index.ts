/**
 * The forecast-workbench command line: the same engine the desktop app runs.
 * Every command lives in ./commands; bad input ends with one sentence on stderr and exit code 1.
 */
import { Command, CommanderError } from 'commander';
import { InvalidInputError } from '../contract/run-config.js';
import { registerTrainCommand } from './commands/train.js';
import { registerInspectCommand } from './commands/inspect.js';
import { registerAnatomyCommand } from './commands/anatomy.js';
import { registerPredictCommand } from './commands/predict.js';
import { registerRunsCommand } from './commands/runs.js';
import { registerSweepCommand } from './commands/sweep.js';
import { registerWorkerCommand } from './commands/worker.js';

export function buildProgram(): Command {
  const program = new Command('forecast-workbench')
    .description('Recurrent-network forecasting of CSV time series (SimpleRNN, LSTM, GRU) with TensorFlow.js.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerTrainCommand(program);
  registerInspectCommand(program);
  registerAnatomyCommand(program);
  registerPredictCommand(program);
  registerRunsCommand(program);
  registerSweepCommand(program); // after train: it takes train's flags for its base settings
  registerWorkerCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
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
