/**
 * Moving the running trajecten of a region onto another covenant version (issue 15): a dry run that shows, per
 * traject, what the change would do (`previewMigration`, the very transition the migration runs), and the migration
 * itself, one traject at a time at a limited rate, with a report of what was migrated, skipped (and why) and failed.
 * Resumable by construction: a traject already on the target version is skipped, so running it again after a crash
 * moves only what was not moved yet, and nothing twice.
 */
import {
  covenantRef,
  decideCovenantChange,
  isSameCovenantVersion,
  previewMigration,
  reviveSnapshot,
  type Actor,
  type Covenant,
  type MigrationPreview,
  type Phase,
} from '../machines';
import type { MigrationProgress, MigrationState, TrajectStatus } from '../workflows/messages';
import { currentCovenantChangeRules } from '../workflows/patches';
import type { ListFilter, TrajectPage } from './tenancy-client';

/** What the migration needs of the SDK (TenancyClient has it all). */
export interface MigrationSource {
  list(filter: ListFilter): Promise<TrajectPage>;
  migrationState(clientRef: string): Promise<MigrationState>;
  changeCovenant(
    clientRef: string,
    change: { actor: Actor; covenant: Covenant; reason: string },
  ): Promise<TrajectStatus>;
}

export interface MigrationOptions {
  region: string;
  to: Covenant;
  phase?: Phase;
  actor: Actor;
  reason: string;
  dryRun: boolean;
  /** At most this many trajecten moved per second (default 5): the workers keep serving the partners. */
  ratePerSecond?: number;
  /** The time of the change, for the dry run (default now). */
  now?: () => string;
  sleep?: (ms: number) => Promise<void>;
}

/** What happened to one traject; `change` is what the change does (predicted by the dry run). */
export interface TrajectOutcome {
  clientRef: string;
  phase: string | null;
  result: 'migrated' | 'planned' | 'skipped' | 'failed';
  reason?: string;
  change?: Omit<MigrationPreview, 'after'>;
}

export interface MigrationReport {
  to: string;
  dryRun: boolean;
  outcomes: TrajectOutcome[];
  summary: {
    trajecten: number;
    migrated: number;
    planned: number;
    skipped: number;
    failed: number;
    deadlinesMoved: number;
    overdue: number;
    escalationsOpened: number;
    escalationsClosed: number;
  };
}

const message = (err: unknown) => (err instanceof Error ? err.message : 'unknown error');

/** One traject: what the change would do, or why it is skipped. */
async function planOne(
  source: MigrationSource,
  clientRef: string,
  phase: string | null,
  options: MigrationOptions,
  at: string,
): Promise<TrajectOutcome> {
  const state = await source.migrationState(clientRef);
  const snapshot = reviveSnapshot(state.snapshot);
  if (snapshot.status !== 'active')
    return { clientRef, phase, result: 'skipped', reason: 'the traject has ended' };
  if (isSameCovenantVersion(snapshot.context.covenant, options.to))
    return { clientRef, phase, result: 'skipped', reason: `already on ${covenantRef(options.to)}` };
  const decision = decideCovenantChange(
    snapshot,
    { actor: options.actor, covenant: options.to, reason: options.reason },
    at,
    currentCovenantChangeRules,
  );
  if (!decision.ok) return { clientRef, phase, result: 'failed', reason: decision.refusal.message };
  const { after: _after, ...change } = previewMigration(snapshot, state.timers, decision.event);
  return { clientRef, phase, result: 'planned', change };
}

/**
 * Every running traject of the region (of `phase`, if given): planned (dry run) or moved onto `to`, one at a time.
 * A traject that fails is reported and the others go on.
 */
