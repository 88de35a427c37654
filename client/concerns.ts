/**
 * A neighbour's concern (seed 004, Henriëtte): who answers it and by when, decided by the covenant's office hours and
 * routing (office hours → the corporation's wijkbeheerder; evenings and weekends → the care provider on call), a
 * store that keeps what the neighbour wrote only sealed, and the answer of the party it was routed to (opgepakt,
 * afgehandeld with an outcome code).
 *
 * The store is an append-only JSON Lines file in the data directory, one line per concern, its free text sealed
 * (AES-256-GCM) with the newest master key of the engine's key ring and the line's id as associated data. Why: the
 * text is personal data about a third person and may never sit in a log, a search attribute or a workflow history; a
 * file needs no new service on `npm start`; the key ring is the one the partners already guard, back up and rotate;
 * and deleting a concern is dropping its line. Routing facts (region, role, due time) stay readable, so the responding
 * party can be shown its queue without opening anything. An answer is one more line naming the concern: a status and
 * an outcome code from a fixed list, never free text, so nothing about a person is added in the clear.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { addWorkingDays, isDuringOfficeHours, type Actor, type Covenant, type Role } from '../machines';
import type { KeyRing } from '../platform/privacy/keyring';
import { open, seal } from '../platform/privacy/data-keys';
import { ConcernNotFound, InvalidInput, NotAllowedInPhase, RoleNotPermitted } from './errors';

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

/** What the party a concern was routed to did with it: taken up, or handled with an outcome. */
export const ConcernStatusSchema = z.enum(['opgepakt', 'afgehandeld']);
export type ConcernStatus = z.infer<typeof ConcernStatusSchema>;

/**
 * How a concern was handled: a code, never free text about people (the concern's own text is the only free text, and
 * it is sealed). Assumption: the covenants name no outcomes for a neighbour's concern; these five, until one does.
 */
export const ConcernOutcomeSchema = z.enum([
  /** The party spoke with the resident or their support, and followed it up. */
  'contact-gelegd',
  /** Passed on to the partner whose work it is (the care provider, the wijkteam, the corporation). */
  'doorgezet',
  /** Looked into; nothing needed doing. */
  'geen-actie-nodig',
  /** The place or the situation could not be traced. */
  'niet-te-herleiden',
  'overig',
]);
export type ConcernOutcome = z.infer<typeof ConcernOutcomeSchema>;

/** An answer to a concern: taken up (opgepakt), or handled (afgehandeld) with its outcome. */
export const ConcernAnswerSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('opgepakt') }).strict(),
  z.object({ status: z.literal('afgehandeld'), outcome: ConcernOutcomeSchema }).strict(),
]);
export type ConcernAnswer = z.infer<typeof ConcernAnswerSchema>;

/** A concern's id: a random UUID, which says nothing about the neighbour, the place or a traject. */
export const ConcernIdSchema = z.uuid({ message: 'expected a concern id (a UUID)' });

/** Where a concern stands: nobody answered yet (open), taken up, or handled. */
export type ConcernState = 'open' | ConcernStatus;

/** Which of its concerns a party asks for: the open ones (not yet handled; taken up ones included), the handled ones, all. */
export const ConcernFilterSchema = z.enum(['open', 'afgehandeld', 'alle']);
export type ConcernFilter = z.infer<typeof ConcernFilterSchema>;

/** The latest answer to a concern, and who gave it (role, organisation, pseudonymous staff code). */
export interface ConcernAnswered {
  status: ConcernStatus;
  outcome?: ConcernOutcome;
  at: string;
  by: { role: Role; organisation?: string; personId: string };
}

/** A stored concern as its responding party reads it: the routing facts, the text opened, and where it stands. */
export interface OpenedConcern {
  id: string;
  at: string;
  region: string;
  respondBy: string;
  place: string;
  text: string;
  state: ConcernState;
  answer?: ConcernAnswered;
}

interface StoredConcern {
  id: string;
  at: string;
  region: string;
  routedTo: { role: Role; organisation?: string };
  respondBy: string;
  keyId: string;
  iv: string;
  sealed: string;
}

interface StoredAnswer extends ConcernAnswered {
  kind: 'answer';
  concern: string;
}

type StoredLine = StoredConcern | StoredAnswer;

const isAnswer = (line: StoredLine): line is StoredAnswer => (line as StoredAnswer).kind === 'answer';

const routedToParty = (line: StoredConcern, party: { role: Role; organisation?: string | undefined }) =>
  party.organisation !== undefined &&
  line.routedTo?.role === party.role &&
  line.routedTo.organisation === party.organisation;

