/** A seeded pseudo-random generator (mulberry32): every random choice of a run follows from `--seed`. */
export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** A whole number in [0, n). */
  below(n: number): number;
}

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, below: (n) => Math.floor(next() * n) };
}

/** A pseudonymous traject reference that is unique within a run and follows from the seed. */
export function trajectRefs(random: Random, prefix: string) {
  const run = random
    .below(36 ** 4)
    .toString(36)
    .padStart(4, '0');
  let n = 0;
  return () => `${prefix}-${run}-${(n += 1).toString().padStart(5, '0')}`;
}
