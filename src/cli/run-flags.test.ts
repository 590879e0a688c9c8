/**
 * The run flags table: flags left out keep the schema's defaults (commander holds none), flags given land
 * where the table says, and --help shows the schema's defaults.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { RunConfigSchema, tutorialConfig } from '../contract/run-config.js';
import { bundledDatasetPath } from '../engine/data/bundled-datasets.js';
import { RUN_FLAGS, addRunFlags, configFromFlags, givenOptions } from './run-flags.js';

function parse(...args: string[]) {
  let config: unknown;
  const program = new Command().exitOverride();
  const command = addRunFlags(program.command('run')).action((_flags: unknown, cmd: Command) => {
    config = configFromFlags(givenOptions(cmd));
  });
  program.parse(['run', ...args], { from: 'user' });
  return { config, help: command.helpInformation() };
}

describe('run flags', () => {
  it('with no flags, give exactly the schema defaults (the tutorial on the bundled data)', () => {
    expect(parse().config).toEqual(tutorialConfig(bundledDatasetPath()));
  });

  it('put each given value where the table says', () => {
    const { config } = parse('--time-steps', '6', '--cell', 'lstm', '--units', '4', '--stack', '2', '--no-shuffle', '--trainer', 'tfjs', '--inputs', 'a, b', '--learning-rate', '0.01');
    expect(config).toMatchObject({
      data: { inputColumns: ['a', 'b'] },
      prep: { timeSteps: 6, windowing: 'tutorial' },
      model: { layers: [{ type: 'lstm', units: 4, activation: 'tanh', dropout: 0 }, { type: 'lstm', units: 4, activation: 'tanh', dropout: 0 }] },
      training: { shuffle: false, learningRate: 0.01, epochs: 20 },
      trainer: 'tfjs',
    });
  });

  it('take a time column by name, none with --no-time-column (rows numbered), and detect it when neither is given', () => {
    const timeColumn = (...args: string[]) => (parse(...args).config as { data: { timeColumn: unknown } }).data.timeColumn;
    expect(timeColumn('--time-column', 'Month')).toBe('Month');
    expect(timeColumn('--no-time-column')).toBe(false);
    expect(timeColumn()).toBeNull();
  });

  it('take --layer over --cell/--units/--stack, with the schema filling what a layer leaves out', () => {
    const { config } = parse('--layer', 'gru:5', '--layer', 'lstm:2:relu:0.1', '--units', '9');
    expect((config as { model: unknown }).model).toMatchObject({
      layers: [
        { type: 'gru', units: 5, activation: 'tanh', dropout: 0 },
        { type: 'lstm', units: 2, activation: 'relu', dropout: 0.1 },
      ],
    });
  });

  it('show the schema defaults in --help, for every flag whose default is a value', () => {
    const help = parse().help.replace(/\s+/g, ' ');
    const defaults = RunConfigSchema.parse({ data: { path: '-' } });
    expect(help).toContain('--time-steps <n> values in each input window (default: 12)');
    expect(help).toContain(`(default: ${defaults.training.learningRate})`);
    expect(help).toContain('--cell <type> recurrent layer type (default: "simpleRNN") (choices: "simpleRNN", "lstm", "gru")');
    expect(help).toContain('--seed <n> seed for weights, dropout and shuffle (default: random, reported) --no-shuffle keep');
    for (const entry of RUN_FLAGS) expect(help).toContain(entry.flag);
  });

  it('refuse a bad value with the parser\'s sentence', () => {
    expect(() => parse('--epochs', 'many')).toThrow(/"many" is not a whole number/);
  });
});
