/**
 * Each traject's own data key, wrapped by the key ring and kept in a directory (by default .data/data-keys, next to the
 * dev server's database; back both up together). Destroying a traject's data key (erasure) makes every payload of that
 * traject unreadable for good, wherever copies of its history are: crypto-shredding.
 *
 * In a deployment with workers and clients on several hosts, point TIDW_DATA_KEYS_DIR at storage they share.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { KeyNotAvailable } from '../errors';
import type { KeyRing, MasterKey } from './keyring';

const RecordSchema = z.union([
  z
    .object({
      workflowId: z.string(),
      keyId: z.string(),
      iv: z.string(),
      wrapped: z.string(),
      createdAt: z.string(),
    })
    .strict(),
  z
    .object({
      workflowId: z.string(),
      erasedAt: z.string(),
      erasedBy: z.object({ role: z.string(), organisation: z.string().optional() }),
    })
    .strict(),
]);
type DataKeyRecord = z.infer<typeof RecordSchema>;

export type DataKeyState =
  | { state: 'none' }
  | { state: 'active'; keyId: string; createdAt: string }
  | { state: 'erased'; erasedAt: string; erasedBy: { role: string; organisation?: string } };

function seal(key: Buffer, plain: Buffer, aad: string): { iv: string; sealed: string } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const sealed = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return { iv: iv.toString('base64'), sealed: sealed.toString('base64') };
}

function open(key: Buffer, iv: string, sealed: string, aad: string): Buffer {
  const data = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
}

export class FileDataKeyStore {
  /**
   * Unwrapped data keys, each with the identity of the file it came from (inode, size, modification time). Every use
   * looks at the file again (one `stat`, no read): an erasure by any process replaces the file, and from that moment
   * the key is no longer used here either.
   */
  private readonly cache = new Map<string, { key: Buffer; file: string }>();

  /** The identity of a traject's key file, or undefined when there is none. */
  private fileOf(workflowId: string): string | undefined {
    try {
      const s = statSync(this.path(workflowId), { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch {
      return undefined;
    }
  }

  constructor(
    readonly dir: string,
    private keyring: KeyRing,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private path(workflowId: string): string {
    return join(this.dir, `${encodeURIComponent(workflowId)}.json`);
  }

  private read(workflowId: string): DataKeyRecord | undefined {
    let text: string;
    try {
      text = readFileSync(this.path(workflowId), 'utf8');
    } catch {
      return undefined;
    }
    return RecordSchema.parse(JSON.parse(text));
  }

  private write(record: DataKeyRecord, exclusive = false): boolean {
    if (exclusive) {
      try {
        writeFileSync(this.path(record.workflowId), JSON.stringify(record), { flag: 'wx', mode: 0o600 });
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw err;
      }
    }
    const temporary = `${this.path(record.workflowId)}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(record), { mode: 0o600 });
    renameSync(temporary, this.path(record.workflowId));
    return true;
  }

  private unwrap(record: Extract<DataKeyRecord, { wrapped: string }>): Buffer {
    const master: MasterKey | undefined = this.keyring.key(record.keyId);
    if (!master)
      throw new KeyNotAvailable(
        `the master key ${record.keyId} that wraps the data key of ${record.workflowId} is not in the key ring`,
      );
    return open(master.key, record.iv, record.wrapped, record.workflowId);
  }

  /** What is known of a traject's data key. */
  state(workflowId: string): DataKeyState {
    const record = this.read(workflowId);
    if (!record) return { state: 'none' };
    if ('erasedAt' in record)
      return { state: 'erased', erasedAt: record.erasedAt, erasedBy: record.erasedBy };
    return { state: 'active', keyId: record.keyId, createdAt: record.createdAt };
  }

  /** The traject's data key; made (and stored, wrapped by the newest master key) the first time when `create`. */
  keyFor(workflowId: string, create: boolean): Buffer {
    const cached = this.cache.get(workflowId);
    if (cached && cached.file === this.fileOf(workflowId)) return cached.key;
    this.cache.delete(workflowId);
    // Taken before the read: a file replaced in between is then found changed at the next use.
    const file = this.fileOf(workflowId);
    let record = this.read(workflowId);
    if (!record && create) {
      const key = randomBytes(32);
      const { iv, sealed } = seal(this.keyring.newest.key, key, workflowId);
      const made = {
        workflowId,
        keyId: this.keyring.newest.id,
        iv,
        wrapped: sealed,
        createdAt: new Date().toISOString(),
      };
      if (this.write(made, true)) record = made;
      else record = this.read(workflowId); // another process made it first
    }
    // The message reaches callers (CLI, codec server): it names the traject, never where the keys are kept.
    if (!record) throw new KeyNotAvailable(`no data key for ${workflowId}`);
    if ('erasedAt' in record)
      throw new KeyNotAvailable(
        `the data key of ${workflowId} was destroyed on ${record.erasedAt} (erasure)`,
      );
    const key = this.unwrap(record);
    if (file) this.cache.set(workflowId, { key, file });
    return key;
  }

  /** Destroys a traject's data key, keeping only when and by whom. */
  erase(workflowId: string, by: { role: string; organisation?: string }, now = new Date()): string {
    const erasedAt = now.toISOString();
    this.write({ workflowId, erasedAt, erasedBy: by });
    this.cache.delete(workflowId);
    return erasedAt;
  }

  /** After a rotation: wraps every data key with the ring's newest key, so older master keys can retire. */
  rewrapAll(ring: KeyRing): number {
    let count = 0;
    for (const file of readdirSync(this.dir).filter((f) => f.endsWith('.json'))) {
      const record = this.read(decodeURIComponent(file.slice(0, -'.json'.length)));
      if (!record || 'erasedAt' in record || record.keyId === ring.newest.id) continue;
      const key = this.unwrap(record);
      const { iv, sealed } = seal(ring.newest.key, key, record.workflowId);
      this.write({ ...record, keyId: ring.newest.id, iv, wrapped: sealed });
      count += 1;
    }
    this.keyring = ring;
    return count;
  }

  /** Uses a new key ring from now on (after a rotation). */
  useKeyRing(ring: KeyRing): void {
    this.keyring = ring;
  }
}

export { seal, open };
