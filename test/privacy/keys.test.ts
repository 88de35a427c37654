/**
 * The key ring: generated and rotated with `tidw keys`; after a rotation new payloads use the newest key, data keys
 * are re-wrapped with it, and what older keys sealed still opens while they stay in the ring. A malformed key ring
 * stops start-up with a message that names the variable.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { ConfigError, KeyNotAvailable } from '../../client';
import { loadEncryption } from '../../platform/privacy/config';
import { loadWorkerConfig } from '../../worker/config';
import { tidwWith } from '../support/cli';

const dir = mkdtempSync(join(tmpdir(), 'tidw-rotate-'));
const keyringFile = join(dir, 'keyring.json');
const dataKeysDir = join(dir, 'data-keys');
const env = {
  TIDW_KEYRING_FILE: keyringFile,
  TIDW_DATA_KEYS_DIR: dataKeysDir,
  TEMPORAL_ADDRESS: 'localhost:1',
};
const load = () => loadEncryption(env, { dataDir: dir, root: dir, embedded: false })!;

const tidwJson = tidwWith(undefined, env);
const tidw = (...argv: string[]) => tidwJson('--json', ...argv);

const value = (text: string) => defaultPayloadConverter.toPayload({ note: text });
const keyIdOf = (payload: { metadata?: Record<string, Uint8Array> | null }) =>
  Buffer.from(payload.metadata!['encryption-key-id']!).toString();

test('generate, seal, rotate: new data keys and keyring payloads use the new key, everything sealed before still opens', async () => {
  const generated = await tidw('keys', 'generate', '--out', keyringFile);
  expect(generated.code).toBe(0);
  const firstKey = (JSON.parse(generated.out) as { keys: string[] }).keys[0]!;
  expect((await tidw('keys', 'generate', '--out', keyringFile)).code).toBe(2); // never overwritten

  const before = load();
  const ofA = await before.codec.encode([value('voor de rotatie')], {
    type: 'workflow',
    namespace: 'default',
    workflowId: 'traject-a',
  });
  const ofNobody = await before.codec.encode([value('uit de web-ui')]);
  expect(keyIdOf(ofNobody[0]!)).toBe(firstKey);
  expect(before.dataKeys.state('traject-a')).toMatchObject({ state: 'active', keyId: firstKey });

  const rotated = await tidw('keys', 'rotate');
  expect(rotated.code).toBe(0);
  const { newest, keys, rewrapped } = JSON.parse(rotated.out) as {
    newest: string;
    keys: string[];
    rewrapped: number;
  };
  expect(keys).toEqual([firstKey, newest]);
  expect(rewrapped).toBe(1);

  const after = load();
  expect(after.dataKeys.state('traject-a')).toMatchObject({ state: 'active', keyId: newest }); // re-wrapped
  await after.codec.encode([value('na de rotatie')], {
    type: 'workflow',
    namespace: 'default',
    workflowId: 'traject-b',
  });
  expect(after.dataKeys.state('traject-b')).toMatchObject({ state: 'active', keyId: newest });
  expect(keyIdOf((await after.codec.encode([value('ui')]))[0]!)).toBe(newest);
  // Older payloads still open: A's through its re-wrapped data key, the UI's through the old key still in the ring.
  expect(defaultPayloadConverter.fromPayload((await after.codec.decode(ofA))[0]!)).toEqual({
    note: 'voor de rotatie',
  });
  expect(defaultPayloadConverter.fromPayload((await after.codec.decode(ofNobody))[0]!)).toEqual({
    note: 'uit de web-ui',
  });

  // Retire the old key: traject data (re-wrapped) still opens; what only the old key sealed now says so.
  const ring = JSON.parse(readFileSync(keyringFile, 'utf8')) as { keys: Array<{ id: string }> };
  writeFileSync(keyringFile, JSON.stringify({ keys: ring.keys.filter((k) => k.id !== firstKey) }));
  const retired = load();
  expect(defaultPayloadConverter.fromPayload((await retired.codec.decode(ofA))[0]!)).toEqual({
    note: 'voor de rotatie',
  });
  await expect(retired.codec.decode(ofNobody)).rejects.toBeInstanceOf(KeyNotAvailable);
  await expect(retired.codec.decode(ofNobody)).rejects.toThrow(
    `key not available: master key ${firstKey} is not in the key ring`,
  );
});

test('a missing or malformed key ring stops start-up, naming the variable and the fix', () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ keys: [{ id: 'k1', key: 'too-short' }] }));
  expect(() => loadWorkerConfig({ TIDW_KEYRING_FILE: bad })).toThrow(ConfigError);
  expect(() => loadWorkerConfig({ TIDW_KEYRING_FILE: bad })).toThrow(
    /TIDW_KEYRING_FILE: .*keys\.0\.key: expected 32 random bytes in base64/,
  );
  expect(() => loadWorkerConfig({ TIDW_KEYRING_FILE: join(dir, 'nowhere.json') })).toThrow(
    /no key ring at .*tidw keys generate --out/,
  );
  expect(() => loadWorkerConfig({ TIDW_KEYRING: '{not json' })).toThrow(
    /TIDW_KEYRING: the value is not JSON/,
  );
  // On a real cluster the worker encrypts, or does not start.
  expect(() => loadWorkerConfig({ TEMPORAL_ADDRESS: 'temporal.example:7233' })).toThrow(
    /a worker on a Temporal cluster encrypts what it stores/,
  );
});
