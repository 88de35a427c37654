/** From the workloads' raw results to the table's rows, with the targets of issue 7. */
import { row, type Row } from './report';
import { percentile } from './stats';
import type { VariantName } from './variants';
import type { CapacityResult } from './workloads/capacity';
import type { HeapResult } from './workloads/heap';
import type { CaseloadResult } from './workloads/caseload';
import type { GatewayResult } from './workloads/gateway';
import type { HistorySize } from './workloads/history';
import type { LatencyRound } from './workloads/latency';
import type { MachineRound } from './workloads/machine';
import type { FloorRound } from './workloads/machine-floor';
import type { ReplayPass } from './workloads/replay';
import { reportSeconds, type ReportResult } from './workloads/report';
import type { ThroughputResult } from './workloads/throughput';

type PerVariant<T> = Partial<Record<VariantName, T>>;

export interface WorkloadResults {
  throughput?: { memory: PerVariant<ThroughputResult>; sqlite: PerVariant<ThroughputResult> };
  latency?: PerVariant<LatencyRound[]>;
  history?: PerVariant<HistorySize>;
  replay?: PerVariant<ReplayPass[]>;
  capacity?: PerVariant<CapacityResult>;
  heap?: PerVariant<HeapResult>;
  machine?: PerVariant<MachineRound[]>;
  /** XState alone on the machine's states and edges (`bare`), and with one assign per transition (`stamped`). */
  machineFloor?: { bare: FloorRound[]; stamped: FloorRound[] };
  /** The HTTP door against the SDK directly: `engine` is through the gateway, `baseline` the SDK. */
  gateway?: GatewayResult;
  /** Mijn werk for one organisation's caseload: `engine` is the page, `baseline` the SDK's calls it needs. */
  caseload?: CaseloadResult;
  /** The covenant's report over the read model: `engine` reads the SQLite file, `baseline` the facts in memory. */
  report?: ReportResult;
}

const GiB = 2 ** 30;

const atLeast = (factor: number) => ({
  text: `≥ ${factor} × baseline`,
  met: (_engine: number, ratio: number) => ratio >= factor,
});
const atMost = (factor: number) => ({
  text: `≤ ${factor} × baseline`,
  met: (_engine: number, ratio: number) => ratio <= factor,
});

/** Chains replayed per second over all passes of a variant. */
export function replayRate(passes: readonly ReplayPass[] = []): number {
  const seconds = passes.reduce((s, p) => s + p.seconds, 0);
  return seconds > 0 ? passes.reduce((s, p) => s + p.chains, 0) / seconds : Number.NaN;
}

/** Transitions per second over all rounds of a variant (or of a floor). */
export function machineRate(rounds: ReadonlyArray<MachineRound | FloorRound> = []): number {
  const seconds = rounds.reduce((s, r) => s + r.seconds, 0);
  return seconds > 0 ? rounds.reduce((s, r) => s + r.transitions, 0) / seconds : Number.NaN;
}

export function latencies(rounds: readonly LatencyRound[] = []): number[] {
  return rounds.flatMap((r) => r.latenciesMs);
}

const pointAt = (result: CapacityResult | undefined, open: number) =>
  result?.points.find((p) => p.openTrajects === open && p.target === open);
const largest = (result: CapacityResult | undefined) => result?.points[result.points.length - 1];
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

/**
 * Memory at each count of open trajects. A count a variant did not reach in its time box has no figure; the most it
 * reached is shown instead. RSS only grows with open trajects (the cache fills up to its size), so a worker already
 * over 1 GiB at fewer than 10,000 does not meet the target at 10,000 either.
 */
