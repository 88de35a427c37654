/**
 * `tidw covenant diff`: what changed between two covenant versions, in plain words, with the source of each new value.
 * Pure (no server): both versions are presets, `<id>@<version>` or a bare id.
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
import type { TenancyClient } from '../tenancy-client';

/** What the migration commands need of `tidw`. */
export interface MigrationCommandsIo {
  print: (data: unknown, text: () => string) => void;
  connect: () => Promise<TenancyClient>;
}

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
    region: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, { message: 'expected a covenant id such as almere' }),
    to: z.string().min(1),
    phase: PhaseSchema.optional(),
    as: z.string(),
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

  program
    .command('migrate')
    .description(
      "move a region's running trajecten onto another covenant version; --dry-run shows per traject what changes",
    )
    .requiredOption('--region <covenant>', 'the region whose trajecten move, e.g. almere')
    .requiredOption('--to <version>', `the version to move to: ${covenantNames.join(', ')}`)
    .addOption(new Option('--phase <phase>', 'only trajecten in this public phase').choices([...phases]))
    .addOption(
      new Option(
        '--as <actor>',
        "who moves them (the covenant's migration roles, default the gemeente)",
      ).makeOptionMandatory(),
    )
    .option('--reason <text>', 'why (required; recorded with each change)', 'dry run')
    .option('--dry-run', 'change nothing: print what the change would do')
    .option(
      '--rate <n>',
      'at most this many trajecten per second (default 5): the batch size, one batch a second',
    )
    .action(async (opts: Record<string, unknown>) => {
      const parsed = MigrateArgsSchema.safeParse(opts);
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
      const result = await client.covenantMigrationResult(migrationId);
      io.print({ migrationId, ...result }, () => formatMigrationProgress(migrationId, result));
    });
}
