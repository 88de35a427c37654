/**
 * Whether a traject may move onto another version of its covenant now (CONVENANT_GEWIJZIGD), and if not, which rule
 * refused and why. Pure: the workflow's update validator and handler call it, as `decide` for coordinator events.
 * The SDK checks the new covenant against the full schema before it sends it; the engine checks again what would
 * break the traject (another region, terms out of bounds), without the schema, which stays out of the workflow bundle.
 */
import type { Covenant } from '../covenant';
import { covenantTermProblems } from '../covenant-terms';
import type { CovenantChangedEvent, CovenantChangeRules } from '../events';
import { covenantChangeArgsValidator } from '../validation/generated-validators';
import { migrationRoles } from './covenant-change';
import { checkParty, issuesOf, type Refusal } from './decide';
import { withArticle } from './guards';
import { phaseOf, type TrajectSnapshot } from './status';

export type { CovenantChangeArgs } from './covenant-change-args';

export type CovenantChangeDecision =
  { ok: true; event: CovenantChangedEvent } | { ok: false; refusal: Refusal };

const refused = (refusal: Refusal): CovenantChangeDecision => ({ ok: false, refusal });

/** Whether two covenants set the same rules under the same version: then there is nothing to move. */
export function isSameCovenantVersion(a: Covenant, b: Covenant): boolean {
  return a.id === b.id && a.version === b.version && JSON.stringify(a.terms) === JSON.stringify(b.terms);
}

/**
 * Checks a covenant change at `at`: its shape (a reason is required), that the traject runs, the actor's role
 * (the current covenant's `migration` list, default the gemeente) and organisation, and the new covenant (the same
 * region, terms within bounds, another version). Returns the event as the machine takes it, or why not; `rules` are
 * the change rules the event carries (the workflow's, from its patches).
 */
export function decideCovenantChange(
  snapshot: TrajectSnapshot,
  input: unknown,
  at: string,
  rules?: CovenantChangeRules,
): CovenantChangeDecision {
  const args = covenantChangeArgsValidator.safeParse(input);
  if (!args.success) {
    const issues = issuesOf(args.error);
    return refused({
      code: 'InvalidEventData',
      rule: 'schema',
      message: `CONVENANT_GEWIJZIGD: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      issues,
    });
  }
  const { actor, reason } = args.data;
  const current = snapshot.context.covenant;
  if (snapshot.status !== 'active') {
    return refused({
      code: 'NotAllowedInPhase',
      rule: 'phase',
      phase: phaseOf(snapshot),
      allowed: [],
      message: `the traject has ended (${phaseOf(snapshot)}); it takes no more events`,
    });
  }
  const allowed = migrationRoles(current);
  if (!allowed.includes(actor.role)) {
    return refused({
      code: 'RoleNotPermitted',
      rule: 'migration',
      message: `${withArticle(actor.role)} may not move trajecten onto another version of covenant ${current.id}; allowed: ${allowed.join(', ')}`,
      allowed,
    });
  }
  const party = checkParty(current, actor);
  if (party) return refused(party);
  const covenant = args.data.covenant as Covenant;
  if (covenant.id !== current.id) {
    return refused({
      code: 'InvalidEventData',
      rule: 'covenant.id',
      message: `a traject keeps its region: the new covenant must be a version of ${current.id}`,
      issues: [{ field: 'covenant.id', message: `expected ${current.id}` }],
    });
  }
  const problems = covenantTermProblems(covenant);
  if (problems.length > 0) {
    return refused({
      code: 'InvalidEventData',
      rule: 'covenant',
      message: `the covenant is not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      issues: problems.map((p) => ({ field: `covenant.${p.field}`, message: p.message })),
    });
  }
  if (isSameCovenantVersion(current, covenant)) {
    return refused({
      code: 'NotAllowedInPhase',
      rule: 'covenant.version',
      phase: phaseOf(snapshot),
      message: `the traject is already on this version of covenant ${current.id}`,
    });
  }
  return {
    ok: true,
    event: {
      type: 'CONVENANT_GEWIJZIGD',
      actor,
      at,
      data: { covenant, reason },
      ...(rules && Object.keys(rules).length > 0 ? { rules } : {}),
    },
  };
}
