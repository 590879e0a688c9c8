/**
 * `forecast-workbench inspect FILE [--json]`: what opening a CSV file detects (delimiter, header,
 * rows, each column's type and missing count, suggested target and time columns).
 */
import type { Command } from 'commander';
import type { ColumnInfo, CsvInspection } from '../../contract/datasets.js';

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description('Show what opening a CSV file detects: delimiter, header, rows, column types and missing values.')
    .argument('<file>', 'CSV file to inspect')
    .option('--json', 'print one JSON object (the full inspection) instead of a summary')
    .action(async (file: string, flags: { json?: boolean }) => {
      const { inspectCsv } = await import('../../engine/data/csv/inspect.js');
      const inspection = await inspectCsv(file);
      console.log(flags.json ? JSON.stringify(inspection, null, 2) : summary(inspection).join('\n'));
    });
}

function summary(inspection: CsvInspection): string[] {
  const { name, rows, delimiter, hasHeader, lineEnding, decimalComma, skippedLines } = inspection;
  const layout = [
    `${DELIMITER_NAMES[delimiter] ?? JSON.stringify(delimiter)}-separated`,
    hasHeader ? 'header row' : 'no header row',
    `${lineEnding} line ends`,
    ...(inspection.bom ? ['UTF-8 BOM'] : []),
    ...(decimalComma ? ['decimal commas'] : []),
    ...(skippedLines > 0 ? [`${skippedLines} lines skipped`] : []),
  ];
  const nameWidth = Math.max(6, ...inspection.columns.map((column) => column.name.length));
  const lines = [
    `${name}: ${rows.toLocaleString('en')} rows, ${layout.join(', ')}`,
    '',
    `  ${'column'.padEnd(nameWidth)}  ${'type'.padEnd(11)}  ${'missing'.padStart(7)}  details`,
    ...inspection.columns.map(
      (column) =>
        `  ${column.name.padEnd(nameWidth)}  ${column.type.padEnd(11)}  ${String(column.missing).padStart(7)}  ${details(column)}`.trimEnd(),
    ),
    '',
    `Suggested target: ${inspection.suggestedTarget ?? 'none'}; time: ${inspection.suggestedTime ?? inspection.composedTime?.name ?? 'row number'}`,
  ];
  return [...lines, ...inspection.warnings.map((warning) => `Warning: ${warning}`)];
}

function details(column: ColumnInfo): string {
  if (column.type === 'numeric') return `${column.min} to ${column.max}`;
  return column.format ?? '';
}
