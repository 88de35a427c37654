/**
 * For the gateway tests: an OIDC issuer that serves its discovery document and a real JWKS over HTTP (tokens of every
 * wrong kind as well as good ones), a dev server with a worker, the gateway on real HTTP in front of the SDK, and a
 * checker that holds every response against the gateway's own OpenAPI document.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import { z } from 'zod';
import { createTenancyClient, type TenancyClient } from '../../client';
import { startGateway, type RunningGateway } from '../../gateway';
import type { Actor } from '../../machines';
import { bundleTenancyWorkflows } from '../../worker/worker';
import { freshEncryption } from '../support/keys';
import { freePort } from '../support/processes';
import { devServerEnvironment, recordingActivities, startWorker } from '../support/temporal';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

export const AUDIENCE = 'tidw-gateway-test';

export interface TestIssuer {
  url: string;
  /** A token in Keycloak's shape for an actor, signed with the published key; `claims` and `options` bend it. */
  token(actor: Actor, claims?: JWTPayload, options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

export interface TokenOptions {
  /** Sign with a key that is not in the JWKS, under this key id. */
  unknownKid?: string;
  expiresIn?: string | number;
  notBefore?: string | number;
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const published = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(published.publicKey)), kid: 'test-1', alg: 'RS256', use: 'sig' };
  let url = '';
  // The realm path is part of the issuer, as with Keycloak; the handler is attached once the port is known.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/tidw`;
  server.on('request', (request, response) => {
    const path = (request.url ?? '').replace(/^\/realms\/tidw/, '');
    const body =
      path === '/.well-known/openid-configuration'
        ? { issuer: url, jwks_uri: `${url}/protocol/openid-connect/certs` }
        : path === '/protocol/openid-connect/certs'
          ? { keys: [jwk] }
          : undefined;
    response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? {}));
  });
  return {
    url,
    async token(actor, claims = {}, options = {}) {
      const key: KeyLike = options.unknownKid ? stranger.privateKey : published.privateKey;
      const jwt = new SignJWT({
        realm_access: { roles: [actor.role, 'offline_access'] },
        ...(actor.organisation ? { organisation: actor.organisation } : {}),
        azp: 'partner-portal',
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid: options.unknownKid ?? 'test-1', typ: 'JWT' })
        .setIssuer(url)
        .setAudience(AUDIENCE)
        .setSubject(actor.personId)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m');
      if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
      if (claims.iss) jwt.setIssuer(claims.iss);
      if (claims.aud) jwt.setAudience(claims.aud);
      return jwt.sign(key);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A token with `alg: none`: no signature at all. */
export function unsignedToken(issuer: string, actor: Actor): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({
    iss: issuer,
    aud: AUDIENCE,
    sub: actor.personId,
    exp: now + 300,
    realm_access: { roles: [actor.role] },
    organisation: actor.organisation,
  })}.`;
}

export interface GatewaySuite {
  env: TestWorkflowEnvironment;
  issuer: TestIssuer;
  sdk: TenancyClient;
  gateway: RunningGateway;
  dataDir: string;
  /** The gateway's base URL, e.g. http://127.0.0.1:4711. */
  base: string;
}

/** A dev server, a worker and the gateway in front of the SDK, with a test issuer, for one test file. */
export function gatewaySuite(extraEnv: Record<string, string> = {}): GatewaySuite {
  const suite = {} as GatewaySuite;
  let stopWorker: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const encryption = freshEncryption();
    suite.env = await devServerEnvironment();
    ({ stop: stopWorker } = await startWorker(
      suite.env,
      await bundleTenancyWorkflows(),
      recordingActivities().activities,
      { payloadCodecs: [encryption.codec] },
    ));
    suite.issuer = await startTestIssuer();
    suite.sdk = await createTenancyClient({ address: suite.env.address, encryption });
    suite.dataDir = mkdtempSync(join(tmpdir(), 'tidw-gateway-'));
    const gateway = await startGateway({
      sdk: suite.sdk,
      env: {
        TIDW_HTTP_PORT: String(await freePort()),
        TIDW_DATA_DIR: suite.dataDir,
        TIDW_OIDC_ISSUER: suite.issuer.url,
        TIDW_OIDC_AUDIENCE: AUDIENCE,
        ...extraEnv,
      },
    });
    suite.gateway = gateway!;
    suite.base = gateway!.url;
  });
  afterAll(async () => {
    await suite.gateway?.close();
    await suite.sdk?.close();
    await suite.issuer?.close();
    await stopWorker?.();
    await suite.env?.teardown();
  });
  return suite;
}

type OpenApi = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components?: { schemas?: Record<string, unknown> };
};

/** Replaces `#/components/schemas/…` references by the schemas they name. */
function inline(schema: unknown, components: Record<string, unknown>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inline(s, components));
  if (!schema || typeof schema !== 'object') return schema;
  const ref = (schema as { $ref?: string }).$ref;
  if (ref?.startsWith('#/components/schemas/')) return inline(components[ref.split('/').pop()!], components);
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inline(v, components)]));
}

/** The OpenAPI path template a concrete path matches, e.g. /v1/trajecten/{ref}/events. */
export function templateOf(document: OpenApi, method: string, path: string): string | undefined {
  const bare = path.split('?')[0]!;
  return Object.keys(document.paths).find((template) => {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`);
    return pattern.test(bare) && document.paths[template]![method.toLowerCase()] !== undefined;
  });
}

export interface Exchange {
  method: string;
  path: string;
  status: number;
  contentType: string;
  body: unknown;
}

/**
 * Checks one response against the document: the path and method are documented, the status is one the operation
 * declares, the content type is the declared one, and the body validates against the declared JSON Schema (turned into
 * a zod schema with `z.fromJSONSchema`). Returns what is wrong, or nothing.
 */
export function contractProblems(document: OpenApi, exchange: Exchange): string[] {
  const template = templateOf(document, exchange.method, exchange.path);
  if (!template) return [`${exchange.method} ${exchange.path} is not in the OpenAPI document`];
  const operation = document.paths[template]![exchange.method.toLowerCase()]!;
  const response = operation.responses[String(exchange.status)];
  if (!response) return [`${exchange.method} ${template} does not declare status ${exchange.status}`];
  const mediaType = exchange.contentType.split(';')[0]!.trim();
  const content = response.content?.[mediaType];
  if (!content)
    return [
      `${exchange.method} ${template} ${exchange.status} declares ${Object.keys(response.content ?? {}).join(', ')}, got ${mediaType}`,
    ];
  if (mediaType === 'text/html') return typeof exchange.body === 'string' ? [] : ['expected an HTML page'];
  const schema = z.fromJSONSchema(
    inline(content.schema, document.components?.schemas ?? {}) as Parameters<typeof z.fromJSONSchema>[0],
  );
  const result = schema.safeParse(exchange.body);
  return result.success
    ? []
    : [
        `${exchange.method} ${template} ${exchange.status}: ${result.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; ')}`,
      ];
}
