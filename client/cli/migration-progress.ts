/**
 * Following a covenant migration in `tidw`: a progress bar on a terminal, one plain line per change of progress when
 * the output goes elsewhere (a log, CI), one JSON line per change under --json. Always on stderr: stdout keeps the
 * report alone.
 */
import type { CovenantMigrationState } from '../tenancy-client';

/** Where progress goes: stderr, and whether it is a terminal. */
export interface ProgressStream {
  isTTY: boolean;
  write: (text: string) => void;
}

export type ProgressMode = 'bar' | 'lines' | 'json';

export function progressMode(stream: ProgressStream, json: boolean): ProgressMode {
  if (json) return 'json';
  return stream.isTTY ? 'bar' : 'lines';
}

const counts = (p: CovenantMigrationState) =>
  `${p.migrated} migrated, ${p.skipped} skipped, ${p.failed} failed`;

/** `[#########---------] 6/12 50% · 5 migrated, 1 skipped, 0 failed` */
export function progressBar(p: CovenantMigrationState, width = 24): string {
  const share = p.total === 0 ? 1 : p.done / p.total;
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done}/${p.total} ${Math.round(share * 100)}% · ${counts(p)}`;
}

/** One plain line of progress. */
export function progressLine(p: CovenantMigrationState): string {
  return `${p.migrationId}: ${p.done} of ${p.total} done (${counts(p)})${p.state === 'running' ? '' : `; ${p.state}`}`;
}

/** Writes a progress update in the mode's form; a bar is redrawn in place and ended with a newline when done. */
export function writeProgress(stream: ProgressStream, mode: ProgressMode, p: CovenantMigrationState): void {
  const { outcomes: _outcomes, ...summary } = p;
  if (mode === 'json') stream.write(`${JSON.stringify({ progress: summary })}\n`);
  else if (mode === 'lines') stream.write(`${progressLine(p)}\n`);
  else stream.write(`\r${progressBar(p)}${p.state === 'running' ? '' : '\n'}`);
}

/**
 * Polls a migration until it is no longer running, writing progress whenever it changes; returns where it ended.
 * `poll` reads the state (the SDK's `covenantMigration`).
 */
export async function followMigration(
  poll: () => Promise<CovenantMigrationState>,
  stream: ProgressStream,
  mode: ProgressMode,
  options: { intervalMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<CovenantMigrationState> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let shown = '';
  for (;;) {
    const state = await poll();
    const key = `${state.state} ${state.done} ${state.migrated} ${state.skipped} ${state.failed}`;
    if (key !== shown) {
      writeProgress(stream, mode, state);
      shown = key;
    }
    if (state.state !== 'running') return state;
    await sleep(options.intervalMs ?? 500);
  }
}
