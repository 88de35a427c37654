/**
 * Who may see and do what, at the door. The covenant decides (its parties per role, its permissions per event); the
 * workflow checks again. A traject a caller may not see is answered as not found, so that nobody learns which
 * trajecten exist.
 */
import { RoleNotPermitted, TrajectNotFound } from '../client/errors';
import {
  checkPermission,
  type Actor,
  type CoordinatorEventType,
  type Covenant,
  type Role,
} from '../machines';

/** The organisations a covenant names for a role. */
export function partiesFor(covenant: Covenant, role: Role): string[] {
  return covenant.parties.filter((p) => p.role === role).map((p) => p.organisation);
}

/** Whether the organisation is a party of the covenant, in any role. */
export function isParty(covenant: Covenant, organisation: string | undefined): boolean {
  return organisation !== undefined && covenant.parties.some((p) => p.organisation === organisation);
}

const refuse = (rule: string, message: string, allowed?: string[]) =>
  new RoleNotPermitted({ code: 'RoleNotPermitted', rule, message, ...(allowed ? { allowed } : {}) });

/** A buurtbewoner reads nothing; the other roles read what their scope holds. */
export function assertMayRead(actor: Actor): void {
  if (actor.role === 'buurtbewoner') throw refuse('reads.buurtbewoner', 'a buurtbewoner reads no trajecten');
}

/** An auditor reads everything and writes nothing. */
export function assertMayWrite(actor: Actor): void {
  if (actor.role === 'auditor') throw refuse('writes.auditor', 'an auditor reads and never writes');
}

/**
 * Whether the caller may see this traject: an auditor all, a client its own, a party the trajecten of its covenants.
 * Anyone else is told it does not exist.
 */
export function assertVisible(actor: Actor, clientRef: string, covenant: Covenant): void {
  const visible =
    actor.role === 'auditor' ||
    (actor.role === 'client' ? actor.personId === clientRef : isParty(covenant, actor.organisation));
  if (!visible) throw new TrajectNotFound(clientRef);
}

/** The organisation acts in its role only as a party the covenant names for that role. */
export function assertPartyInRole(actor: Actor, covenant: Covenant): void {
  if (actor.role === 'client' || actor.role === 'buurtbewoner' || actor.role === 'auditor') return;
  const parties = partiesFor(covenant, actor.role);
  if (!actor.organisation || !parties.includes(actor.organisation)) {
    throw refuse(
      `parties.${actor.role}`,
      `${actor.organisation ?? 'this organisation'} is not a ${actor.role} party of covenant ${covenant.id}; parties: ${parties.join(', ') || 'none'}`,
      parties,
    );
  }
}

/** The covenant lets the caller's role send this event, and its organisation is a party for that role. */
export function assertMaySend(actor: Actor, covenant: Covenant, type: CoordinatorEventType): void {
  assertMayWrite(actor);
  const denied = checkPermission(covenant, type, actor.role);
  if (denied) throw new RoleNotPermitted(denied);
  assertPartyInRole(actor, covenant);
}

/** The roles that may act on a covenant's erasure and access requests: those responsible for the data. */
export function assertResponsible(actor: Actor, covenant: Covenant, what: 'erasure' | 'export'): void {
  if (what === 'export' && actor.role === 'auditor') return;
  if (!covenant.erasure.includes(actor.role)) {
    throw refuse(
      what,
      `a ${actor.role} may not ${what === 'erasure' ? 'erase' : 'export'} trajecten under covenant ${covenant.id}; allowed: ${covenant.erasure.join(', ')}`,
      covenant.erasure,
    );
  }
  assertPartyInRole(actor, covenant);
}

/** The roles that may read a covenant's evaluation at all: every role but a client's and a neighbour's. */
export const readsReports = (role: Role): boolean => role !== 'client' && role !== 'buurtbewoner';

/**
 * A covenant's evaluation is read by its parties, in any role (they evaluate the covenant together), and by
 * auditors. The covenants and their parties are public (GET /v1/covenants), so a refusal hides nothing: it names
 * the rule, as every other refusal does.
 */
export function assertMayReadReport(actor: Actor, covenant: Covenant): void {
  assertMayRead(actor);
  if (!readsReports(actor.role))
    throw refuse(`reports.${actor.role}`, `a ${actor.role} reads no covenant evaluation`);
  if (actor.role === 'auditor' || isParty(covenant, actor.organisation)) return;
  const parties = [...new Set(covenant.parties.map((p) => p.organisation))];
  throw refuse(
    'parties',
    `${actor.organisation ?? 'this organisation'} is not a party of covenant ${covenant.id}; parties: ${parties.join(', ')}`,
    parties,
  );
}

/** Only an auditor: history and replay. */
export function assertAuditor(actor: Actor, what: string): void {
  if (actor.role !== 'auditor') throw refuse(`${what}.auditor`, `only an auditor may ${what}`, ['auditor']);
}
