// Test-only module hooks (node --import): writes the URL of every module the process resolves to stderr,
// one `resolved <url>` line each, so a test can tell what a command loads. fd 2 is shared by the hooks thread.
import { writeSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

// Loaded by --import in the main thread, it registers itself; loaded again as the hooks, it only hooks.
if (isMainThread) register(import.meta.url);

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  writeSync(2, `resolved ${result.url}\n`);
  return result;
}
