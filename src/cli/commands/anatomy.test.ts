import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { AnatomyReportSchema } from '../../contract/anatomy.js';
import { InvalidInputError } from '../../contract/run-config.js';
import { registerAnatomyCommand } from './anatomy.js';

async function run(...args: string[]): Promise<string> {
  let printed = '';
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
  registerAnatomyCommand(program, (text) => (printed += text));
  await program.parseAsync(['anatomy', ...args], { from: 'user' });
  return printed;
}

describe('forecast-workbench anatomy', () => {
  it('prints weights, the step table and by hand vs model.predict for the demo', async () => {
    const text = await run('--input', '1,2,3', '--seed', '4');
    expect(text).toContain('Anatomy of input (3, 1) → SimpleRNN(2, linear) → Dense(1, linear)');
    expect(text).toMatch(/w_x \[1×2\]/);
    expect(text).toMatch(/w_h \[2×2\]/);
    expect(text).toMatch(/= 8 \+ 3 = 11/);
    expect(text).toMatch(/by hand +\[/);
    expect(text).toMatch(/model\.predict +\[/);
    expect(text).toContain('✓ within');
  });

  it('prints one JSON report with --json, for an LSTM with two features', async () => {
    const report = AnatomyReportSchema.parse(JSON.parse(await run('--cell', 'lstm', '--units', '3', '--features', '2', '--time-steps', '2', '--input', '0.1, 0.2, 0.3, 0.4', '--seed', '9', '--json')));
    expect(report.input).toEqual([[0.1, 0.2], [0.3, 0.4]]);
    expect(report.output.matches).toBe(true);
  });

  it('rejects a wrong count of input values or a non-number in one sentence', async () => {
    await expect(run('--input', '1,2')).rejects.toThrow(new InvalidInputError('The input has 2 values but the model reads 3 time steps × 1 feature = 3.'));
    // The flag parsers' sentences (src/cli/parse-flags.ts), after commander's naming of the flag and the value.
    await expect(run('--input', '1,x,3')).rejects.toThrow(`option '--input <values>' argument '1,x,3' is invalid. It must be numbers separated by commas; value 2 is "x".`);
    await expect(run('--units', 'two')).rejects.toThrow(`option '--units <m>' argument 'two' is invalid. "two" is not a whole number.`);
  });
});
