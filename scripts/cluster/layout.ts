/**
 * Where a cluster lives and listens, chosen once when it is first created and kept in `<dir>/cluster.json`, so that
 * a restart, `--down` and a fault drill all find the same ports, password and shard count.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';

/** The Temporal services, each its own process. */
export const SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type ServiceName = (typeof SERVICES)[number];

const PortSchema = z.number().int().min(1).max(65535);
const ServicePortsSchema = z.object({ grpc: PortSchema, membership: PortSchema });

export const LayoutSchema = z.object({
  format: z.literal('tidw-cluster/1'),
  dir: z.string().min(1),
  /** Fixed for the life of the database: Temporal cannot change it later. */
  historyShards: z.number().int().min(1),
  workers: z.number().int().min(0),
  /** The PostgreSQL superuser's password (the superuser is `temporal`); the file is readable by its owner only. */
  password: z.string().min(16),
  ports: z.object({
    postgres: PortSchema,
    frontendHttp: PortSchema,
    history: ServicePortsSchema,
    matching: ServicePortsSchema,
    frontend: ServicePortsSchema,
    worker: ServicePortsSchema,
  }),
});
export type ClusterLayout = z.infer<typeof LayoutSchema>;

export const layoutFile = (dir: string) => join(dir, 'cluster.json');

/**
 * Temporal keeps each member's membership port in a PostgreSQL `smallint`, so every port stays below 32768, under the
 * kernel's ephemeral range (where `listen(0)` would pick). A random start keeps clusters of parallel runs apart.
 */
const PORT_RANGE = { from: 20_000, to: 32_767 } as const;

/** A port nobody listens on right now, never one of `taken`. */
async function freePort(taken: Set<number>): Promise<number> {
  const size = PORT_RANGE.to - PORT_RANGE.from + 1;
  const start = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i++) {
    const port = PORT_RANGE.from + ((start + i) % size);
    if (!taken.has(port) && (await isFree(port))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port from ${PORT_RANGE.from} to ${PORT_RANGE.to}`);
}

/** True when nothing listens on 127.0.0.1:port. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface LayoutOptions {
  dir: string;
  historyShards: number;
  workers: number;
  /** The frontend's gRPC port if it is free; otherwise, and when unset, any free port. */
  frontendPort?: number;
}

/** A new layout with free loopback ports. */
export async function chooseLayout(options: LayoutOptions): Promise<ClusterLayout> {
  const taken = new Set<number>();
  const port = () => freePort(taken);
  const pair = async () => ({ grpc: await port(), membership: await port() });
  const frontendGrpc =
    options.frontendPort !== undefined && (await isFree(options.frontendPort))
      ? (taken.add(options.frontendPort), options.frontendPort)
      : await port();
  return {
    format: 'tidw-cluster/1',
    dir: options.dir,
    historyShards: options.historyShards,
    workers: options.workers,
    password: randomBytes(18).toString('base64url'),
    ports: {
      postgres: await port(),
      frontendHttp: await port(),
      history: await pair(),
      matching: await pair(),
      frontend: { grpc: frontendGrpc, membership: await port() },
      worker: await pair(),
    },
  };
}

export function loadLayout(dir: string): ClusterLayout | undefined {
  const file = layoutFile(dir);
  if (!existsSync(file)) return undefined;
  return LayoutSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export function saveLayout(layout: ClusterLayout): void {
  const file = layoutFile(layout.dir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(layout, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
