/**
 * The worker's configuration: the Temporal connection (shared with the client) plus what only the worker needs.
 * Parsed once; a wrong value stops start-up with a message that names the variable and the fix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EndpointsSchema, type Endpoints } from '../activities';
import {
  ConfigError,
  configError,
  parseTemporalSettings,
  port,
  type TemporalSettings,
} from '../platform/config';
import { dataDirFrom, ensurePrivateDir, projectRoot } from '../platform/paths';
import { loadEncryption, type Encryption } from '../platform/privacy/config';

const WorkerEnvSchema = z.object({
  TIDW_DATA_DIR: z.string().min(1).default('.data'),
  TIDW_UI_PORT: port(8233),
  TIDW_METRICS_PORT: port(9464),
  /** Metrics are for this machine unless an operator opens them up on purpose (0.0.0.0 for a scraper elsewhere). */
  TIDW_METRICS_HOST: z
    .union([z.ipv4(), z.ipv6()], { message: 'expected an IP address such as 127.0.0.1 or 0.0.0.0' })
    .default('127.0.0.1'),
  TIDW_LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'silent'], {
      message: 'expected trace, debug, info, warn, error or silent',
    })
    .default('info'),
  TIDW_ENDPOINTS_FILE: z.string().min(1).optional(),
  TIDW_HTTP_TIMEOUT_MS: z.coerce
    .number({ message: 'expected milliseconds' })
    .int()
    .min(100)
    .max(120_000)
    .default(10_000),
  TIDW_MAX_CACHED_WORKFLOWS: z.coerce
    .number({ message: 'expected a number of trajects, 0 or more' })
    .int({ message: 'expected a whole number of trajects' })
    .min(0, { message: 'expected a number of trajects, 0 or more' })
    .optional(),
  TIDW_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce
    .number({ message: 'expected a number of workflow tasks, 2 or more' })
    .int({ message: 'expected a whole number of workflow tasks' })
    .min(2, { message: 'expected a number of workflow tasks, 2 or more' })
    .max(1_000, { message: 'expected at most 1000 workflow tasks' })
    .optional(),
});

export interface WorkerConfig {
  temporal: TemporalSettings;
  dataDir: string;
  uiPort: number;
  /** 0: no Prometheus endpoint. */
  metricsPort: number;
  /** The address the Prometheus endpoint binds to; 127.0.0.1 unless configured. */
  metricsHost: string;
  logLevel: z.infer<typeof WorkerEnvSchema>['TIDW_LOG_LEVEL'];
  delivery: { endpoints: Endpoints; outboxDir: string; timeoutMs: number };
  /** The codec for every payload; always there: made on first start for the embedded server, required for a cluster. */
  encryption: Encryption;
  /** Trajects the worker keeps in memory between their steps; unset: the SDK's default for the heap. */
  maxCachedWorkflows?: number;
  /**
   * Workflow tasks the worker takes at once (the SDK's default: 40). They run one after the other on one thread, so
   * a worker short of CPU that takes 40 lets the last wait past Temporal's 10 s workflow task timeout.
   */
  maxConcurrentWorkflowTasks?: number;
}

export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  const problems: ConfigError['problems'] = [];
  let temporal: TemporalSettings | undefined;
  try {
    temporal = parseTemporalSettings(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  const parsed = WorkerEnvSchema.safeParse(env);
  if (!parsed.success) problems.push(...configError(parsed.error, env).problems);
  if (problems.length || !temporal || !parsed.success) throw new ConfigError(problems);

  const e = parsed.data;
  // Everything the engine keeps lives here (key ring, data keys, SQLite file, outbox): readable by its owner only.
  const dataDir = ensurePrivateDir(dataDirFrom(env));
  let endpoints: Endpoints = {};
  if (e.TIDW_ENDPOINTS_FILE) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(e.TIDW_ENDPOINTS_FILE, 'utf8'));
    } catch (err) {
      throw new ConfigError([
        {
          variable: 'TIDW_ENDPOINTS_FILE',
          message: `cannot read a JSON file there (${(err as Error).message})`,
        },
      ]);
    }
    const result = EndpointsSchema.safeParse(raw);
    if (!result.success) {
      throw new ConfigError(
        result.error.issues.map((i) => ({
          variable: 'TIDW_ENDPOINTS_FILE',
          message: `${i.path.join('.')}: ${i.message}`,
        })),
      );
    }
    endpoints = result.data;
  }
  const encryption = loadEncryption(env, {
    dataDir,
    root: projectRoot(),
    embedded: !temporal.address,
    create: true,
  });
  if (!encryption) {
    throw new ConfigError([
      {
        variable: 'TIDW_KEYRING_FILE',
        message:
          'a worker on a Temporal cluster encrypts what it stores: give a key ring (tidw keys generate --out keyring.json)',
      },
    ]);
  }
  return {
    temporal,
    encryption,
    dataDir,
    uiPort: e.TIDW_UI_PORT,
    metricsPort: e.TIDW_METRICS_PORT,
    metricsHost: e.TIDW_METRICS_HOST,
    logLevel: e.TIDW_LOG_LEVEL,
    delivery: { endpoints, outboxDir: join(dataDir, 'outbox'), timeoutMs: e.TIDW_HTTP_TIMEOUT_MS },
    ...(e.TIDW_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: e.TIDW_MAX_CACHED_WORKFLOWS } : {}),
    ...(e.TIDW_MAX_CONCURRENT_WORKFLOW_TASKS !== undefined
      ? { maxConcurrentWorkflowTasks: e.TIDW_MAX_CONCURRENT_WORKFLOW_TASKS }
      : {}),
  };
}
