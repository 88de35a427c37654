/**
 * The codec server: lets the Temporal Web UI show decrypted payloads to whom may read them. `POST /decode` and
 * `POST /encode` take and give `{ "payloads": [...] }` in Temporal's JSON payload form, as the UI sends them. Callers
 * authenticate with a bearer token that stands for a role; only reader roles (by default `auditor`) may decode.
 * Configuration (zod): TIDW_CODEC_TOKENS (or TIDW_CODEC_TOKENS_FILE) `{"<token>": {"role": "auditor",
 * "organisation": "…"}}`, TIDW_CODEC_READERS (comma-separated roles), TIDW_CODEC_PORT, TIDW_CODEC_ORIGIN (the UI).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PayloadCodec } from '@temporalio/common';
import { JSONToPayload, payloadToJSON } from '@temporalio/common/lib/proto-utils';
import type { Logger } from 'pino';
import { z } from 'zod';
import { RoleSchema, type Role } from '../../machines';
import { ConfigError, configError, port } from '../config';

const TokensSchema = z.record(
  z.string().min(16, { message: 'a token must be at least 16 characters' }),
  z.object({ role: RoleSchema, organisation: z.string().optional() }).strict(),
);
export type CodecTokens = z.infer<typeof TokensSchema>;

const EnvSchema = z.object({
  TIDW_CODEC_PORT: port(8888),
  TIDW_CODEC_ORIGIN: z
    .url({ message: 'expected the Web UI origin, e.g. http://localhost:8233' })
    .default('http://localhost:8233'),
  TIDW_CODEC_TOKENS: z.string().optional(),
  TIDW_CODEC_TOKENS_FILE: z.string().optional(),
  TIDW_CODEC_READERS: z
    .string()
    .default('auditor')
    .transform((v) => v.split(',').map((r) => r.trim()))
    .pipe(z.array(RoleSchema, { message: 'expected roles such as auditor,gemeente' })),
});

export interface CodecServerSettings {
  port: number;
  origin: string;
  tokens: CodecTokens;
  readers: Role[];
}

/** The codec server's settings, or undefined when no token is configured (then it does not run). */
export function loadCodecServerSettings(
  env: Record<string, string | undefined>,
): CodecServerSettings | undefined {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw configError(parsed.error, env);
  const e = parsed.data;
  const [variable, text] = e.TIDW_CODEC_TOKENS
    ? ['TIDW_CODEC_TOKENS', e.TIDW_CODEC_TOKENS]
    : e.TIDW_CODEC_TOKENS_FILE
      ? ['TIDW_CODEC_TOKENS_FILE', readTokensFile(e.TIDW_CODEC_TOKENS_FILE)]
      : [undefined, undefined];
  if (!variable || text === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([{ variable, message: `not JSON (${(err as Error).message})` }]);
  }
  const tokens = TokensSchema.safeParse(data);
  if (!tokens.success)
    throw new ConfigError(
      tokens.error.issues.map((i) => ({
        variable,
        message: `${i.path.join('.') || 'tokens'}: ${i.message}`,
      })),
    );
  return {
    port: e.TIDW_CODEC_PORT,
    origin: e.TIDW_CODEC_ORIGIN,
    tokens: tokens.data,
    readers: e.TIDW_CODEC_READERS,
  };
}

function readTokensFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([
      { variable: 'TIDW_CODEC_TOKENS_FILE', message: `cannot read ${path} (${(err as Error).message})` },
    ]);
  }
}

const digest = (token: string) => createHash('sha256').update(token).digest();

export interface CodecServer {
  url: string;
  close(): Promise<void>;
}

export function startCodecServer(
  settings: CodecServerSettings & { codec: PayloadCodec; logger: Logger; host?: string },
): Promise<CodecServer> {
  const known = Object.entries(settings.tokens).map(([token, who]) => ({ hash: digest(token), who }));
  const cors = {
    'access-control-allow-origin': settings.origin,
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type, x-namespace, authorization',
    'access-control-allow-credentials': 'true',
    vary: 'origin',
  };
  const send = (
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      ...cors,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const caller = (req: IncomingMessage) => {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!match) return undefined;
    const hash = digest(match[1]!);
    return known.find((k) => timingSafeEqual(k.hash, hash))?.who;
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'OPTIONS') return send(res, 204);
    if (req.method !== 'POST' || (path !== '/encode' && path !== '/decode'))
      return send(res, 404, { error: 'POST /encode or /decode' });
    const who = caller(req);
    const log = {
      'codec.op': path.slice(1),
      'caller.role': who?.role,
      'caller.organisation': who?.organisation,
    };
    if (!who) {
      settings.logger.warn({ ...log, 'http.status': 401 }, 'codec request without a valid token');
      return send(res, 401, { error: 'a valid bearer token is needed' }, { 'www-authenticate': 'Bearer' });
    }
    if (path === '/decode' && !settings.readers.includes(who.role)) {
      settings.logger.warn({ ...log, 'http.status': 403 }, 'codec decode refused for this role');
      return send(res, 403, {
        error: `a ${who.role} may not read payloads; readers: ${settings.readers.join(', ')}`,
      });
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 16 << 20) req.destroy();
    });
    req.on('end', () => {
      void (async () => {
        try {
          const { payloads } = z.object({ payloads: z.array(z.unknown()) }).parse(JSON.parse(body));
          const input = payloads.map((p) => JSONToPayload(p as never));
          const output =
            path === '/decode' ? await settings.codec.decode(input) : await settings.codec.encode(input);
          settings.logger.info(
            { ...log, 'payloads.count': input.length, 'http.status': 200 },
            'codec request',
          );
          send(res, 200, { payloads: output.map((p) => payloadToJSON(p)) });
        } catch (err) {
          settings.logger.warn({ ...log, err, 'http.status': 400 }, 'codec request failed');
          send(res, 400, { error: (err as Error).message });
        }
      })();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host ?? '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://localhost:${bound}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
