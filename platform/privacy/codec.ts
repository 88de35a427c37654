/**
 * The payload codec: AES-256-GCM over every payload Temporal stores, each tagged with the key that opens it. A payload
 * of a traject is sealed with that traject's own data key (the serialization context says which traject); one that
 * belongs to no traject (e.g. typed into the Web UI) with the key ring's newest master key. Used alike by the worker,
 * the SDK, the command line, the replayer and the codec server.
 */
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { KeyNotAvailable } from '../errors';
import type { FileDataKeyStore } from './data-keys';
import { open, seal } from './data-keys';
import type { KeyRing } from './keyring';

const ENCODING = 'binary/encrypted';
export const SCHEMES = { traject: 'tidw-traject-key/1', keyring: 'tidw-keyring/1' } as const;

const text = (value: string) => new TextEncoder().encode(value);
const readText = (bytes: Uint8Array | null | undefined) =>
  bytes ? new TextDecoder().decode(bytes) : undefined;

export class TrajectCodec implements PayloadCodec {
  constructor(
    private keyring: KeyRing,
    readonly dataKeys: FileDataKeyStore,
  ) {}

  /** Uses a new key ring from now on (after a rotation). */
  useKeyRing(ring: KeyRing): void {
    this.keyring = ring;
    this.dataKeys.useKeyRing(ring);
  }

  encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    return settle(() => payloads.map((payload) => this.seal(payload, context?.workflowId)));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return settle(() => payloads.map((payload) => this.open(payload)));
  }

  private seal(payload: Payload, workflowId: string | undefined): Payload {
    const plain = Buffer.from(temporal.api.common.v1.Payload.encode(payload).finish());
    const [scheme, keyId, key] = workflowId
      ? [SCHEMES.traject, workflowId, this.dataKeys.keyFor(workflowId, true)]
      : [SCHEMES.keyring, this.keyring.newest.id, this.keyring.newest.key];
    const { iv, sealed } = seal(key, plain, keyId);
    return {
      metadata: {
        encoding: text(ENCODING),
        'encryption-scheme': text(scheme),
        'encryption-key-id': text(keyId),
      },
      data: Buffer.concat([Buffer.from(iv, 'base64'), Buffer.from(sealed, 'base64')]),
    };
  }

  private open(payload: Payload): Payload {
    if (readText(payload.metadata?.encoding) !== ENCODING) return payload;
    const scheme = readText(payload.metadata?.['encryption-scheme']);
    const keyId = readText(payload.metadata?.['encryption-key-id']) ?? '';
    let key: Buffer;
    if (scheme === SCHEMES.traject) key = this.dataKeys.keyFor(keyId, false);
    else {
      const master = this.keyring.key(keyId);
      if (!master) throw new KeyNotAvailable(`key not available: master key ${keyId} is not in the key ring`);
      key = master.key;
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    try {
      const plain = open(
        key,
        data.subarray(0, 12).toString('base64'),
        data.subarray(12).toString('base64'),
        keyId,
      );
      return temporal.api.common.v1.Payload.decode(plain);
    } catch {
      throw new KeyNotAvailable(`key not available: the payload cannot be opened with the key for ${keyId}`);
    }
  }
}

/** Runs synchronous work as a promise: a missing key rejects what the SDK awaits instead of throwing from under it. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