function capacityRows(capacity: NonNullable<WorkloadResults['capacity']>, counts: readonly number[]): Row[] {
  const rows: Row[] = [];
  const nan = Number.NaN;
  for (const open of counts) {
    const e = pointAt(capacity.engine, open);
    const b = pointAt(capacity.baseline, open);
    const count = open.toLocaleString('en-US');
    const worker = row(
      `Worker RSS, ${count} open trajects`,
      'MiB',
      e?.workerRssBytes ?? nan,
      b?.workerRssBytes ?? nan,
    );
    if (open === 10_000) {
      worker.target = '≤ 1 GiB';
      const most = largest(capacity.engine);
      if (e) worker.status = e.workerRssBytes <= GiB ? 'met' : 'not met';
      else if (most && most.workerRssBytes > GiB) {
        worker.status = 'not met';
        worker.note = `${mib(most.workerRssBytes)} with ${most.openTrajects.toLocaleString('en-US')} open already`;
      } else worker.status = 'not measured';
    }
    rows.push(
      worker,
      row(`Server RSS, ${count} open trajects`, 'MiB', e?.serverRssBytes ?? nan, b?.serverRssBytes ?? nan),
    );
  }
  const last = counts[counts.length - 1] ?? 0;
  const e = largest(capacity.engine);
  const b = largest(capacity.baseline);
  if ((e && e.openTrajects < last) || (b && b.openTrajects < last)) {
    // Different counts: a ratio would compare unlike things.
    const unpaired = (r: Row): Row => ({ ...r, ratio: nan });
    rows.push(
      unpaired(
        row(
          'Most open trajects reached in the time box',
          'trajects',
          e?.openTrajects ?? nan,
          b?.openTrajects ?? nan,
        ),
      ),
      unpaired(row('Worker RSS there', 'MiB', e?.workerRssBytes ?? nan, b?.workerRssBytes ?? nan)),
      unpaired(row('Server RSS there', 'MiB', e?.serverRssBytes ?? nan, b?.serverRssBytes ?? nan)),
    );
  }
  // Per point: at the first every traject is a new workflow that stays cached (issue 14's target is taken there); at
  // the last the cache is full and evicting.
  const perTraject = (c: CapacityResult | undefined, i: number) => {
    const p = c?.points[i];
    return c && p && p.cachedWorkflows > 0
      ? (p.workerRssBytes - c.idle.workerRssBytes) / p.cachedWorkflows
      : nan;
  };
  const pointName = (c: CapacityResult | undefined, i: number) =>
    (c?.points[i]?.openTrajects ?? counts[i] ?? 0).toLocaleString('en-US');
  // The first point: every traject opened for it is a new workflow that stays cached (none is evicted and replayed).
  const first = (c: CapacityResult | undefined) => c?.points[0]?.workflowThreadCpuMsPerOpened ?? nan;
  rows.push(
    ...counts.map((_, i) =>
      row(
        `Worker memory per cached traject, ${pointName(capacity.engine, i)} open`,
        'KiB',
        perTraject(capacity.engine, i),
        perTraject(capacity.baseline, i),
        i === 0 ? atMost(1.5) : undefined,
      ),
    ),
    row(
      `Opening a traject: workflow-thread CPU per new workflow, first ${(counts[0] ?? 0).toLocaleString('en-US')}`,
      'ms',
      first(capacity.engine),
      first(capacity.baseline),
      atMost(1.5),
    ),
  );
  return rows;
}

/** The gateway's rows: its column is "engine", the SDK called directly is "baseline". */
function gatewayRows(g: GatewayResult): Row[] {
  const { gateway, sdk } = g.latenciesMs;
  return [
    row(
      'Update round trip p50, through the gateway vs the SDK directly',
      'ms',
      percentile(gateway, 50),
      percentile(sdk, 50),
    ),
    row(
      'Update round trip p99, through the gateway vs the SDK directly',
      'ms',
      percentile(gateway, 99),
      percentile(sdk, 99),
      {
        text: '≤ 1.1 × SDK',
        met: (_gateway: number, ratio: number) => ratio <= 1.1,
      },
    ),
    row(
      `Status reads at ${g.options.clients} clients, through the gateway vs the SDK directly`,
      'reads/s',
      g.statusReadsPerSecond.gateway,
      g.statusReadsPerSecond.sdk,
    ),
  ];
}

/** The caseload page's rows: its column is "engine", the SDK's calls for it (counts, first page) "baseline". */
function caseloadRows(c: CaseloadResult): Row[] {
  const { page, sdk } = c.latenciesMs;
  const n = c.options.trajects.toLocaleString('en');
  return [
    row(
      `Mijn werk at ${n} open trajecten p50, page vs the SDK's calls`,
      'ms',
      percentile(page, 50),
      percentile(sdk, 50),
    ),
    row(
      `Mijn werk at ${n} open trajecten p95, page vs the SDK's calls`,
      'ms',
      percentile(page, 95),
      percentile(sdk, 95),
      {
        text: '≤ 300 ms',
        met: (value: number) => value <= 300,
      },
    ),
    {
      ...row(
        `Opening ${n} trajecten (64 starts in flight)`,
        'trajecten/s',
        c.options.trajects / c.openSeconds,
        Number.NaN,
      ),
      ratio: Number.NaN,
    },
  ];
}

