/** A small seeded PRNG (mulberry32) for shuffles and default seeds: same seed, same sequence, on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle of 0..n-1 driven by `random`. */
export function shuffledIndices(n: number, random: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** Seeds are whole numbers below 2^31 - 1 (a prime, the largest seed a run configuration takes). */
const SEED_MODULUS = 2_147_483_647;
/** Primes that spread the seeds derived from a run's seed: one step per stream (a layer), one per item in it (an initialiser, a batch). */
const STREAM_PRIME = 7919;
const ITEM_PRIME = 104_729;

/**
 * The reproducible seed of item `item` of stream `stream`, derived from a run's seed: the initialisers of
 * each layer (model/build.ts), each batch's dropout masks (tfjs-trainer.ts), the fused trainer's dropout stream.
 */
export function derivedSeed(seed: number, stream: number, item = 0): number {
  return (seed + stream * STREAM_PRIME + item * ITEM_PRIME) % SEED_MODULUS;
}

/** A fresh seed for runs that did not ask for one (reported, so the run can be repeated). */
export function randomSeed(): number {
  return Math.floor(Math.random() * SEED_MODULUS);
}