/** Concerns, sealed, and their answers, appended to <dataDir>/concerns/concerns.jsonl. */
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
    const line: StoredConcern = {
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
    this.append(line);
    return id;
  }

  /**
   * The concerns routed to one party (role and organisation), newest first, at most `limit`, their text opened, each
   * with where it stands. Only those lines are opened: another party's concern is never decrypted here. A line whose
   * key is gone from the ring (or that does not open) is left out rather than shown half.
   */
  forParty(
    party: { role: Role; organisation?: string | undefined },
    options: { filter?: ConcernFilter; limit?: number } = {},
  ): OpenedConcern[] {
    const { filter = 'alle', limit = 100 } = options;
    if (!party.organisation) return [];
    const lines = this.lines();
    const answers = latestAnswers(lines);
    const opened: OpenedConcern[] = [];
    for (let i = lines.length - 1; i >= 0 && opened.length < limit; i -= 1) {
      const line = lines[i]!;
      if (isAnswer(line) || !routedToParty(line, party)) continue;
      const answer = answers.get(line.id);
      const state: ConcernState = answer?.status ?? 'open';
      if (filter === 'open' && state === 'afgehandeld') continue;
      if (filter === 'afgehandeld' && state !== 'afgehandeld') continue;
      const content = this.open(line);
      if (!content) continue;
      opened.push({
        id: line.id,
        at: line.at,
        region: line.region,
        respondBy: line.respondBy,
        ...content,
        state,
        ...(answer ? { answer } : {}),
      });
    }
    return opened;
  }

  /**
   * Records the answer of the party a concern was routed to. Only that party (its role and organisation) may: anyone
   * else is refused with RoleNotPermitted (rule `concerns.routedTo`). A handled concern is not answered again
   * (NotAllowedInPhase, rule `concerns.handled`), and taking up means nothing once it was taken up; the same answer
   * again (a double click) changes nothing and answers what was recorded. ConcernNotFound when there is no concern
   * under the id; InvalidInput when the id or the answer is malformed. Nothing is written when refused.
   */
  answer(id: string, answer: ConcernAnswer, actor: Actor, at = new Date()): ConcernAnswered {
    const concernId = ConcernIdSchema.safeParse(id);
    if (!concernId.success) {
      throw new InvalidInput('invalid concern id', [
        { field: 'id', message: 'expected a concern id (a UUID)' },
      ]);
    }
    const parsed = ConcernAnswerSchema.safeParse(answer);
    if (!parsed.success) {
      throw new InvalidInput(
        'invalid answer',
        parsed.error.issues.map((i) => ({
          field: i.path.map(String).join('.') || 'status',
          message: i.message,
        })),
      );
    }
    const lines = this.lines();
    const concern = lines.find((l): l is StoredConcern => !isAnswer(l) && l.id === concernId.data);
    if (!concern) throw new ConcernNotFound(concernId.data);
    if (!routedToParty(concern, actor)) {
      throw new RoleNotPermitted({
        code: 'RoleNotPermitted',
        rule: 'concerns.routedTo',
        message: 'only the party a concern was routed to may answer it',
      });
    }
    const previous = latestAnswers(lines).get(concern.id);
    const wanted = parsed.data;
    const same =
      previous?.status === wanted.status &&
      (wanted.status === 'opgepakt' || previous.outcome === wanted.outcome);
    if (previous && same) return previous;
    if (previous?.status === 'afgehandeld') {
      throw new NotAllowedInPhase({
        code: 'NotAllowedInPhase',
        rule: 'concerns.handled',
        message: `this concern was handled on ${previous.at} (${previous.outcome ?? 'no outcome'})`,
      });
    }
    const answered: ConcernAnswered = {
      status: wanted.status,
      ...(wanted.status === 'afgehandeld' ? { outcome: wanted.outcome } : {}),
      at: at.toISOString(),
      by: {
        role: actor.role,
        ...(actor.organisation ? { organisation: actor.organisation } : {}),
        personId: actor.personId,
      },
    };
    this.append({ kind: 'answer', concern: concern.id, ...answered });
    return answered;
  }

  private append(line: StoredLine): void {
    appendFileSync(this.file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }

  private lines(): StoredLine[] {
    if (!existsSync(this.file)) return [];
    const lines: StoredLine[] = [];
    for (const text of readFileSync(this.file, 'utf8').split('\n')) {
      if (!text) continue;
      try {
        lines.push(JSON.parse(text) as StoredLine);
      } catch {
        continue; // a torn last line after a crash
      }
    }
    return lines;
  }

  private open(line: StoredConcern): { place: string; text: string } | undefined {
    const key = this.keyring.key(line.keyId);
    if (!key) return undefined;
    try {
      const { place, text } = JSON.parse(open(key.key, line.iv, line.sealed, line.id).toString()) as {
        place: string;
        text: string;
      };
      return { place, text };
    } catch {
      return undefined;
    }
  }
}

/** The last answer to each concern, by the concern's id. */
function latestAnswers(lines: StoredLine[]): Map<string, ConcernAnswered> {
  const answers = new Map<string, ConcernAnswered>();
  for (const line of lines) {
    if (!isAnswer(line)) continue;
    const { kind: _kind, concern, ...answered } = line;
    answers.set(concern, answered);
  }
  return answers;
}
