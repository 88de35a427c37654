/**
 * Key rings for tests. The golden histories are encrypted with a test key ring kept in test/keys (not a secret: it
 * protects only made-up trajecten), with their data keys beside it; other tests make fresh key rings.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadEncryption, type Encryption } from '../../platform/privacy/config';
import { generateKeyRing, saveKeyRing } from '../../platform/privacy/keyring';

export const testKeysDir = join(__dirname, '..', 'keys');

/** The test key ring and data keys the golden histories were recorded with. */
export function goldenEncryption(): Encryption {
  return loadEncryption(
    {
      TIDW_KEYRING_FILE: join(testKeysDir, 'keyring.json'),
      TIDW_DATA_KEYS_DIR: join(testKeysDir, 'data-keys'),
    },
    { dataDir: testKeysDir, root: testKeysDir, embedded: false },
  )!;
}

/** A fresh key ring and data-key store in a temporary directory. */
export function freshEncryption(): Encryption & { keyringFile: string; dataKeysDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tidw-keys-'));
  const keyringFile = join(dir, 'keyring.json');
  saveKeyRing(keyringFile, generateKeyRing());
  const dataKeysDir = join(dir, 'data-keys');
  const encryption = loadEncryption(
    { TIDW_KEYRING_FILE: keyringFile, TIDW_DATA_KEYS_DIR: dataKeysDir },
    { dataDir: dir, root: dir, embedded: false },
  )!;
  return { ...encryption, keyringFile, dataKeysDir };
}

/** A client on a test environment that encrypts and decrypts with this codec. */
export function encryptingClient(env: TestWorkflowEnvironment, encryption: Encryption): Client {
  return new Client({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    dataConverter: { payloadCodecs: [encryption.codec] },
  });
}
