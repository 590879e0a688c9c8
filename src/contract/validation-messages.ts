/**
 * One wording for validation problems everywhere: a short reason per zod issue ("must be at least 1"),
 * used by `parseWith` (CLI, hosts, training process) and by the renderer's form, keyed by the issue path
 * ("prep.timeSteps", "model.layers.0.units", ...).
 */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

export function reasonFor(issue: Issue): string {
  const i = issue as Issue & { minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean; expected?: string; origin?: string };
  switch (issue.code) {
    case 'too_small':
      if (i.origin === 'array') return `needs at least ${String(i.minimum)}`;
      return i.inclusive === false ? `must be more than ${String(i.minimum)}` : `must be at least ${String(i.minimum)}`;
    case 'too_big':
      if (i.origin === 'array') return `at most ${String(i.maximum)} allowed`;
      return i.inclusive === false ? `must be less than ${String(i.maximum)}` : `must be at most ${String(i.maximum)}`;
    case 'invalid_type':
      if (i.expected === 'int' && issue.message.includes('received number')) return 'must be a whole number';
      if (i.expected === 'int' || i.expected === 'number') return 'enter a number';
      return issue.message;
    default:
      if (issue.message.toLowerCase().includes('expected int')) return 'must be a whole number';
      return issue.message;
  }
}

export function issuesByPath(issues: readonly Issue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.');
    if (!(key in out)) out[key] = reasonFor(issue);
  }
  return out;
}
