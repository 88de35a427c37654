/**
 * A neighbour's concern (seed 004, Henriëtte): who answers it and by when, decided by the covenant's office hours and
 * routing (office hours → the corporation's wijkbeheerder; evenings and weekends → the care provider on call), and a
 * store that keeps what the neighbour wrote only sealed.
 *
 * The store is an append-only JSON Lines file in the data directory, one line per concern, its free text sealed
 * (AES-256-GCM) with the newest master key of the engine's key ring and the line's id as associated data. Why: the
 * text is personal data about a third person and may never sit in a log, a search attribute or a workflow history; a
 * file needs no new service on `npm start`; the key ring is the one the partners already guard, back up and rotate;
 * and deleting a concern is dropping its line. Routing facts (region, role, due time) stay readable, so the responding
 * party can be shown its queue without opening anything.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addWorkingDays, isDuringOfficeHours, type Covenant, type Role } from '../../machines';
import type { KeyRing } from '../../platform/privacy/keyring';
import { open, seal } from '../../platform/privacy/data-keys';

/**
 * How soon the on-call care provider answers a concern raised outside office hours. Assumption: the covenants name
 * no such term (seed 004 only asks who is needed at which times); a day, until a covenant says otherwise.
 */
export const ON_CALL_RESPONSE_MS = 24 * 3600_000;

export interface ConcernRouting {
  /** The role that answers: the covenant's routing for this moment. */
  role: Role;
  /** The organisation of that role (the covenant's first party for it), if the covenant names one. */
  organisation: string | undefined;
  duringOfficeHours: boolean;
  /** When the neighbour hears back at the latest. */
  respondBy: string;
}

/**
 * Who answers a concern raised at `at` under a covenant, and by when: within office hours the office-hours role
 * answers within the covenant's first-response term in working days; outside them the on-call role, within
 * ON_CALL_RESPONSE_MS.
 * Pure: the clock comes in as `at`.
 */
export function routeConcern(covenant: Covenant, at: Date): ConcernRouting {
  const iso = at.toISOString();
  const duringOfficeHours = isDuringOfficeHours(covenant, iso);
  const role = duringOfficeHours
    ? covenant.neighbourReportRouting.duringOfficeHours
    : covenant.neighbourReportRouting.outsideOfficeHours;
  const organisation = covenant.parties.find((p) => p.role === role)?.organisation;
  const respondBy = duringOfficeHours
    ? addWorkingDays(
        iso,
        covenant.terms.nuisanceFirstResponseWorkingDays,
        covenant.timezone,
        covenant.closingDays ?? [],
      )
    : new Date(at.getTime() + ON_CALL_RESPONSE_MS).toISOString();
  return { role, organisation, duringOfficeHours, respondBy };
}

export interface Concern {
  region: string;
  /** The complex or home reference the corporation publishes. */
  place: string;
  text: string;
}

/** A stored concern as its responding party reads it: the routing facts, and the text opened. */
export interface OpenedConcern {
  id: string;
  at: string;
  region: string;
  respondBy: string;
  place: string;
  text: string;
}

interface StoredLine {
  id: string;
  at: string;
  region: string;
  routedTo: { role: Role; organisation?: string };
  respondBy: string;
  keyId: string;
  iv: string;
  sealed: string;
}

/** Concerns, sealed, appended to <dataDir>/concerns/concerns.jsonl. */
export class ConcernStore {
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly keyring: KeyRing,
  ) {
    const dir = join(dataDir, 'concerns');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, 'concerns.jsonl');
  }

  /** Stores a concern; answers its id. */
  add(concern: Concern, routing: ConcernRouting, at: Date): string {
    const id = randomUUID();
    const key = this.keyring.newest;
    const { iv, sealed } = seal(
      key.key,
      Buffer.from(JSON.stringify({ place: concern.place, text: concern.text })),
      id,
    );
    const line = {
      id,
      at: at.toISOString(),
      region: concern.region,
      routedTo: {
        role: routing.role,
        ...(routing.organisation ? { organisation: routing.organisation } : {}),
      },
      respondBy: routing.respondBy,
      keyId: key.id,
      iv,
      sealed,
    };
    appendFileSync(this.file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
    return id;
  }

  /**
   * The concerns routed to one party (role and organisation), newest first, at most `limit`, their text opened. Only
   * those lines are opened: another party's concern is never decrypted here. A line whose key is gone from the ring
   * (or that does not open) is left out rather than shown half.
   */
  forParty(party: { role: Role; organisation?: string | undefined }, limit = 100): OpenedConcern[] {
    if (!party.organisation || !existsSync(this.file)) return [];
    const lines = readFileSync(this.file, 'utf8').split('\n').filter(Boolean);
    const opened: OpenedConcern[] = [];
    for (let i = lines.length - 1; i >= 0 && opened.length < limit; i -= 1) {
      let line: StoredLine;
      try {
        line = JSON.parse(lines[i]!) as StoredLine;
      } catch {
        continue; // a torn last line after a crash
      }
      if (line.routedTo?.role !== party.role || line.routedTo.organisation !== party.organisation) continue;
      const key = this.keyring.key(line.keyId);
      if (!key) continue;
      try {
        const { place, text } = JSON.parse(open(key.key, line.iv, line.sealed, line.id).toString()) as {
          place: string;
          text: string;
        };
        opened.push({
          id: line.id,
          at: line.at,
          region: line.region,
          respondBy: line.respondBy,
          place,
          text,
        });
      } catch {
        continue;
      }
    }
    return opened;
  }
}

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
