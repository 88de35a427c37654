/**
 * Encryption settings, from the environment (parsed once, with zod): where the key ring and the data keys are.
 *   TIDW_KEYRING_FILE   a key ring file (tidw keys generate --out <file>)
 *   TIDW_KEYRING        the same JSON inline (for secret stores that hand out environment variables)
 *   TIDW_DATA_KEYS_DIR  where the traject data keys live (default <TIDW_DATA_DIR>/data-keys)
 * On the embedded default (no TEMPORAL_ADDRESS), `npm start` keeps a key ring in <TIDW_DATA_DIR>/keyring.json and
 * makes it on first start; `tidw` and the SDK find it there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ConfigError } from '../config';
import { ensurePrivateDir } from '../paths';
import { FileDataKeyStore } from './data-keys';
import { TrajectCodec } from './codec';
import { generateKeyRing, KeyRing, KeyRingSchema, saveKeyRing } from './keyring';

export interface Encryption {
  keyring: KeyRing;
  /** Where the key ring came from: a file path, or `TIDW_KEYRING`. */
  keyringSource: string;
  dataKeys: FileDataKeyStore;
  codec: TrajectCodec;
}

function parse(text: string, variable: string, where: string): KeyRing {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([
      {
        variable,
        message: `${where} is not JSON (${(err as Error).message}); make one with \`tidw keys generate --out <file>\``,
      },
    ]);
  }
  const result = KeyRingSchema.safeParse(data);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => ({
        variable,
        message: `${where}: ${i.path.join('.') || 'key ring'}: ${i.message}`,
      })),
    );
  }
  return new KeyRing(result.data);
}

export interface EncryptionOptions {
  /** The engine's data directory (absolute). */
  dataDir: string;
  /** What relative paths in the environment are relative to: the project root. */
  root: string;
  /** On the embedded dev server: look for (and, when `create`, make) <dataDir>/keyring.json. */
  embedded: boolean;
  /** Make the embedded key ring when there is none (the worker does; clients only read). */
  create?: boolean;
}

/** The encryption this process uses, or undefined when none is configured (payloads then stay plain). */
export function loadEncryption(
  env: Record<string, string | undefined>,
  options: EncryptionOptions,
): Encryption | undefined {
  let keyring: KeyRing | undefined;
  let source: string | undefined;
  if (env.TIDW_KEYRING) {
    keyring = parse(env.TIDW_KEYRING, 'TIDW_KEYRING', 'the value');
    source = 'TIDW_KEYRING';
  } else if (env.TIDW_KEYRING_FILE) {
    const path = isAbsolute(env.TIDW_KEYRING_FILE)
      ? env.TIDW_KEYRING_FILE
      : join(options.root, env.TIDW_KEYRING_FILE);
    if (!existsSync(path)) {
      throw new ConfigError([
        {
          variable: 'TIDW_KEYRING_FILE',
          message: `no key ring at ${path}; make one with \`tidw keys generate --out ${path}\``,
        },
      ]);
    }
    keyring = parse(readFileSync(path, 'utf8'), 'TIDW_KEYRING_FILE', path);
    source = path;
  } else if (options.embedded) {
    const path = join(options.dataDir, 'keyring.json');
    if (existsSync(path)) keyring = parse(readFileSync(path, 'utf8'), 'TIDW_DATA_DIR', path);
    else if (options.create) {
      // On a fresh clone the data directory does not exist yet: the key ring is the first thing put in it.
      ensurePrivateDir(options.dataDir);
      keyring = generateKeyRing();
      saveKeyRing(path, keyring);
    }
    source = path;
  }
  if (!keyring || !source) return undefined;
  const dir = env.TIDW_DATA_KEYS_DIR ?? join(options.dataDir, 'data-keys');
  const dataKeys = new FileDataKeyStore(isAbsolute(dir) ? dir : join(options.root, dir), keyring);
  return { keyring, keyringSource: source, dataKeys, codec: new TrajectCodec(keyring, dataKeys) };
}
