/**
 * The key ring: the master keys that protect every traject's data key (and, for payloads that belong to no traject,
 * the payloads themselves). The newest key wraps new data keys; older keys stay to unwrap what they wrapped.
 * A key ring file holds secrets: keep it out of the repository, readable by the engine's user only, and back it up.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

const KeySchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, { message: 'expected a key id of letters, digits, . _ -' }),
    key: z.string().refine((k) => Buffer.from(k, 'base64').length === 32 && /^[A-Za-z0-9+/]+=*$/.test(k), {
      message: 'expected 32 random bytes in base64 (e.g. `openssl rand -base64 32`)',
    }),
    createdAt: z.iso.datetime().optional(),
  })
  .strict();

export const KeyRingSchema = z
  .object({ keys: z.array(KeySchema).min(1, { message: 'a key ring needs at least one key' }) })
  .strict()
  .refine((ring) => new Set(ring.keys.map((k) => k.id)).size === ring.keys.length, {
    message: 'key ids must be unique',
    path: ['keys'],
  });
export type KeyRingFile = z.infer<typeof KeyRingSchema>;

export interface MasterKey {
  id: string;
  key: Buffer;
}

/** A validated key ring; the last key is the newest. */
export class KeyRing {
  private readonly byId: Map<string, MasterKey>;

  constructor(readonly file: KeyRingFile) {
    this.byId = new Map(file.keys.map((k) => [k.id, { id: k.id, key: Buffer.from(k.key, 'base64') }]));
  }

  /** The key that protects everything new. */
  get newest(): MasterKey {
    const last = this.file.keys[this.file.keys.length - 1]!;
    return this.byId.get(last.id)!;
  }

  key(id: string): MasterKey | undefined {
    return this.byId.get(id);
  }

  get ids(): string[] {
    return this.file.keys.map((k) => k.id);
  }

  /** This ring with a new newest key. */
  withNewKey(now = new Date()): KeyRing {
    return new KeyRing({ keys: [...this.file.keys, newKey(now)] });
  }
}

export function newKey(now = new Date()): KeyRingFile['keys'][number] {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return {
    id: `k${stamp}-${randomBytes(3).toString('hex')}`,
    key: randomBytes(32).toString('base64'),
    createdAt: now.toISOString(),
  };
}

/** A new key ring with one key. */
export function generateKeyRing(now = new Date()): KeyRing {
  return new KeyRing({ keys: [newKey(now)] });
}

/** Writes a key ring file readable by its owner only, atomically. */
export function saveKeyRing(path: string, ring: KeyRing): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(ring.file, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
