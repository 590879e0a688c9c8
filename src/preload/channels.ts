/**
 * The whitelist of host channels the preload forwards. Kept free of zod so the sandboxed (CommonJS)
 * preload bundles nothing but this list; the compile-time checks below keep it equal to the contract.
 */
import type { Channel } from '../contract/workbench-api';

export const CHANNEL_NAMES = [
  'app:info',
  'datasets:list',
  'datasets:open-dialog',
  'datasets:open-path',
  'datasets:inspect',
  'datasets:series',
  'datasets:structure',
  'runs:start',
  'runs:stop',
  'runs:interrupted',
  'runs:recover',
  'runs:discard',
  'runs:export',
  'bundles:open-dialog',
  'bundles:open-path',
  'bundles:recent',
  'bundles:open-recent',
  'bundles:predict',
  'anatomy:compute',
  'history:list',
  'history:show',
  'history:compare',
  'history:update',
  'history:delete',
  'history:export',
  'history:limits',
  'history:spread',
  'sweep:start',
  'sweep:status',
  'sweep:stop',
  'queue-sweep:start',
  'queue-sweep:status',
  'queue-sweep:cancel',
] as const satisfies readonly Channel[];

type Missing = Exclude<Channel, (typeof CHANNEL_NAMES)[number]>;
// Fails to compile when the contract gains a channel that is not listed above.
const everyChannelListed: [Missing] extends [never] ? true : Missing = true;
void everyChannelListed;

const allowed = new Set<string>(CHANNEL_NAMES);
export function isWhitelistedChannel(name: unknown): name is Channel {
  return typeof name === 'string' && allowed.has(name);
}
