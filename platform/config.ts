/**
 * Connection settings, parsed once from the environment with zod. Shared by the worker, the SDK's defaults and the
 * `tidw` command line, so they all reach the same Temporal cluster the same way.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Thrown when the environment holds a value that cannot work; lists every problem with its variable and fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: Array<{ variable: string; message: string }>) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
  }
}

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const port = (fallback: number) =>
  z.coerce
    .number({ message: 'expected a port number' })
    .int({ message: 'expected a whole port number' })
    .min(0, { message: 'expected a port from 1 to 65535 (0 turns it off where allowed)' })
    .max(65535, { message: 'expected a port from 1 to 65535' })
    .default(fallback);

export const ConnectionEnvSchema = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, {
      message: 'expected host:port, for example localhost:7233 or my-ns.tmprl.cloud:7233',
    })
    .optional(),
  TEMPORAL_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, { message: 'expected a namespace name such as default' })
    .default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('thuis-in-de-wijk'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: flag.optional(),
  TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Where `npm start`'s embedded server listens (and where the CLI looks when TEMPORAL_ADDRESS is unset). */
  TIDW_DEV_SERVER_PORT: port(7233),
  /** Only for a test server whose worker does not encrypt: the SDK may talk to a cluster without the key ring. */
  TIDW_PLAINTEXT_PAYLOADS: flag.default(false),
});

export interface TlsSettings {
  certPath?: string;
  keyPath?: string;
  caPath?: string;
  serverName?: string;
}

export interface TemporalSettings {
  /** Unset: the embedded dev server of `npm start`. */
  address?: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  tls?: TlsSettings;
  devServerPort: number;
  /** TIDW_PLAINTEXT_PAYLOADS: a client may send plain payloads to a cluster (a test server's unencrypting worker). */
  plaintextPayloads: boolean;
}

/** Turns zod issues into one ConfigError naming each variable. */
export function configError(error: z.ZodError, env: Record<string, string | undefined>): ConfigError {
  return new ConfigError(
    error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      const got = env[variable];
      return { variable, message: got === undefined ? issue.message : `${issue.message} (got '${got}')` };
    }),
  );
}

export function parseTemporalSettings(
  env: Record<string, string | undefined> = process.env,
): TemporalSettings {
  const parsed = ConnectionEnvSchema.safeParse(env);
  if (!parsed.success) throw configError(parsed.error, env);
  const e = parsed.data;
  const problems: Array<{ variable: string; message: string }> = [];
  if ((e.TEMPORAL_TLS_CLIENT_CERT_PATH === undefined) !== (e.TEMPORAL_TLS_CLIENT_KEY_PATH === undefined)) {
    problems.push({
      variable: e.TEMPORAL_TLS_CLIENT_CERT_PATH
        ? 'TEMPORAL_TLS_CLIENT_KEY_PATH'
        : 'TEMPORAL_TLS_CLIENT_CERT_PATH',
      message: 'mutual TLS needs both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH',
    });
  }
  if (!e.TEMPORAL_ADDRESS && (e.TEMPORAL_API_KEY || e.TEMPORAL_TLS)) {
    problems.push({
      variable: 'TEMPORAL_ADDRESS',
      message: 'TLS or an API key needs the address of the cluster they are for',
    });
  }
  if (problems.length) throw new ConfigError(problems);
  const wantsTls =
    e.TEMPORAL_TLS ?? (e.TEMPORAL_API_KEY !== undefined || e.TEMPORAL_TLS_CLIENT_CERT_PATH !== undefined);
  return {
    address: e.TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    apiKey: e.TEMPORAL_API_KEY,
    tls: wantsTls
      ? {
          certPath: e.TEMPORAL_TLS_CLIENT_CERT_PATH,
          keyPath: e.TEMPORAL_TLS_CLIENT_KEY_PATH,
          caPath: e.TEMPORAL_TLS_SERVER_CA_CERT_PATH,
          serverName: e.TEMPORAL_TLS_SERVER_NAME,
        }
      : undefined,
    devServerPort: e.TIDW_DEV_SERVER_PORT,
    plaintextPayloads: e.TIDW_PLAINTEXT_PAYLOADS,
  };
}

/** Options for `Connection.connect` / `NativeConnection.connect`. */
export function connectionOptions(
  settings: TemporalSettings,
  address = settings.address ?? `localhost:${settings.devServerPort}`,
) {
  const tls = settings.tls
    ? {
        serverNameOverride: settings.tls.serverName,
        serverRootCACertificate: settings.tls.caPath ? readFileSync(settings.tls.caPath) : undefined,
        clientCertPair:
          settings.tls.certPath && settings.tls.keyPath
            ? { crt: readFileSync(settings.tls.certPath), key: readFileSync(settings.tls.keyPath) }
            : undefined,
      }
    : undefined;
  return { address, ...(tls ? { tls } : {}), ...(settings.apiKey ? { apiKey: settings.apiKey } : {}) };
}
