/**
 * The public form's side of a neighbour's concern: its rate limit. Who answers a concern, by when, and the sealed
 * store with its answers belong to the SDK (client/concerns.ts); they are re-exported here for the pages.
 */
export { ConcernStore, ON_CALL_RESPONSE_MS, routeConcern, type ConcernRouting } from '../../client/concerns';

/** A fixed-window limit per key (the sender's address): a public form must not be a way to fill the disk. */
export class WindowLimiter {
  private readonly hits = new Map<string, { since: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Whether one more is allowed now; counts it when so. */
  take(key: string, now = Date.now()): boolean {
    const entry = this.hits.get(key);
    if (!entry || now - entry.since >= this.windowMs) {
      if (this.hits.size >= 10_000) this.hits.clear();
      this.hits.set(key, { since: now, count: 1 });
      return true;
    }
    if (entry.count >= this.max) return false;
    entry.count += 1;
    return true;
  }
}
