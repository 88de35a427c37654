/**
 * One frozen copy of each covenant per worker (issue 14). Every traject holds its covenant in its snapshot, and the
 * SDK keeps a workflow's start arguments for as long as the run is cached, so each cached traject held its own parsed
 * copy (about 6 KiB) of what is, for all trajecten of a region, the same covenant. A workflow swaps its copy for the
 * shared one: equal in every value and in key order, so the machine, the history and a replay see no difference.
 *
 * Preloaded and shared by every workflow of a worker (workflows/shared-modules.ts): the cache holds pure results
 * only, deep-frozen, keyed by their own JSON text.
 */
import type { Covenant } from './covenant';

/** Distinct covenants kept: a worker serves a few regions, each with a version or two in use at a time. */
const MAX_SHARED_COVENANTS = 32;

const shared = new Map<string, Covenant>();

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

/**
 * The worker's shared, deep-frozen copy of a covenant equal to this one (this one, frozen, when it is the first of its
 * kind). The covenant comes from a payload, so it is plain JSON data: equal JSON text means equal values in the same
 * key order. The oldest covenant is dropped once MAX_SHARED_COVENANTS are kept; trajecten that hold it keep it.
 */
export function sharedCovenant(covenant: Covenant): Covenant {
  const key = JSON.stringify(covenant);
  const known = shared.get(key);
  if (known) return known;
  if (shared.size >= MAX_SHARED_COVENANTS) shared.delete(shared.keys().next().value!);
  const frozen = deepFreeze(covenant);
  shared.set(key, frozen);
  return frozen;
}
