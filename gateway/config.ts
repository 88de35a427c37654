/**
 * The gateway's configuration, parsed once from the environment with zod. A wrong value stops start-up with every
 * problem named by its variable (ConfigError), as for the worker.
 */
import { isIP } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { ConfigError, configError } from '../platform/config';
import { DevIssuerEnvSchema } from '../platform/dev-issuer';
import { processingLogDir } from '../platform/processing-log';
import { projectRoot } from '../platform/paths';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const list = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** A dotted path into a token's claims, e.g. realm_access.roles or resource_access.tidw-gateway.roles. */
const claimPath = z.string().regex(/^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/, {
  message: 'expected a dotted claim path such as realm_access.roles',
});

const whole = (what: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ message: `expected ${what}` })
    .int({ message: `expected whole ${what}` })
    .min(min, { message: `expected at least ${min} ${what}` })
    .max(max, { message: `expected at most ${max} ${what}` })
    .default(fallback);

/** An address or a CIDR range (10.0.0.0/8, fd00::/8). */
const isAddressOrRange = (value: string): boolean => {
  const [address = '', bits, ...rest] = value.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (family === 4 ? 32 : 128);
};

/**
 * Which proxies in front of the gateway are believed about the client's protocol, host and address
 * (X-Forwarded-Proto, -Host, -For): none (false, the default), every one (true), the nearest N hops, or the
 * proxies at these addresses or ranges.
 */
const trustProxy = z
  .string()
  .default('false')
  .transform((v, ctx): boolean | number | string[] => {
    const value = v.trim();
    if (['', 'false', '0', 'no'].includes(value)) return false;
    if (['true', 'yes'].includes(value)) return true;
    if (/^\d{1,2}$/.test(value)) return Number(value);
    const entries = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const wrong = entries.filter((e) => !isAddressOrRange(e));
    if (wrong.length) {
      ctx.addIssue({
        code: 'custom',
        message: `expected true, false, a number of hops, or addresses and CIDR ranges such as 10.0.0.0/8, comma-separated (not an address: ${wrong.join(', ')})`,
      });
      return z.NEVER;
    }
    return entries;
  });

export const GatewayEnvSchema = DevIssuerEnvSchema.extend({
  TIDW_OIDC_ISSUER: z
    .url({ message: 'expected the issuer URL, e.g. https://sso.example.nl/realms/tidw' })
    .optional(),
  TIDW_OIDC_ROLE_CLAIMS: z
    .string()
    .default('realm_access.roles,roles,role')
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(z.array(claimPath).min(1)),
  TIDW_OIDC_ORGANISATION_CLAIM: claimPath.default('organisation'),
  TIDW_OIDC_PERSON_CLAIMS: z
    .string()
    .default('sub,azp')
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(z.array(claimPath).min(1)),
  TIDW_OIDC_CLOCK_TOLERANCE_S: whole('seconds', 0, 300, 5),
  /** The web app's client at the identity provider (authorization code with PKCE); unset: no login through it. */
  TIDW_OIDC_CLIENT_ID: z.string().min(1).optional(),
  TIDW_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  TIDW_DEV_ISSUER: flag.optional(),
  TIDW_HTTP_CORS_ORIGINS: list.pipe(
    z.array(z.url({ message: 'expected origins such as https://portaal.example.nl, comma-separated' })),
  ),
  TIDW_HTTP_BODY_LIMIT: whole('bytes', 1024, 10 << 20, 64 << 10),
  TIDW_HTTP_RATE_LIMIT: whole('requests a minute per token', 1, 1_000_000, 600),
  TIDW_HTTP_REQUEST_TIMEOUT_MS: whole('milliseconds', 1000, 600_000, 30_000),
  TIDW_HTTP_ENGINE_TIMEOUT_MS: whole('milliseconds', 100, 600_000, 10_000),
  TIDW_PROCESSING_LOG_DIR: z.string().min(1).optional(),
  TIDW_HTTP_TRUST_PROXY: trustProxy,
  TEMPORAL_ADDRESS: z.string().optional(),
});

export interface ClaimMapping {
  /** Claim paths tried in order; the first known role found is the actor's role. */
  roles: string[];
  organisation: string;
  /** Claim paths tried in order for the pseudonymous person id (`sub`, then `azp` for a client-credentials token). */
  person: string[];
}

