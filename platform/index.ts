/**
 * What the worker, the SDK and the HTTP gateway all stand on: configuration parsed from the environment, the project's
 * paths, the shared error base, and the payload codec with its keys. Nothing here knows about any one of them.
 */
export {
  ConfigError,
  configError,
  connectionOptions,
  parseTemporalSettings,
  port,
  ConnectionEnvSchema,
  type TemporalSettings,
  type TlsSettings,
} from './config';
export { dataDirFrom, ensurePrivateDir, projectRoot } from './paths';
export { TidwError, KeyNotAvailable } from './errors';
export { loadEncryption, type Encryption, type EncryptionOptions } from './privacy/config';
export { generateKeyRing, saveKeyRing, KeyRing } from './privacy/keyring';
export { TrajectCodec } from './privacy/codec';
export { startCodecServer, loadCodecServerSettings, type CodecServer } from './privacy/codec-server';
