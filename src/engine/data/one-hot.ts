/**
 * Categorical input columns (e.g. the wind direction `cbwd` of the Beijing pollution data) as one-hot
 * inputs: one 0/1 column per category, named `column=category`, in the categories' sorted order. A
 * training run takes the categories the file has; a bundle records them and applies exactly those to new
 * data, where a value it never saw is refused with a sentence. A missing value is missing (NaN) in every
 * one-hot column, for the missing-value policy.
 */
import { InvalidInputError } from '../../contract/run-config.js';
import type { CategoryCodes } from './csv/table-scanner.js';
import { previewCell } from './csv/values.js';

/** Most categories one column may have to become one-hot inputs (each category is an input of the network). */
export const MAX_ONE_HOT_CATEGORIES = 20;

/** The categories of each one-hot encoded column, by column name. */
export type Categories = Record<string, string[]>;

export interface OneHotColumns {
  categories: string[];
  names: string[];
  columns: Float64Array[];
}

/** The one-hot name of a category: "cbwd=NE". */
export const oneHotName = (column: string, category: string): string => `${column}=${category}`;

/**
 * One-hot columns of a category column. `fixed` are the categories to encode (a bundle's); without it, the
 * column's own values, sorted. Refuses a column with more than MAX_ONE_HOT_CATEGORIES categories, and a
 * value outside `fixed`, each with one sentence.
 */
export function oneHotColumns(column: string, { values, codes }: CategoryCodes, fileName: string, fixed?: readonly string[]): OneHotColumns {
  const tooMany = codes.includes(-2) || values.length > MAX_ONE_HOT_CATEGORIES;
  if (!fixed && tooMany) {
    throw new InvalidInputError(
      `Column "${column}" of ${fileName} has ${codes.includes(-2) ? 'hundreds of' : values.length} distinct values; a categorical input becomes one input per category, and at most ${MAX_ONE_HOT_CATEGORIES} are allowed, so leave it out or group its values.`,
    );
  }
  const categories = fixed ? [...fixed] : [...values].sort();
  const position = new Map(categories.map((category, i) => [category, i]));
  const slot = values.map((value) => position.get(value) ?? -1);
  // Every value in `values` occurs in the column (values are recorded as they appear).
  const unseen = values.filter((_, code) => slot[code] < 0);
  if (unseen.length > 0 || codes.includes(-2)) {
    const examples = unseen.slice(0, 3).map((value) => `"${previewCell(value)}"`).join(', ');
    throw new InvalidInputError(
      `Column "${column}" of ${fileName} has ${examples ? `the value(s) ${examples}` : 'values'} the model never saw; it knows only ${categories.map((c) => `"${c}"`).join(', ')}.`,
    );
  }
  const rows = codes.length;
  const columns = categories.map(() => new Float64Array(rows));
  for (let row = 0; row < rows; row++) {
    const code = codes[row];
    if (code < 0) for (const encoded of columns) encoded[row] = NaN;
    else columns[slot[code]][row] = 1;
  }
  return { categories, names: categories.map((category) => oneHotName(column, category)), columns };
}