export function figures(results: WorkloadResults, capacityCounts: readonly number[]): Row[] {
  const rows: Row[] = [];
  const nan = Number.NaN;
  const tp = results.throughput;
  if (tp) {
    for (const [persistence, label] of [
      ['sqlite', 'SQLite'],
      ['memory', 'in-memory'],
    ] as const) {
      const e = tp[persistence].engine;
      const b = tp[persistence].baseline;
      rows.push(
        row(
          `Throughput, ${label} server`,
          'trajects/s',
          e?.trajectsPerSecond ?? nan,
          b?.trajectsPerSecond ?? nan,
          atLeast(0.9),
        ),
        row(
          `State transitions, ${label} server`,
          'transitions/s',
          e?.transitionsPerSecond ?? nan,
          b?.transitionsPerSecond ?? nan,
        ),
        row(
          `CPU per traject, worker + coordinators, ${label} server`,
          'ms',
          e?.benchCpuMsPerTraject ?? nan,
          b?.benchCpuMsPerTraject ?? nan,
        ),
        row(
          `CPU per traject, dev server, ${label} server`,
          'ms',
          e?.serverCpuMsPerTraject ?? nan,
          b?.serverCpuMsPerTraject ?? nan,
        ),
      );
    }
    // The engine with every payload encrypted, against the same baseline: next to the SQLite rows above, the cost
    // of the codec.
    const x = tp.sqlite.encrypted;
    if (x) {
      const b = tp.sqlite.baseline;
      rows.push(
        row(
          'Throughput, SQLite server, payloads encrypted',
          'trajects/s',
          x.trajectsPerSecond,
          b?.trajectsPerSecond ?? nan,
        ),
        row(
          'CPU per traject, worker + coordinators, SQLite server, payloads encrypted',
          'ms',
          x.benchCpuMsPerTraject,
          b?.benchCpuMsPerTraject ?? nan,
        ),
      );
    }
    const speedUp = (v: VariantName) =>
      (tp.memory[v]?.trajectsPerSecond ?? nan) / (tp.sqlite[v]?.trajectsPerSecond ?? nan);
    rows.push(
      row('Throughput, in-memory server ÷ SQLite server', '×', speedUp('engine'), speedUp('baseline')),
    );
  }
  if (results.latency) {
    const e = latencies(results.latency.engine);
    const b = latencies(results.latency.baseline);
    rows.push(
      row('Update round trip p50', 'ms', percentile(e, 50), percentile(b, 50)),
      row('Update round trip p95', 'ms', percentile(e, 95), percentile(b, 95)),
      row('Update round trip p99', 'ms', percentile(e, 99), percentile(b, 99), atMost(1.2)),
    );
  }
  if (results.replay) {
    rows.push(
      row(
        'Auditor replay of three-year trajects',
        'trajects/s',
        replayRate(results.replay.engine),
        replayRate(results.replay.baseline),
        atLeast(0.9),
      ),
    );
    if (results.replay.encrypted?.length) {
      rows.push(
        row(
          'Auditor replay of three-year trajects, payloads encrypted',
          'trajects/s',
          replayRate(results.replay.encrypted),
          replayRate(results.replay.baseline),
        ),
      );
    }
  }
  if (results.history) {
    const e = results.history.engine;
    const b = results.history.baseline;
    rows.push(
      row(
        'History per three-year traject, whole chain',
        'events',
        e?.eventsPerTraject ?? nan,
        b?.eventsPerTraject ?? nan,
      ),
      row(
        'History per three-year traject, whole chain',
        'KiB',
        e?.bytesPerTraject ?? nan,
        b?.bytesPerTraject ?? nan,
      ),
      row('Runs per three-year traject', 'runs', e?.runsPerTraject ?? nan, b?.runsPerTraject ?? nan),
      row('Largest single run', 'events', e?.largestRunEvents ?? nan, b?.largestRunEvents ?? nan, {
        text: '≤ 400 events',
        met: (engine) => engine <= 400,
      }),
      row('Largest single run', 'KiB', e?.largestRunBytes ?? nan, b?.largestRunBytes ?? nan),
    );
    const x = results.history.encrypted;
    if (x) {
      rows.push(
        row(
          'History per three-year traject, whole chain, payloads encrypted',
          'KiB',
          x.bytesPerTraject,
          b?.bytesPerTraject ?? nan,
        ),
      );
    }
  }
  if (results.capacity) rows.push(...capacityRows(results.capacity, capacityCounts));
  if (results.heap) {
    const { engine: e, baseline: b } = results.heap;
    rows.push(
      row(
        `Live heap per cached traject, after a full collection (${(e ?? b)?.trajects ?? 0} open)`,
        'KiB',
        e?.bytesPerTraject ?? nan,
        b?.bytesPerTraject ?? nan,
      ),
    );
  }
  if (results.machine) {
    rows.push(
      row(
        'Pure machine, no Temporal',
        'transitions/s',
        machineRate(results.machine.engine),
        machineRate(results.machine.baseline),
        { text: '≥ 100,000 transitions/s', met: (rate: number) => rate >= 100_000 },
      ),
    );
    const floor = results.machineFloor;
    if (floor) {
      const engineRate = machineRate(results.machine.engine);
      rows.push(
        row(
          "Pure machine vs XState alone on the machine's states and edges",
          'transitions/s',
          engineRate,
          machineRate(floor.bare),
        ),
        row(
          "Pure machine vs XState alone on the machine's states and edges, one assign per transition",
          'transitions/s',
          engineRate,
          machineRate(floor.stamped),
        ),
      );
    }
  }
  if (results.gateway) rows.push(...gatewayRows(results.gateway));
  if (results.caseload) rows.push(...caseloadRows(results.caseload));
  if (results.report) {
    const { store, memory } = reportSeconds(results.report);
    rows.push(
      row(
        `Half-year report over ${results.report.trajects} trajects, from the read model vs from memory`,
        's',
        store,
        memory,
        { text: '≤ 10 s', met: (seconds: number) => seconds <= 10 },
      ),
    );
  }
  return rows;
}
