/** Types of wasm/build.mjs (the `npm run build:kernel` script), for the test that checks the committed module. */
export function compileKernel(): Buffer;
export function moduleSource(bytes: Buffer): string;
export const GENERATED: string;
