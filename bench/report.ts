/**
 * The benchmark's results: one row per figure with engine, baseline and their ratio, where each target stands, the
 * table printed (Markdown, so that it can go into the README's Performance section as it is), and the JSON file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MachineDescription } from './system';
import { ratio } from './stats';

export type TargetStatus = 'met' | 'not met' | 'not measured';

export interface Row {
  figure: string;
  unit: string;
  engine: number;
  baseline: number;
  /** engine / baseline */
  ratio: number;
  target?: string;
  status?: TargetStatus;
  /** Why a status is what it is, when the figures alone do not say. */
  note?: string;
}

export interface Results {
  date: string;
  seconds: number;
  seed: number;
  options: Record<string, unknown>;
  machine: MachineDescription;
  versions: Record<string, string>;
  rows: Row[];
  workloads: Record<string, unknown>;
  problems: string[];
}

/** A figure where more is better (throughput) or less is better (latency, size, memory). */
export function row(
  figure: string,
  unit: string,
  engine: number,
  baseline: number,
  target?: { text: string; met: (engine: number, ratio: number) => boolean },
): Row {
  const r = ratio(engine, baseline);
  const result: Row = { figure, unit, engine, baseline, ratio: r };
  if (target) {
    result.target = target.text;
    result.status = Number.isFinite(engine) ? (target.met(engine, r) ? 'met' : 'not met') : 'not measured';
  }
  return result;
}

function format(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '–';
  if (unit === 'MiB') return (value / 2 ** 20).toFixed(0);
  if (unit === 'KiB') return (value / 2 ** 10).toFixed(1);
  if (unit === 'trajects') return Math.round(value).toLocaleString('en-US');
  if (value >= 10_000) return Math.round(value).toLocaleString('en-US');
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** The results as a Markdown table, with the run's conditions underneath. */
export function table(results: Results): string {
  const lines = [
    '| figure | engine | baseline | engine / baseline | target | where we stand |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...results.rows.map(
      (r) =>
        `| ${r.figure} (${r.unit}) | ${format(r.engine, r.unit)} | ${format(r.baseline, r.unit)} | ${
          Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : '–'
        } | ${r.target ?? ''} | ${[r.status, r.note].filter(Boolean).join(': ')} |`,
    ),
  ];
  const m = results.machine;
  lines.push(
    '',
    `${results.date}, ${Math.round(results.seconds)} s, seed ${results.seed}; ${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; ${results.versions.temporalCli?.split('\n')[0] ?? ''}`,
  );
  if (results.problems.length > 0) {
    lines.push('', `${results.problems.length} problem(s), first ones:`);
    lines.push(...results.problems.slice(0, 10).map((p) => `- ${p}`));
  }
  return lines.join('\n');
}

export function writeResults(file: string, results: Results): void {
  mkdirSync(dirname(file), { recursive: true });
  const replacer = (_key: string, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? null : value;
  writeFileSync(file, `${JSON.stringify(results, replacer, 2)}\n`);
}
