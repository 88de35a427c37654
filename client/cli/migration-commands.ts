/**
 * `tidw covenant diff`: what changed between two covenant versions, in plain words, with the source of each new value.
 * Pure (no server): both versions are presets, `<id>@<version>` or a bare id. `tidw migrate`: the dry run, or the
 * migration workflow followed with a progress bar; `tidw migrate status <id>`: where a migration stands.
 */
import { Option, type Command } from 'commander';
import { z } from 'zod';
import {
  covenantNames,
  covenantRef,
  diffCovenants,
  phases,
  PhaseSchema,
  resolveCovenant,
  type Covenant,
} from '../../machines';
import { InvalidInput } from '../errors';
import {
  formatMigrationProgress,
  formatMigrationReport,
  migrateRegion,
  migrationIdFor,
  runningTrajecten,
} from '../migration';
import { parseActor } from './args';
import type { CovenantMigrationState, TenancyClient } from '../tenancy-client';
import { followMigration, progressMode, type ProgressStream } from './migration-progress';

/** What the migration commands need of `tidw`. */
export interface MigrationCommandsIo {
  print: (data: unknown, text: () => string) => void;
  connect: () => Promise<TenancyClient>;
  /** Whether --json was given. */
  json: () => boolean;
  /** Where progress goes (stderr). */
  progress: ProgressStream;
}

/** A migration's state as `tidw migrate` and `tidw migrate status` print it. */
function formatState(state: CovenantMigrationState): string {
  return `${formatMigrationProgress(state.migrationId, state)}
state: ${state.state}`;
}

export const MigrationIdSchema = z.string().regex(/^covenant-migration-[a-z0-9-]{1,100}$/, {
  message: 'expected an id such as covenant-migration-almere-almere-2023-01',
});

/** The covenant a `--to` or diff argument names; InvalidInput naming the known ones when none. */
export function covenantNamed(name: string, field: string): Covenant {
  const covenant = resolveCovenant(name);
  if (!covenant) {
    throw new InvalidInput(`unknown covenant version ${name}`, [
      { field, message: `one of ${covenantNames.join(', ')}` },
    ]);
  }
  return covenant;
}

const MigrateArgsSchema = z
  .object({
    region: z
      .string({ message: 'required: the region whose trajecten move, e.g. almere' })
      .regex(/^[a-z][a-z0-9-]{1,39}$/, { message: 'expected a covenant id such as almere' }),
    to: z.string({ message: 'required: the version to move to, e.g. almere@2023-01' }).min(1),
    phase: PhaseSchema.optional(),
    as: z.string({ message: 'required: who moves them, e.g. gemeente:Gemeente Almere' }),
    reason: z
      .string()
      .trim()
      .min(3, { message: 'give the reason for the change (at least 3 characters)' })
      .max(500),
    dryRun: z.boolean().default(false),
    rate: z.coerce.number().positive().max(100).default(5),
  })
  .strict();

