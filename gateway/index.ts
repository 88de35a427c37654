/**
 * The gateway: the one authenticated HTTP door for people and partner systems, on the SDK. `startGateway` reads its
 * configuration from the environment, sets up the token verifier (an external OIDC issuer, or the development issuer
 * of the embedded default), opens the processing log and listens.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { TenancyClient } from '../client';
import { devIssuerUrl, loadDevIssuerKey } from '../platform/dev-issuer';
import { ProcessingLog } from '../platform/processing-log';
import { buildGateway } from './app';
import { loadGatewayConfig, type GatewayConfig } from './config';
import { createVerifier } from './identity';

export { buildGateway, type GatewayDependencies } from './app';
export { loadGatewayConfig, type GatewayConfig } from './config';
export { createVerifier, actorFromClaims, type Caller, type VerifyBearer } from './identity';
export { Unauthenticated, EngineUnavailable, IdentityProviderUnavailable, statusByCode } from './errors';

export interface RunningGateway {
  url: string;
  app: FastifyInstance;
  config: GatewayConfig;
  /** Stops taking requests, lets the ones in flight finish, closes the processing log. */
  close(): Promise<void>;
}

export interface StartGatewayOptions {
  sdk: TenancyClient;
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /** Overrides the configuration read from the environment (tests). */
  config?: Partial<GatewayConfig>;
  /** The clock that routes a neighbour's concern (tests); omitted: the wall clock. */
  now?: () => Date;
}

/** Starts the gateway; undefined when TIDW_HTTP_PORT is 0 (no HTTP door). */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway | undefined> {
  const config = { ...loadGatewayConfig(options.env ?? process.env), ...options.config };
  if (config.port === 0) return undefined;
  const devKey = config.auth.devIssuer ? await loadDevIssuerKey(config.dataDir, true) : undefined;
  const issuer = config.auth.issuer ?? devIssuerUrl(config.host, config.port);
  const processingLog = new ProcessingLog(config.processingLogDir);
  const app = await buildGateway({
    config,
    sdk: options.sdk,
    verify: createVerifier(config.auth, issuer, devKey?.publicJwk),
    processingLog,
    ...(devKey ? { devIssuer: { key: devKey, issuer } } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await processingLog.close();
    throw err;
  }
  const url = devIssuerUrl(config.host, config.port);
  options.logger?.info(
    { 'gateway.url': `${url}/v1`, 'gateway.docs': `${url}/v1/docs`, 'gateway.issuer': issuer },
    'gateway listening',
  );
  return {
    url,
    app,
    config,
    async close() {
      await app.close();
      await processingLog.close();
    },
  };
}
