/**
 * `tidw token` and `tidw log`: the command line's side of the HTTP gateway. `token` mints a short-lived token with the
 * development issuer of the embedded default (its key in the data directory); `log` reads the processing log.
 */
import { Option, type Command } from 'commander';
import { devIssuerSettings, loadDevIssuerKey, mintDevToken } from '../../platform/dev-issuer';
import { processingLogDir, readProcessingLog } from '../../platform/processing-log';
import { InvalidInput } from '../errors';
import { parseActor, parseDate, parsePositive } from './args';
import type { CliIo } from './program';

type Print = (data: unknown, text: () => string) => void;

export function registerGatewayCommands(program: Command, io: CliIo, print: Print): void {
  program
    .command('token')
    .description(
      "a short-lived bearer token from the embedded gateway's development issuer, for curl and tests",
    )
    .addOption(
      new Option(
        '--as <actor>',
        'who the token is for: <role>[:<organisation>[:<personId>]], e.g. corporatie:Ymere',
      ).makeOptionMandatory(),
    )
    .option('--person <id>', 'the pseudonymous person id (a client: its own client reference)')
    .option('--minutes <n>', 'lifetime in minutes (default 15)')
    .action(async (opts: { as: string; person?: string; minutes?: string }) => {
      if (io.env.TIDW_OIDC_ISSUER) {
        throw new InvalidInput('this gateway trusts another issuer', [
          { field: 'TIDW_OIDC_ISSUER', message: 'get a token from that identity provider instead' },
        ]);
      }
      const actor = parseActor(opts.as, opts.person ?? io.env.TIDW_PERSON_ID ?? 'cli');
      const settings = devIssuerSettings(io.env);
      const key = await loadDevIssuerKey(settings.dataDir);
      const minutes = opts.minutes ? parsePositive(opts.minutes, '--minutes') : 15;
      const token = await mintDevToken(key, actor, {
        issuer: settings.issuer,
        audience: settings.audience,
        lifetimeSeconds: minutes * 60,
      });
      print({ token, issuer: settings.issuer, actor, expiresInMinutes: minutes }, () => token);
    });

  program
    .command('log')
    .description(
      'the processing log: who read or wrote which traject, when, and with what outcome (auditors)',
    )
    .option('--traject <ref>', 'only records of this traject')
    .option('--since <date>', 'only records from this date or date-time')
    .option('--limit <n>', 'only the last n records')
    .action((opts: { traject?: string; since?: string; limit?: string }) => {
      const settings = devIssuerSettings(io.env);
      const records = readProcessingLog(processingLogDir(settings.dataDir, io.env.TIDW_PROCESSING_LOG_DIR), {
        ...(opts.traject ? { trajectRef: opts.traject } : {}),
        ...(opts.since ? { since: new Date(parseDate(opts.since, '--since')).toISOString() } : {}),
        ...(opts.limit ? { limit: parsePositive(opts.limit, '--limit') } : {}),
      });
      print(records, () =>
        records
          .map((r) =>
            [
              r.at,
              r.operation.padEnd(20),
              (r.trajectRef ?? '-').padEnd(14),
              `${r.actor.role}${r.actor.organisation ? ` (${r.actor.organisation})` : ''} ${r.actor.personId}`,
              `${r.outcome}${r.code ? ` ${r.code}` : ''}`,
              `trace ${r.traceId}`,
            ].join('  '),
          )
          .join('\n'),
      );
    });
}
