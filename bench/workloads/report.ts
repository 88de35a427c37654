/**
 * Workload 8, the covenant's report at scale: 50,000 trajects' facts seeded straight into the read model (a SQLite
 * file, as `npm start` keeps it), then `tidw report`'s work timed: read a region's facts from the file and compute
 * the half year's report. The baseline computes the same report from the facts already in memory, so the ratio is
 * what the store costs. The facts come from the what-if simulation (the pure machine), copied under new references
 * until there are enough: running 50,000 workflows end to end is not what this measures.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveReport, reportFromStore, simulate, type TrajectFacts } from '../../client/evaluation';
import { openSqliteStore, READ_MODEL_FILE, type FactsRecord } from '../../platform/read-model';
import { elapsedMs, median } from '../stats';

export interface ReportResult {
  trajects: number;
  /** Seconds per report, read from the store and computed ("engine"), and computed from memory ("baseline"). */
  storeSeconds: number[];
  memorySeconds: number[];
  seedSeconds: number;
  fileBytes: number;
}

const PERIOD = '2026-H2';
const AS_OF = '2027-01-01T00:00:00.000Z';

/** `count` facts: a simulated caseload, copied under new references. */
function generatedFacts(count: number, seed: number): TrajectFacts[] {
  const { facts } = simulate({ covenant: 'almere', clients: 500, years: 1, offersPerMonth: 4, seed });
  return Array.from({ length: count }, (_, i) => {
    const source = facts[i % facts.length]!;
    return { ...source, trajectRef: `bench-${String(i).padStart(6, '0')}` };
  });
}

export function runReportWorkload(options: { trajects: number; rounds: number; seed: number }): ReportResult {
  const dir = mkdtempSync(join(tmpdir(), 'tidw-bench-report-'));
  try {
    const facts = generatedFacts(options.trajects, options.seed);
    const file = join(dir, READ_MODEL_FILE);
    const store = openSqliteStore(file);
    const seeded = performance.now();
    const records: FactsRecord[] = facts.map((f, i) => ({
      workflowId: `traject-${f.trajectRef}`,
      seq: i + 1,
      facts: f,
    }));
    for (let i = 0; i < records.length; i += 5_000) store.putMany(records.slice(i, i + 5_000));
    const seedSeconds = elapsedMs(seeded) / 1000;
    store.close();

    const storeSeconds: number[] = [];
    const memorySeconds: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      let started = performance.now();
      // As `tidw report` does: open the file, read the region, compute, close.
      const reader = openSqliteStore(file, { readOnly: true });
      const report = reportFromStore(reader, { region: 'almere', period: PERIOD, asOf: AS_OF });
      reader.close();
      storeSeconds.push(elapsedMs(started) / 1000);
      if (report.scenarios[0]!.whole.trajects !== options.trajects)
        throw new Error(`the report counted ${report.scenarios[0]!.whole.trajects} trajects`);
      started = performance.now();
      liveReport(facts, { region: 'almere', period: PERIOD, asOf: AS_OF });
      memorySeconds.push(elapsedMs(started) / 1000);
    }
    const { size } = statSync(file);
    return { trajects: options.trajects, storeSeconds, memorySeconds, seedSeconds, fileBytes: size };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The report's figure: the median round. */
export const reportSeconds = (r: ReportResult) => ({
  store: median(r.storeSeconds),
  memory: median(r.memorySeconds),
});
