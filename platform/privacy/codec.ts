/**
 * The payload codec: AES-256-GCM over every payload Temporal stores, each tagged with the key that opens it. A payload
 * of a traject is sealed with that traject's own data key (the serialization context says which traject); one that
 * belongs to no traject (e.g. typed into the Web UI) with the key ring's newest master key. Used alike by the worker,
 * the SDK, the command line, the replayer and the codec server.
 */
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { UNENCRYPTED_PAYLOAD } from '../../workflows/messages';
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

  /**
   * The codec as a worker that encrypts uses it: a payload that arrives unencrypted from a client (a `tidw` or SDK
   * without the key ring, a raw `temporal workflow update`) reaches the workflow as the UNENCRYPTED_PAYLOAD stand-in,
   * which it refuses with the typed failure `PayloadNotEncrypted`; throwing here instead would fail the workflow task
   * over and over. Plain on purpose, and let through: `binary/null` (an absent value, it carries nothing). Headers and
   * search attributes never pass a codec; the auditor's replayer and the codec server keep the lenient `decode`, so
   * that histories recorded before encryption stay readable.
   */
  forWorker(): PayloadCodec {
    return {
      encode: (payloads, context) => this.encode(payloads, context),
      decode: (payloads) =>
        this.decode(payloads.map((payload) => (isPlainOnPurpose(payload) ? payload : standIn(payload)))),
    };
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

const standInPayload: Payload = {
  metadata: { encoding: text('json/plain') },
  data: text(JSON.stringify(UNENCRYPTED_PAYLOAD)),
};

/** An encrypted payload as it is; any other becomes the stand-in the workflow refuses. */
function standIn(payload: Payload): Payload {
  return readText(payload.metadata?.encoding) === ENCODING ? payload : standInPayload;
}

function isPlainOnPurpose(payload: Payload): boolean {
  return readText(payload.metadata?.encoding) === 'binary/null';
}

/** Runs synchronous work as a promise: a missing key rejects what the SDK awaits instead of throwing from under it. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