export interface GatewayConfig {
  /** 0: no gateway. */
  port: number;
  host: string;
  dataDir: string;
  auth: {
    /** An external OpenID Connect issuer; unset with `devIssuer`. */
    issuer?: string;
    audience: string;
    /** The built-in development issuer (its key in the data directory, served at the gateway's well-known URLs). */
    devIssuer: boolean;
    claims: ClaimMapping;
    clockToleranceSeconds: number;
    /** The web app's OIDC client, for signing people in with the external issuer. */
    webClient?: { id: string; secret?: string };
  };
  corsOrigins: string[];
  bodyLimit: number;
  rateLimitPerMinute: number;
  requestTimeoutMs: number;
  /** How long one call to the engine may take before the gateway answers 503. */
  engineTimeoutMs: number;
  processingLogDir: string;
  /** Fastify's trustProxy: the proxies whose X-Forwarded-* headers are believed (TIDW_HTTP_TRUST_PROXY). */
  trustProxy: boolean | number | string[];
}

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const parsed = GatewayEnvSchema.safeParse(env);
  if (!parsed.success) throw configError(parsed.error, env);
  const e = parsed.data;
  const devIssuer = e.TIDW_DEV_ISSUER ?? (!e.TIDW_OIDC_ISSUER && !e.TEMPORAL_ADDRESS);
  const off = e.TIDW_HTTP_PORT === 0;
  if (e.TIDW_OIDC_ISSUER && devIssuer) {
    throw new ConfigError([
      {
        variable: 'TIDW_DEV_ISSUER',
        message: 'trust either TIDW_OIDC_ISSUER or the development issuer, not both',
      },
    ]);
  }
  if (!e.TIDW_OIDC_ISSUER && !devIssuer && !off) {
    throw new ConfigError([
      {
        variable: 'TIDW_OIDC_ISSUER',
        message: e.TEMPORAL_ADDRESS
          ? 'on a cluster the gateway trusts your identity provider: give its issuer URL (or TIDW_HTTP_PORT=0 for a worker without the HTTP door, or TIDW_DEV_ISSUER=true to run the development issuer there anyway)'
          : 'give the issuer URL of your identity provider, or leave TIDW_DEV_ISSUER unset',
      },
    ]);
  }
  const dataDir = isAbsolute(e.TIDW_DATA_DIR) ? e.TIDW_DATA_DIR : join(projectRoot(), e.TIDW_DATA_DIR);
  return {
    port: e.TIDW_HTTP_PORT,
    host: e.TIDW_HTTP_HOST,
    dataDir,
    auth: {
      ...(e.TIDW_OIDC_ISSUER ? { issuer: e.TIDW_OIDC_ISSUER.replace(/\/$/, '') } : {}),
      audience: e.TIDW_OIDC_AUDIENCE,
      devIssuer,
      claims: {
        roles: e.TIDW_OIDC_ROLE_CLAIMS,
        organisation: e.TIDW_OIDC_ORGANISATION_CLAIM,
        person: e.TIDW_OIDC_PERSON_CLAIMS,
      },
      clockToleranceSeconds: e.TIDW_OIDC_CLOCK_TOLERANCE_S,
      ...(e.TIDW_OIDC_CLIENT_ID
        ? {
            webClient: {
              id: e.TIDW_OIDC_CLIENT_ID,
              ...(e.TIDW_OIDC_CLIENT_SECRET ? { secret: e.TIDW_OIDC_CLIENT_SECRET } : {}),
            },
          }
        : {}),
    },
    corsOrigins: e.TIDW_HTTP_CORS_ORIGINS,
    bodyLimit: e.TIDW_HTTP_BODY_LIMIT,
    rateLimitPerMinute: e.TIDW_HTTP_RATE_LIMIT,
    requestTimeoutMs: e.TIDW_HTTP_REQUEST_TIMEOUT_MS,
    engineTimeoutMs: e.TIDW_HTTP_ENGINE_TIMEOUT_MS,
    processingLogDir: processingLogDir(dataDir, e.TIDW_PROCESSING_LOG_DIR),
    trustProxy: e.TIDW_HTTP_TRUST_PROXY,
  };
}
