/**
 * History files. `tidw history <ref> --out file.json` writes one file holding the whole continue-as-new chain:
 *
 *   { "format": "tidw-history-chain/1", "workflowId": "traject-…", "exportedAt": "…",
 *     "runs": [ { "runId": "…", "history": { "events": [ … ] } }, … ] }
 *
 * where each run's `history` is Temporal's standard JSON history (what `temporal workflow show --output json` prints
 * and every SDK's replayer reads). `--out <directory>` writes one standard file per run instead:
 * `<workflowId>.<n>.<runId>.json`. Both forms, and plain standard files, can be replayed and read as a timeline.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { z } from 'zod';
import { InvalidInput } from '../errors';
import type { History, RunHistory } from '../history';

export const CHAIN_FORMAT = 'tidw-history-chain/1';

/** A traject's recorded history: every run, oldest first. */
export interface HistoryChain {
  workflowId: string;
  runs: RunHistory[];
}

const ChainFileSchema = z.object({
  format: z.literal(CHAIN_FORMAT),
  workflowId: z.string().min(1),
  exportedAt: z.string().optional(),
  runs: z
    .array(
      z.object({
        runId: z.string().min(1),
        history: z.object({ events: z.array(z.unknown()) }).passthrough(),
      }),
    )
    .min(1),
});

/** The chain as one JSON document. */
export function chainToJSON(chain: HistoryChain, exportedAt = new Date().toISOString()): string {
  const runs = chain.runs.map(
    (r) => `{"runId":${JSON.stringify(r.runId)},"history":${historyToJSON(r.history)}}`,
  );
  return `{"format":"${CHAIN_FORMAT}","workflowId":${JSON.stringify(chain.workflowId)},"exportedAt":"${exportedAt}","runs":[\n${runs.join(',\n')}\n]}\n`;
}

/** Writes a chain as one file (a path ending in .json) or as one standard file per run in a directory. */
export function writeHistory(chain: HistoryChain, out: string): string[] {
  if (out.endsWith('.json')) {
    writeFileSync(out, chainToJSON(chain));
    return [out];
  }
  mkdirSync(out, { recursive: true });
  return chain.runs.map((run, i) => {
    const file = join(out, `${chain.workflowId}.${i + 1}.${run.runId}.json`);
    writeFileSync(file, historyToJSON(run.history));
    return file;
  });
}

function runIdOf(history: History): string {
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  return started?.originalExecutionRunId ?? started?.firstExecutionRunId ?? 'unknown';
}

function workflowIdOf(history: History, fallback: string): string {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId ?? fallback;
}

/** Reads one history file: a chain, or one standard run. */
export function readHistoryFile(path: string): HistoryChain {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InvalidInput(`cannot read ${path}`, [{ field: path, message: (err as Error).message }]);
  }
  if (typeof data === 'object' && data !== null && 'format' in data) {
    const parsed = ChainFileSchema.safeParse(data);
    if (!parsed.success)
      throw new InvalidInput(
        `${path} is not a history chain`,
        parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
      );
    return {
      workflowId: parsed.data.workflowId,
      runs: parsed.data.runs.map((r) => ({ runId: r.runId, history: historyFromJSON(r.history) })),
    };
  }
  let history: History;
  try {
    history = historyFromJSON(data);
  } catch (err) {
    throw new InvalidInput(`${path} is not a Temporal history`, [
      { field: path, message: (err as Error).message },
    ]);
  }
  return {
    workflowId: workflowIdOf(history, basename(path, '.json')),
    runs: [{ runId: runIdOf(history), history }],
  };
}

/** Every history in these files and directories (a directory: its *.json files, in name order). */
export function readHistories(paths: string[]): Array<HistoryChain & { file: string }> {
  const files = paths.flatMap((p) => {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(p).isDirectory();
    } catch {
      throw new InvalidInput(`no such file or directory: ${p}`);
    }
    return isDirectory
      ? readdirSync(p)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => join(p, f))
      : [p];
  });
  return files.map((file) => ({ ...readHistoryFile(file), file }));
}
