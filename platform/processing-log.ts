/**
 * The processing log (GDPR accountability, after the Dutch "Logboek dataverwerkingen" standard): one record for every
 * read or write of a traject by a person or system. Append-only JSON Lines, one file per UTC day
 * (`<dir>/YYYY-MM-DD.jsonl`, that is the rotation), each record written and synced before the answer leaves, so
 * an answered request is a recorded one. Records hold pseudonymous references and codes only, never personal data.
 * The gateway writes it; auditors read it through the gateway and `tidw log`.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { RoleSchema } from '../machines';
import { projectRoot } from './paths';

export const ProcessingRecordSchema = z
  .object({
    /** When the operation ended (ISO 8601). */
    at: z.string(),
    /** How long it took. */
    durationMs: z.number(),
    actor: z
      .object({
        role: RoleSchema,
        organisation: z.string().optional(),
        /** The pseudonymous person id from the token; never a name. */
        personId: z.string(),
      })
      .strict(),
    /** The client reference of the traject concerned (pseudonymous); null for a list over trajecten. */
    trajectRef: z.string().nullable(),
    /** The operation, e.g. `traject.status` or `traject.send`. */
    operation: z.string(),
    /** The processing activity it served (the register's activity id), e.g. `uitvoering-convenant`. */
    activity: z.string(),
    /** `ok`, `refused` (the engine or the door said no) or `failed` (the system failed). */
    outcome: z.enum(['ok', 'refused', 'failed']),
    /** The HTTP status of the answer, and the error code when refused or failed. */
    status: z.number().int(),
    code: z.string().optional(),
    /** W3C trace context: the trace this operation belongs to. */
    traceId: z.string(),
    spanId: z.string(),
    requestId: z.string(),
  })
  .strict();
export type ProcessingRecord = z.infer<typeof ProcessingRecordSchema>;

/** Where the processing log is kept: TIDW_PROCESSING_LOG_DIR, else `processing-log/` in the data directory. */
export function processingLogDir(dataDir: string, configured?: string): string {
  if (!configured) return join(dataDir, 'processing-log');
  return isAbsolute(configured) ? configured : join(projectRoot(), configured);
}

/**
 * Writes processing records durably, one file per UTC day. Records that arrive together are written and synced
 * together (group commit): each caller waits for the sync that covers its record, and the event loop never blocks on
 * the disk.
 */
export class ProcessingLog {
  private handle: FileHandle | undefined;
  private day = '';
  private pending: Array<{ day: string; line: string; done: (err?: Error) => void }> = [];
  private flushing: Promise<void> | undefined;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Appends one record; resolves once it is on disk. Rejects when it cannot be: the operation must not pass unrecorded. */
  append(record: ProcessingRecord): Promise<void> {
    const line = `${JSON.stringify(ProcessingRecordSchema.parse(record))}\n`;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({
        day: record.at.slice(0, 10),
        line,
        done: (err) => (err ? reject(err) : resolve()),
      });
      this.kick();
    });
  }

  /** Waits for what is pending, then closes the file. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.pending.length) this.kick();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0);
    try {
      for (const day of [...new Set(batch.map((b) => b.day))]) {
        if (day !== this.day || !this.handle) {
          await this.handle?.close();
          this.handle = await open(join(this.dir, `${day}.jsonl`), 'a', 0o600);
          this.day = day;
        }
        await this.handle.write(
          batch
            .filter((b) => b.day === day)
            .map((b) => b.line)
            .join(''),
        );
        await this.handle.datasync();
      }
      for (const b of batch) b.done();
    } catch (err) {
      for (const b of batch) b.done(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

export interface ProcessingLogQuery {
  trajectRef?: string;
  /** Records at or after this instant. */
  since?: string;
  limit?: number;
}

/** Reads processing records from a log directory, oldest first, filtered. */
export function readProcessingLog(dir: string, query: ProcessingLogQuery = {}): ProcessingRecord[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(f));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const sinceDay = query.since?.slice(0, 10);
  const records: ProcessingRecord[] = [];
  for (const file of files.sort()) {
    if (sinceDay && file.slice(0, 10) < sinceDay) continue;
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line) continue;
      const record = ProcessingRecordSchema.parse(JSON.parse(line));
      if (query.trajectRef && record.trajectRef !== query.trajectRef) continue;
      if (query.since && record.at < query.since) continue;
      records.push(record);
    }
  }
  return query.limit ? records.slice(-query.limit) : records;
}