/** Registers `covenant diff` on the existing `covenant` command of `tidw`, and `migrate`. */
export function registerMigrationCommands(program: Command, io: MigrationCommandsIo): void {
  const covenant = program.commands.find((c) => c.name() === 'covenant') ?? program.command('covenant');
  covenant
    .command('diff')
    .description(
      'what changed between two covenant versions, in plain words, e.g. almere@2021-10 almere@2023-01',
    )
    .argument('<from>', 'the version running trajecten are on')
    .argument('<to>', 'the newer version')
    .action((fromName: string, toName: string) => {
      const from = covenantNamed(fromName, '<from>');
      const to = covenantNamed(toName, '<to>');
      const differences = diffCovenants(from, to);
      io.print(
        { from: covenantRef(from), to: covenantRef(to), effectiveFrom: to.effectiveFrom, differences },
        () =>
          [
            `${covenantRef(from)} → ${covenantRef(to)}${to.effectiveFrom ? ` (effective ${to.effectiveFrom})` : ''}: ${differences.length} change(s)`,
            ...differences.map(
              (d) =>
                `  ${d.text}${d.source ? ` [${d.assumption ? 'assumption, ' : ''}source ${d.source}]` : ''}`,
            ),
          ].join('\n'),
      );
    });

  const migrate = program
    .command('migrate')
    .description(
      "move a region's running trajecten onto another covenant version; --dry-run shows per traject what changes",
    )
    // Checked by the schema in the action, not by commander: `migrate status` must not need them.
    .option('--region <covenant>', 'the region whose trajecten move, e.g. almere (required)')
    .option('--to <version>', `the version to move to (required): ${covenantNames.join(', ')}`)
    .addOption(new Option('--phase <phase>', 'only trajecten in this public phase').choices([...phases]))
    .option('--as <actor>', "who moves them (required; the covenant's migration roles, default the gemeente)")
    .option('--reason <text>', 'why (required; recorded with each change)', 'dry run')
    .option('--dry-run', 'change nothing: print what the change would do')
    .option(
      '--rate <n>',
      'at most this many trajecten per second (default 5): the batch size, one batch a second',
    )
    .option('--detach', 'start the migration and return; follow it with `tidw migrate status <id>`')
    .action(async (opts: Record<string, unknown>) => {
      const { detach, ...rest } = opts;
      const parsed = MigrateArgsSchema.safeParse(rest);
      if (!parsed.success) {
        throw new InvalidInput(
          'invalid migrate arguments',
          parsed.error.issues.map((i) => ({ field: `--${i.path.join('.')}`, message: i.message })),
        );
      }
      const args = parsed.data;
      if (!args.dryRun && args.reason === 'dry run') {
        throw new InvalidInput('missing --reason', [
          { field: '--reason', message: 'say why the trajecten move; it is recorded with each change' },
        ]);
      }
      const to = covenantNamed(args.to, '--to');
      if (to.id !== args.region) {
        throw new InvalidInput(`${args.to} is no version of ${args.region}`, [
          { field: '--to', message: `a version of ${args.region}` },
        ]);
      }
      const client = await io.connect();
      const actor = parseActor(args.as);
      if (args.dryRun) {
        const report = await migrateRegion(client, {
          region: args.region,
          to,
          ...(args.phase ? { phase: args.phase } : {}),
          actor,
          reason: args.reason,
          dryRun: true,
        });
        io.print(report, () => formatMigrationReport(report));
        return;
      }
      // The migration itself is a workflow of its own: it survives this process and resumes after a restart.
      const migrationId = migrationIdFor(args.region, to);
      const clientRefs = await runningTrajecten(client, args.region, args.phase);
      await client.startCovenantMigration(migrationId, {
        clientRefs,
        covenant: to,
        actor,
        reason: args.reason,
        batchSize: Math.max(1, Math.ceil(args.rate)),
        pauseMs: 1000,
      });
      if (detach) {
        io.print({ migrationId, state: 'running', total: clientRefs.length }, () =>
          [
            `started ${migrationId}: ${clientRefs.length} trajecten`,
            `follow it with: tidw migrate status ${migrationId} --watch`,
          ].join('\n'),
        );
        return;
      }
      const mode = progressMode(io.progress, io.json());
      const final = await followMigration(() => client.covenantMigration(migrationId), io.progress, mode);
      io.print(final, () => formatState(final));
    });

  migrate
    .command('status')
    .description(
      'where a covenant migration stands: counts, and each traject migrated, skipped (why) or failed',
    )
    .argument(
      '<migration-id>',
      'the id `tidw migrate` printed, e.g. covenant-migration-almere-almere-2023-01',
    )
    .option('--watch', 'follow it until it ends, with a progress bar')
    .action(async (id: string, opts: { watch?: boolean }) => {
      const parsed = MigrationIdSchema.safeParse(id);
      if (!parsed.success) {
        throw new InvalidInput('invalid migration id', [
          { field: '<migration-id>', message: parsed.error.issues[0]!.message },
        ]);
      }
      const client = await io.connect();
      const state = opts.watch
        ? await followMigration(
            () => client.covenantMigration(parsed.data),
            io.progress,
            progressMode(io.progress, io.json()),
          )
        : await client.covenantMigration(parsed.data);
      io.print(state, () => formatState(state));
    });
}
