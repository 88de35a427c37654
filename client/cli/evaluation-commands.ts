/**
 * `tidw simulate`: the covenant's evaluation figures for a what-if scenario, run on the pure traject machine (no
 * server needed). Arguments are parsed with zod; bad input is an InvalidInput, which `tidw` turns into exit 2.
 *
 * `tidw report` (report-commands.ts) reads the live trajects' facts from the read model and uses the same formatters.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { presetCovenants } from '../../machines';
import {
  comparableParameters,
  ScenarioSchema,
  simulate,
  simulationReport,
  type Scenario,
  type ScenarioInput,
} from '../evaluation';
import { InvalidInput } from '../errors';
import { formats, problemsOf, render, type EvaluationIo } from './evaluation-format';
import { registerReportCommands } from './report-commands';

export type { EvaluationIo } from './evaluation-format';



const SimulateArgsSchema = z
  .object({
    covenant: z.enum(Object.keys(presetCovenants) as [string, ...string[]]).optional(),
    clients: z.coerce.number().int().min(1).max(100_000).optional(),
    years: z.coerce.number().int().min(1).max(10).optional(),
    offersPerMonth: z.coerce.number().positive().max(1000).optional(),
    seed: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
    start: z.iso.date().optional(),
    scenario: z.string().optional(),
    compare: z
      .array(
        z.string().regex(/^[A-Za-z][A-Za-z-]*=-?\d+(\.\d+)?$/, {
          message: 'expected name=value, such as offers-per-month=6',
        }),
      )
      .default([]),
    format: z.enum(formats).default('text'),
    out: z.string().optional(),
  })
  .strict();

function readScenarioFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InvalidInput(`cannot read scenario ${path}`, [
      { field: '--scenario', message: (err as Error).message },
    ]);
  }
}

function checkScenario(input: unknown, what: string): Scenario {
  const parsed = ScenarioSchema.safeParse(input);
  if (!parsed.success) throw new InvalidInput(`${what} is not valid`, problemsOf(parsed.error, 'scenario.'));
  return parsed.data;
}

/** `name=value` applied to the base scenario: the variant a comparison runs. */
function variantOf(base: Scenario, compare: string): Scenario {
  const [name = '', value = ''] = compare.split('=');
  const apply = comparableParameters[name];
  if (!apply)
    throw new InvalidInput(`cannot compare on ${name}`, [
      { field: '--compare', message: `one of ${Object.keys(comparableParameters).join(', ')}` },
    ]);
  return checkScenario(apply(base, Number(value)), `--compare ${compare}`);
}

/** Registers the evaluation commands on `tidw`: simulate, and report (report-commands.ts). */
export function registerEvaluationCommands(program: Command, io: EvaluationIo): void {
  registerReportCommands(program, io);
  program
    .command('simulate')
    .description(
      "what-if: run a synthetic caseload through the traject machine and report the covenant's evaluation figures",
    )
    .option(
      '--covenant <id>',
      `the covenant whose rules apply: ${Object.keys(presetCovenants).join(', ')} (default almere)`,
    )
    .option('--clients <n>', 'clients registered over the run (default 200)')
    .option('--years <n>', 'years simulated (default 3)')
    .option(
      '--offers-per-month <n>',
      'homes offered per month across the corporations, one shared queue (default 2.5)',
    )
    .option('--seed <n>', 'the same seed gives the same run (default 1)')
    .option('--start <date>', 'first day of the run (default 2026-01-01)')
    .option('--scenario <file.json>', 'a scenario file (rates and parameters); the options above override it')
    .option(
      '--compare <name=value>',
      'run a second scenario that differs only in this, side by side (repeatable), e.g. offers-per-month=6',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .addOption(new Option('--format <format>', 'output format').choices([...formats]).default('text'))
    .option('--out <file>', 'write to this file instead of printing')
    .action((opts: Record<string, unknown>, cmd: Command) => {
      const json = Boolean(cmd.optsWithGlobals<{ json?: boolean }>().json);
      const parsed = SimulateArgsSchema.safeParse(opts);
      if (!parsed.success) throw new InvalidInput('invalid simulate arguments', problemsOf(parsed.error));
      const args = parsed.data;
      const fromFile = args.scenario ? (readScenarioFile(args.scenario) as ScenarioInput) : {};
      const base = checkScenario(
        {
          ...fromFile,
          ...(args.covenant !== undefined ? { covenant: args.covenant } : {}),
          ...(args.clients !== undefined ? { clients: args.clients } : {}),
          ...(args.years !== undefined ? { years: args.years } : {}),
          ...(args.offersPerMonth !== undefined ? { offersPerMonth: args.offersPerMonth } : {}),
          ...(args.seed !== undefined ? { seed: args.seed } : {}),
          ...(args.start !== undefined ? { start: args.start } : {}),
        },
        args.scenario ?? 'the scenario',
      );
      const variants = args.compare.map((c) => ({ name: c, scenario: variantOf(base, c) }));
      const started = performance.now();
      const runs = [{ name: 'base', scenario: base }, ...variants].map(({ name, scenario }) => ({
        name,
        result: simulate(scenario),
      }));
      const report = simulationReport(runs);
      const seconds = (performance.now() - started) / 1000;
      io.err(
        `simulated ${runs.length} scenario(s) of ${base.clients} clients over ${base.years} year(s) in ${seconds.toFixed(1)} s`,
      );
      const text = render(report, json ? 'json' : args.format);
      if (args.out) {
        writeFileSync(args.out, text.endsWith('\n') ? text : `${text}\n`);
        io.out(`evaluation of ${runs.length} scenario(s) written to ${args.out}`);
      } else {
        io.out(text.trimEnd());
      }
    });
}