export async function migrateRegion(
  source: MigrationSource,
  options: MigrationOptions,
): Promise<MigrationReport> {
  const now = options.now ?? (() => new Date().toISOString());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const interval = 1000 / (options.ratePerSecond ?? 5);
  const outcomes: TrajectOutcome[] = [];
  let nextPageToken: string | undefined;
  do {
    const page = await source.list({
      region: options.region,
      ...(options.phase ? { phase: options.phase } : {}),
      pageSize: 100,
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    for (const item of page.items.filter((i) => i.running)) {
      let outcome: TrajectOutcome;
      try {
        outcome = await planOne(source, item.clientRef, item.phase, options, now());
        if (outcome.result === 'planned' && !options.dryRun) {
          await source.changeCovenant(item.clientRef, {
            actor: options.actor,
            covenant: options.to,
            reason: options.reason,
          });
          outcome = { ...outcome, result: 'migrated' };
          await sleep(interval);
        }
      } catch (err) {
        outcome = { clientRef: item.clientRef, phase: item.phase, result: 'failed', reason: message(err) };
      }
      outcomes.push(outcome);
    }
    nextPageToken = page.nextPageToken;
  } while (nextPageToken);
  const count = (result: TrajectOutcome['result']) => outcomes.filter((o) => o.result === result).length;
  const changes = outcomes.flatMap((o) => (o.change ? [o.change] : []));
  return {
    to: covenantRef(options.to),
    dryRun: options.dryRun,
    outcomes,
    summary: {
      trajecten: outcomes.length,
      migrated: count('migrated'),
      planned: count('planned'),
      skipped: count('skipped'),
      failed: count('failed'),
      deadlinesMoved: changes.reduce((n, c) => n + c.deadlines.length, 0),
      overdue: changes.reduce((n, c) => n + c.deadlines.filter((d) => d.overdue).length, 0),
      escalationsOpened: changes.reduce((n, c) => n + c.escalationsOpened.length, 0),
      escalationsClosed: changes.reduce((n, c) => n + c.escalationsClosed.length, 0),
    },
  };
}

const day = (at: string | undefined) => (at ? at.slice(0, 10) : '—');

/** The report as `tidw migrate` prints it: per traject what changes, then the summary. */
export function formatMigrationReport(report: MigrationReport): string {
  const lines: string[] = [`${report.dryRun ? 'dry run: ' : ''}to ${report.to}`];
  for (const o of report.outcomes) {
    lines.push(`${o.clientRef} (${o.phase ?? '?'}): ${o.result}${o.reason ? `: ${o.reason}` : ''}`);
    const c = o.change;
    if (!c) continue;
    for (const d of c.deadlines) {
      lines.push(
        `  ${d.event}: ${day(d.from)} → ${day(d.to)}${d.overdue ? ' (overdue: fires at once)' : ''}`,
      );
    }
    if (c.invitationsAdded.length)
      lines.push(`  invitations added: ${c.invitationsAdded.map(day).join(', ')}`);
    if (c.invitationsDropped.length)
      lines.push(`  invitations dropped: ${c.invitationsDropped.map(day).join(', ')}`);
    if (c.earliestConversion.from !== c.earliestConversion.to)
      lines.push(`  earliest omklappen: ${day(c.earliestConversion.from)} → ${day(c.earliestConversion.to)}`);
    else if (c.earliestConversion.to)
      lines.push(`  earliest omklappen: ${day(c.earliestConversion.to)} (unchanged)`);
    if (c.escalationsOpened.length) lines.push(`  escalations opened: ${c.escalationsOpened.join(', ')}`);
    if (c.escalationsClosed.length)
      lines.push(`  escalations closed (no longer late): ${c.escalationsClosed.join(', ')}`);
  }
  const s = report.summary;
  lines.push(
    `${s.trajecten} trajecten: ${report.dryRun ? `${s.planned} would move` : `${s.migrated} migrated`}, ${s.skipped} skipped, ${s.failed} failed; ${s.deadlinesMoved} deadlines moved, ${s.overdue} overdue, ${s.escalationsOpened} escalations ${report.dryRun ? 'would open' : 'opened'}, ${s.escalationsClosed} ${report.dryRun ? 'would close' : 'closed'}`,
  );
  return lines.join('\n');
}

/** The references of a region's running trajecten (of `phase`, if given), every page. */
export async function runningTrajecten(
  source: Pick<MigrationSource, 'list'>,
  region: string,
  phase?: Phase,
): Promise<string[]> {
  const refs: string[] = [];
  let nextPageToken: string | undefined;
  do {
    const page = await source.list({
      region,
      ...(phase ? { phase } : {}),
      pageSize: 1000,
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    refs.push(...page.items.filter((i) => i.running).map((i) => i.clientRef));
    nextPageToken = page.nextPageToken;
  } while (nextPageToken);
  return refs;
}

/** The migration workflow's id for a region and version: one migration at a time per target. */
export function migrationIdFor(region: string, to: Covenant): string {
  return `covenant-migration-${region}-${covenantRef(to).replace('@', '-')}`;
}

/** The migration workflow's report as `tidw migrate` prints it. */
export function formatMigrationProgress(migrationId: string, p: MigrationProgress): string {
  return [
    `${migrationId}:`,
    ...p.outcomes.map((o) => `${o.clientRef}: ${o.result}${o.reason ? `: ${o.reason}` : ''}`),
    `${p.total} trajecten: ${p.migrated} migrated, ${p.skipped} skipped, ${p.failed} failed${p.done < p.total ? `, ${p.total - p.done} to go` : ''}`,
  ].join('\n');
}
