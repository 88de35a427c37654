/**
 * The gateway as a Fastify application: every plugin registered here, in one place and in this order (hardening,
 * the trace and processing log, authentication, errors, the document, the resources).
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { TenancyClient } from '../client';
import { ConcernStore } from '../client/concerns';
import type { DevIssuerKey } from '../platform/dev-issuer';
import type { ProcessingLog } from '../platform/processing-log';
import type { GatewayConfig } from './config';
import { Engine } from './engine';
import type { VerifyBearer } from './identity';
import { apiVersionPlugin } from './plugins/api-version';
import { authPlugin } from './plugins/auth';
import { devIssuerPlugin } from './plugins/dev-issuer';
import { openApiPlugin } from './plugins/openapi';
import { problemsPlugin } from './plugins/problems';
import { processingLogPlugin } from './plugins/processing-log';
import { auditRoutes } from './routes/audit';
import { concernRoutes } from './routes/concerns';
import { covenantRoutes } from './routes/covenants';
import { reportRoutes } from './routes/reports';
import { READ_MODEL_FILE } from '../platform/read-model';
import { migrationRoutes } from './routes/migrations';
import { trajectenRoutes } from './routes/trajecten';
import { webPlugin } from './web/plugin';
import './types';

export interface GatewayDependencies {
  config: GatewayConfig;
  sdk: TenancyClient;
  verify: VerifyBearer;
  processingLog: ProcessingLog;
  /** The development issuer to serve at the well-known URLs, with its issuer URL. */
  devIssuer?: { key: DevIssuerKey; issuer: string };
  /** Request logs; omitted: none. */
  logger?: Logger;
  /** The clock that routes a neighbour's concern (tests fix it to a Saturday); omitted: the wall clock. */
  now?: () => Date;
}

/** Request logs name the route, never its values (no references, no query strings, no addresses). */
const serializers = {
  req: (request: FastifyRequest) => ({
    method: request.method,
    route: request.routeOptions?.url ?? 'unknown',
  }),
  res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
};

export async function buildGateway(deps: GatewayDependencies): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    ...(deps.logger
      ? // The cast widens pino's Logger to Fastify's, so that the instance has Fastify's default logger type.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
        { loggerInstance: deps.logger.child({ component: 'gateway' }, { serializers }) as FastifyBaseLogger }
      : { logger: false }),
    genReqId: () => randomUUID(),
    bodyLimit: config.bodyLimit,
    // Behind a TLS-terminating proxy: request.protocol, host and ip from its X-Forwarded-* headers (Secure cookies,
    // the OIDC redirect URI, the rate limit's address).
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.trustProxy)
        : config.trustProxy,
    connectionTimeout: config.requestTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: 5000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }).withTypeProvider<ZodTypeProvider>();
  // Every route, so that a test can hold the OpenAPI document against the routes that really exist.
  const routes: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  app.decorate('tidwRoutes', routes);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(problemsPlugin);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // The timeline page and Swagger UI style and script themselves inline.
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // Served over plain HTTP on the embedded default; TLS ends in front of the gateway in production.
        upgradeInsecureRequests: null,
      },
    },
  });
  // Closed unless origins are configured: partner systems call server to server.
  await app.register(cors, { origin: config.corsOrigins.length ? config.corsOrigins : false });
  await app.register(apiVersionPlugin);
  await app.register(processingLogPlugin, { log: deps.processingLog });
  await app.register(authPlugin, { verify: deps.verify });
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    hook: 'preHandler', // after authentication: the limit is per token's caller, not per address
    keyGenerator: (request) => request.caller?.key ?? request.ip,
    allowList: (request) => Boolean(request.routeOptions.config?.public),
  });
  await app.register(openApiPlugin);
  if (deps.devIssuer) await app.register(devIssuerPlugin, deps.devIssuer);

  const engine = new Engine(deps.sdk, config.engineTimeoutMs);
  await app.register(trajectenRoutes, { engine });
  await app.register(auditRoutes, { engine, processingLogDir: config.processingLogDir });
  await app.register(covenantRoutes, { engine });
  await app.register(reportRoutes, { engine, readModelFile: join(config.dataDir, READ_MODEL_FILE) });
  await app.register(migrationRoutes, { engine });
  // Neighbours' concerns are sealed with the engine's key ring; without one, none is stored.
  const keyring = deps.sdk.encryption?.keyring;
  const concerns = keyring ? new ConcernStore(config.dataDir, keyring) : undefined;
  await app.register(concernRoutes, { concerns });
  await app.register(webPlugin, {
    gateway: app,
    sdk: deps.sdk,
    verify: deps.verify,
    ...(deps.devIssuer ? { devIssuer: deps.devIssuer } : {}),
    auth: config.auth,
    dataDir: config.dataDir,
    ...(concerns ? { concerns } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
  return app;
}
