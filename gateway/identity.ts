/**
 * Who calls: a bearer JWT verified with `jose` against the issuer's JWKS (OIDC discovery), turned into an actor (role,
 * organisation, pseudonymous person id) by a configurable claim mapping. Keycloak's usual shapes work by default:
 * roles in `realm_access.roles` (or `resource_access.<client>.roles`, configured), a custom `organisation` claim, and
 * `sub`, else `azp`, as the person of a client-credentials token (a partner system).
 */
import { createHash } from 'node:crypto';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { z } from 'zod';
import { ActorSchema, roles, type Actor, type Role } from '../machines';
import type { ClaimMapping, GatewayConfig } from './config';
import { IdentityProviderUnavailable, Unauthenticated } from './errors';

/** Asymmetric algorithms only: `none` and shared-secret HMAC tokens are refused. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

const DiscoverySchema = z.looseObject({ issuer: z.string(), jwks_uri: z.url() });

/** The verified caller: the actor every operation is done as, and a stable key for rate limits. */
export interface Caller {
  actor: Actor;
  /** A hash of issuer and subject: the same caller across token refreshes, no personal data. */
  key: string;
}

export type VerifyBearer = (authorization: string | undefined) => Promise<Caller>;

/** Reads a dotted path from the claims. */
function claimAt(claims: JWTPayload, path: string): unknown {
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const known = new Set<string>(roles);

/** The actor a token's claims stand for, or Unauthenticated saying what is missing. */
export function actorFromClaims(claims: JWTPayload, mapping: ClaimMapping): Actor {
  let role: Role | undefined;
  for (const path of mapping.roles) {
    const value = claimAt(claims, path);
    const candidates = Array.isArray(value) ? value : [value];
    role = candidates.find((r): r is Role => typeof r === 'string' && known.has(r));
    if (role) break;
  }
  if (!role) throw new Unauthenticated(`the token names no known role in ${mapping.roles.join(' or ')}`);
  const rawOrganisation = claimAt(claims, mapping.organisation);
  const organisation: unknown = Array.isArray(rawOrganisation) ? rawOrganisation[0] : rawOrganisation;
  let person: string | undefined;
  for (const path of mapping.person) {
    const value = claimAt(claims, path);
    if (typeof value === 'string' && value) {
      person = value;
      break;
    }
  }
  if (!person) throw new Unauthenticated(`the token names no person in ${mapping.person.join(' or ')}`);
  // A person id that could carry personal data (an e-mail address as `sub`) is kept only as a hash.
  const personId =
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(person) && !person.includes('@')
      ? person
      : `h:${createHash('sha256').update(person).digest('hex').slice(0, 32)}`;
  const actor = ActorSchema.safeParse({
    role,
    ...(typeof organisation === 'string' && organisation ? { organisation } : {}),
    personId,
  });
  if (!actor.success) {
    throw new Unauthenticated(
      `the token's claims make no valid actor: ${actor.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return actor.data;
}

/** The key set of an issuer, found by OIDC discovery on first use and cached (retried after a failure). */
function discoveredKeys(issuer: string): JWTVerifyGetKey {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const discover = async (): Promise<JWTVerifyGetKey> => {
    const url = `${issuer}/.well-known/openid-configuration`;
    let document: unknown;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = await response.json();
    } catch (err) {
      throw new IdentityProviderUnavailable(`cannot read ${url}: ${(err as Error).message}`);
    }
    const parsed = DiscoverySchema.safeParse(document);
    if (!parsed.success || parsed.data.issuer.replace(/\/$/, '') !== issuer) {
      throw new IdentityProviderUnavailable(`${url} is not the discovery document of ${issuer}`);
    }
    return createRemoteJWKSet(new URL(parsed.data.jwks_uri), { timeoutDuration: 5000 });
  };
  return async (header, token) => {
    keys ??= discover().catch((err: unknown) => {
      keys = undefined;
      throw err;
    });
    return (await keys)(header, token);
  };
}

/** Verified tokens remembered at most (the oldest is forgotten first). */
const VERIFIED_MAX = 10_000;

/**
 * Tokens verified before, by their SHA-256 (the token itself is not kept), each until its `exp`: a token is
 * self-contained and its signature, issuer, audience and claims cannot change, so verifying it again on every request
 * only repeats the same verdict. Past `exp` it is verified afresh (and refused, beyond the clock tolerance). Only
 * tokens that passed are remembered; a refusal is decided again each time.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { caller: Caller; expiresAtMs: number }>();

  get(digest: string, nowMs: number): Caller | undefined {
    const entry = this.entries.get(digest);
    if (!entry) return undefined;
    if (nowMs < entry.expiresAtMs) return entry.caller;
    this.entries.delete(digest);
    return undefined;
  }

  set(digest: string, caller: Caller, expiresAtMs: number): void {
    if (this.entries.size >= VERIFIED_MAX) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(digest, { caller, expiresAtMs });
  }
}

/**
 * A verifier for bearer tokens. With the development issuer, its public key is trusted directly (the gateway serves
 * the same key at its own well-known URLs); else the issuer's keys are found by discovery.
 */
export function createVerifier(
  auth: GatewayConfig['auth'],
  issuer: string,
  devPublicJwk?: JWK,
): VerifyBearer {
  const keys = devPublicJwk ? createLocalJWKSet({ keys: [devPublicJwk] }) : discoveredKeys(issuer);
  const verified = new VerifiedTokens();
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9_.~+/-]+=*)$/i.exec(authorization?.trim() ?? '');
    if (!match) throw new Unauthenticated('send a bearer token: Authorization: Bearer <token>');
    const token = match[1]!;
    const digest = createHash('sha256').update(token).digest('base64url');
    const remembered = verified.get(digest, Date.now());
    if (remembered) return remembered;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer,
        audience: auth.audience,
        algorithms: ALGORITHMS,
        clockTolerance: auth.clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      if (err instanceof IdentityProviderUnavailable) throw err;
      if (err instanceof joseErrors.JWKSTimeout)
        throw new IdentityProviderUnavailable('the issuer keys timed out');
      if (err instanceof joseErrors.JOSEError) throw new Unauthenticated(`invalid token (${err.code})`);
      // Whatever is not jose's verdict on the token came from fetching the issuer's keys.
      throw new IdentityProviderUnavailable(`the issuer's keys cannot be read (${(err as Error).message})`);
    }
    const actor = actorFromClaims(payload, auth.claims);
    const key = createHash('sha256')
      .update(`${payload.iss ?? ''}|${payload.sub ?? ''}`)
      .digest('hex')
      .slice(0, 24);
    const caller: Caller = { actor, key };
    // `exp` is required above; remembered until then, never longer.
    if (typeof payload.exp === 'number') verified.set(digest, caller, payload.exp * 1000);
    return caller;
  };
}
