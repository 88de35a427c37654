/**
 * The development issuer of the embedded default: a signing key kept in the data directory, the JWKS and OIDC
 * discovery document the gateway serves for it, and short-lived tokens minted with it (`tidw token`). Shared by the
 * gateway (which serves and trusts it) and the command line (which mints), so neither imports the other.
 * Never for production: the gateway refuses it against a cluster unless TIDW_DEV_ISSUER=true.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type KeyLike } from 'jose';
import { z } from 'zod';
import type { Actor } from '../machines';
import { ConfigError, configError, port } from './config';
import { projectRoot } from './paths';

/** The audience the development issuer's tokens are for, unless TIDW_OIDC_AUDIENCE says otherwise. */
export const DEV_AUDIENCE = 'tidw-gateway';
/** Where the gateway listens and keeps its data: what both the gateway and `tidw token` read. */
export const DevIssuerEnvSchema = z.object({
  TIDW_HTTP_PORT: port(8080),
  TIDW_HTTP_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:-]+$/, { message: 'expected a host or address to bind, e.g. 127.0.0.1 or 0.0.0.0' })
    .default('127.0.0.1'),
  TIDW_DATA_DIR: z.string().min(1).default('.data'),
  TIDW_OIDC_AUDIENCE: z.string().min(1).default(DEV_AUDIENCE),
});

export interface DevIssuerSettings {
  issuer: string;
  audience: string;
  /** The data directory (absolute) that holds the key. */
  dataDir: string;
}

/** The development issuer's URL, audience and data directory, from the environment. */
export function devIssuerSettings(env: Record<string, string | undefined>): DevIssuerSettings {
  const parsed = DevIssuerEnvSchema.safeParse(env);
  if (!parsed.success) throw configError(parsed.error, env);
  const e = parsed.data;
  return {
    issuer: devIssuerUrl(e.TIDW_HTTP_HOST, e.TIDW_HTTP_PORT),
    audience: e.TIDW_OIDC_AUDIENCE,
    dataDir: isAbsolute(e.TIDW_DATA_DIR) ? e.TIDW_DATA_DIR : join(projectRoot(), e.TIDW_DATA_DIR),
  };
}

/** Signing algorithm of the development key. */
const ALG = 'ES256';

const KeyFileSchema = z
  .object({ kid: z.string().min(1), privateJwk: z.looseObject({ kty: z.string(), d: z.string() }) })
  .strict();

export interface DevIssuerKey {
  kid: string;
  privateKey: KeyLike | Uint8Array;
  /** The public half, as served in the JWKS. */
  publicJwk: JWK;
}

/** Where the development key is kept in a data directory (readable by its owner only). */
export const devIssuerKeyFile = (dataDir: string): string => join(dataDir, 'dev-issuer', 'signing-key.json');

/** The issuer URL of the development issuer: the gateway's own base URL. */
export const devIssuerUrl = (host: string, port: number): string =>
  `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;

async function fromFile(file: string): Promise<DevIssuerKey> {
  const parsed = KeyFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new ConfigError([
      { variable: 'TIDW_DATA_DIR', message: `${file} is not a development issuer key` },
    ]);
  }
  const privateJwk = parsed.data.privateJwk as JWK;
  const { d: _d, ...publicJwk } = privateJwk;
  return {
    kid: parsed.data.kid,
    privateKey: await importJWK(privateJwk, ALG),
    publicJwk: { ...publicJwk, kid: parsed.data.kid, alg: ALG, use: 'sig' },
  };
}

/** Reads the development key from the data directory; makes it first when `create` and there is none. */
export async function loadDevIssuerKey(dataDir: string, create = false): Promise<DevIssuerKey> {
  const file = devIssuerKeyFile(dataDir);
  try {
    return await fromFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (!create) {
      throw new ConfigError([
        {
          variable: 'TIDW_DATA_DIR',
          message: `no development issuer key in ${file}: start the gateway first (npm start)`,
        },
      ]);
    }
  }
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  mkdirSync(join(dataDir, 'dev-issuer'), { recursive: true, mode: 0o700 });
  try {
    // 'wx': when two processes make it at once, the first one's key wins and the other reads it.
    writeFileSync(file, JSON.stringify({ kid: `dev-${randomUUID()}`, privateJwk }), {
      mode: 0o600,
      flag: 'wx',
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return fromFile(file);
}

/** The OIDC discovery document of an issuer whose JWKS is at its well-known URL. */
export function discoveryDocument(issuer: string) {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    id_token_signing_alg_values_supported: [ALG],
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    claims_supported: ['sub', 'azp', 'realm_access', 'organisation'],
  };
}

export interface DevTokenOptions {
  issuer: string;
  audience?: string;
  /** Lifetime in seconds (default 15 minutes). */
  lifetimeSeconds?: number;
}

/**
 * A token for an actor, in Keycloak's usual shape: the role in `realm_access.roles`, the organisation in a custom
 * `organisation` claim, the pseudonymous person id as `sub`, the minting client as `azp`.
 */
export function mintDevToken(key: DevIssuerKey, actor: Actor, options: DevTokenOptions): Promise<string> {
  return new SignJWT({
    realm_access: { roles: [actor.role] },
    ...(actor.organisation ? { organisation: actor.organisation } : {}),
    azp: 'tidw-cli',
  })
    .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'JWT' })
    .setIssuer(options.issuer)
    .setAudience(options.audience ?? DEV_AUDIENCE)
    .setSubject(actor.personId)
    .setIssuedAt()
    .setNotBefore('0s')
    .setExpirationTime(`${options.lifetimeSeconds ?? 900}s`)
    .setJti(randomUUID())
    .sign(key.privateKey);
}
