/**
 * `tidw report --region almere --period 2026-H1`: the covenant's evaluation of the live trajects, read from the read
 * model the workflows keep (`.data/read-model.db` on the embedded default, see platform/read-model). Pseudonymous facts
 * only: the report holds counts, shares and durations, never a traject's reference.
 */
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { openSqliteStore, readModelFile } from '../../platform/read-model';
import { PeriodSchema, reportFromStore } from '../evaluation';
import { InvalidInput } from '../errors';
import { formats, problemsOf, render, type EvaluationIo } from './evaluation-format';

const ReportArgsSchema = z
  .object({
    region: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, { message: 'a covenant id such as almere' }),
    period: PeriodSchema,
    format: z.enum(formats).default('text'),
    out: z.string().optional(),
    asOf: z.iso.datetime().optional(),
  })
  .strict();

export function registerReportCommands(program: Command, io: EvaluationIo): void {
  program
    .command('report')
    .description(
      "the covenant's half-yearly evaluation of the live trajects of a region, from the read model",
    )
    .requiredOption('--region <id>', 'the covenant (region), e.g. almere')
    .requiredOption('--period <period>', 'e.g. 2026-H1, 2026-Q3, 2026 or 2026-01-01/2026-04-01')
    .addOption(new Option('--format <format>', 'output format').choices([...formats]).default('text'))
    .option('--out <file>', 'write to this file instead of printing')
    .option('--as-of <instant>', 'count deadlines up to this instant instead of now (ISO 8601)')
    .action((opts: Record<string, unknown>, cmd: Command) => {
      const json = Boolean(cmd.optsWithGlobals<{ json?: boolean }>().json);
      const parsed = ReportArgsSchema.safeParse(opts);
      if (!parsed.success) throw new InvalidInput('invalid report arguments', problemsOf(parsed.error));
      const args = parsed.data;
      const store = openSqliteStore(readModelFile(io.env ?? process.env), { readOnly: true });
      try {
        const report = reportFromStore(store, {
          region: args.region,
          period: args.period,
          asOf: args.asOf ?? new Date().toISOString(),
        });
        const text = render(report, json ? 'json' : args.format);
        if (args.out) {
          writeFileSync(args.out, text.endsWith('\n') ? text : `${text}\n`);
          io.out(`evaluation of ${args.region} ${args.period.label} written to ${args.out}`);
        } else io.out(text.trimEnd());
      } finally {
        store.close();
      }
    });
}
