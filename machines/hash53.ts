/**
 * Read once: inside the workflow sandbox every read of a global (`Math`) goes through Node's vm interceptor, which
 * made the loop below the most expensive function of an auditor replay (issue 14).
 */
const { imul } = Math;

/**
 * A 53-bit string hash (cyrb53's mixing), in base 36: deterministic and dependency-free, so that machine, workflow
 * and SDK compute the same fingerprint. Not a secret and not collision-proof against an adversary.
 * Each caller keeps its own start values, so that fingerprints of different things never coincide by construction.
 */
export function hash53(text: string, start1: number, start2: number): string {
  let h1 = start1;
  let h2 = start2;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    h1 = imul(h1 ^ c, 2654435761);
    h2 = imul(h2 ^ c, 1597334677);
  }
  h1 = imul(h1 ^ (h1 >>> 16), 2246822507) ^ imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = imul(h2 ^ (h2 >>> 16), 2246822507) ^ imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
