/**
 * A traject filter as a visibility query: one definition for listing and counting, so that a count is always the
 * number of rows the same list would show.
 */
import {
  contractFormKey,
  escalatedKey,
  nextMeetingDueKey,
  phaseKey,
  regionKey,
} from '../workflows/search-attributes';

export interface TrajectFilter {
  phase?: string | undefined;
  region?: string | undefined;
  /** Any of these covenants (a caller's scope): one query rather than one per covenant. */
  regions?: readonly string[] | undefined;
  contractForm?: string | undefined;
  escalated?: boolean | undefined;
  meetingBefore?: Date | string | undefined;
}

/**
 * The query for a filter whose values were validated (covenant ids, phases and forms are codes; quoting stays safe).
 * Each continue-as-new closes a run as ContinuedAsNew and starts the next under the same id: those are left out, so
 * that a traject is one row however often it continued as new.
 */
export function visibilityQuery(f: TrajectFilter): string {
  return clausesOf(f, (phase) => `${phaseKey.name} = '${phase}'`);
}

/**
 * The same rows as `visibilityQuery`, in the form a count asks for them: the phase as the range from itself to
 * itself, which holds exactly the rows its equality holds. SQLite's planner (the dev server's visibility, without
 * table statistics) reads a covenant clause through its index before an equal phase, so every phase's count would
 * walk all of a caller's trajecten; given the range it reads that phase's rows by their index instead, and the counts
 * of all phases together read each row once. Stores that keep statistics (PostgreSQL, MySQL, Elasticsearch) count
 * the range as they count the equality.
 */
export function visibilityCountQuery(f: TrajectFilter): string {
  return clausesOf(f, (phase) => `${phaseKey.name} BETWEEN '${phase}' AND '${phase}'`);
}

function clausesOf(f: TrajectFilter, phaseClause: (phase: string) => string): string {
  const clauses = [`WorkflowType = 'tenancyWorkflow'`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (f.phase) clauses.push(phaseClause(f.phase));
  if (f.region) clauses.push(`${regionKey.name} = '${f.region}'`);
  if (f.regions) clauses.push(`${regionKey.name} IN (${f.regions.map((r) => `'${r}'`).join(', ')})`);
  if (f.contractForm) clauses.push(`${contractFormKey.name} = '${f.contractForm}'`);
  if (f.escalated !== undefined) clauses.push(`${escalatedKey.name} = ${f.escalated}`);
  if (f.meetingBefore) {
    const before = f.meetingBefore instanceof Date ? f.meetingBefore : new Date(f.meetingBefore);
    clauses.push(`${nextMeetingDueKey.name} < '${before.toISOString()}'`);
  }
  return clauses.join(' AND ');
}
