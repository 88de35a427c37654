/**
 * `tidw covenant diff`: what changed between two covenant versions, in plain words, with the source of each new value.
 * Pure (no server): both versions are presets, `<id>@<version>` or a bare id.
 */
import type { Command } from 'commander';
import { covenantNames, covenantRef, diffCovenants, resolveCovenant, type Covenant } from '../../machines';
import { InvalidInput } from '../errors';
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

/** Registers `covenant diff` on the existing `covenant` command of `tidw`. */
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
}
