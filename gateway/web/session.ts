/**
 * The signed-in user: a session cookie that holds a token from the identity provider (on the embedded default, the
 * development issuer), checked on every request by the same verifier as the API's bearer tokens. So a page acts with
 * exactly the caller the API would see, and a restart of the gateway signs nobody out.
 *
 * When the provider also gave a refresh token, it waits in a second cookie, sealed (AES-256-GCM) with the engine's key
 * ring, so that the browser holds it without being able to read or use it, and any gateway process can open it: the
 * session then outlives its short access token until the working day is over (see context.ts).
 */
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../machines';
import { open, seal } from '../../platform/privacy/data-keys';
import type { KeyRing } from '../../platform/privacy/keyring';
import type { Caller, VerifyBearer } from '../identity';

export const SESSION_COOKIE = 'tidw_sessie';
export const REFRESH_COOKIE = 'tidw_vernieuwing';
/** The provider's ID token, kept only to name the session when logging out at the provider. */
export const ID_TOKEN_COOKIE = 'tidw_id';
/** A working day: the session's lifetime, so that a forgotten session ends by itself, refresh token or not. */
export const SESSION_SECONDS = 8 * 3600;
/** What a sealed refresh cookie is bound to: it opens as nothing else. */
const REFRESH_AAD = 'tidw-web-session-refresh';

const KeptSchema = z.object({ refreshToken: z.string().min(1), until: z.iso.datetime() }).strict();
/** A refresh token and the end of the working day it may keep the session going for. */
export type KeptRefresh = z.infer<typeof KeptSchema>;

/** The verified caller of a request's session cookie, or undefined when there is none or it is no longer valid. */
export async function sessionCaller(
  request: FastifyRequest,
  verify: VerifyBearer,
): Promise<{ caller: Caller; token: string } | undefined> {
  const token = request.cookies[SESSION_COOKIE];
  if (!token) return undefined;
  try {
    return { caller: await verify(`Bearer ${token}`), token };
  } catch {
    return undefined;
  }
}

const cookieOptions = (request: FastifyRequest) => ({
  path: '/',
  httpOnly: true,
  sameSite: 'lax' as const,
  // Secure whenever the browser came over TLS (directly, or through a proxy Fastify trusts).
  secure: request.protocol === 'https',
});

/** Seconds from now to `until`, at least one (a cookie's Max-Age). */
const secondsUntil = (until: string) => Math.max(1, Math.floor((Date.parse(until) - Date.now()) / 1000));

/** Sets the session cookie; `until` is the end of its working day (default: eight hours from now). */
export function startSession(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  until?: string,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    ...cookieOptions(request),
    maxAge: until ? secondsUntil(until) : SESSION_SECONDS,
  });
}

/** Keeps the provider's ID token beside the session, for as long as the session may last. */
export function keepIdToken(
  request: FastifyRequest,
  reply: FastifyReply,
  idToken: string,
  until: string,
): void {
  reply.setCookie(ID_TOKEN_COOKIE, idToken, { ...cookieOptions(request), maxAge: secondsUntil(until) });
}

/** Ends the session in this browser: the token, and the refresh and ID tokens if any. */
export function endSession(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
  for (const name of [REFRESH_COOKIE, ID_TOKEN_COOKIE])
    if (request.cookies[name]) reply.clearCookie(name, cookieOptions(request));
}

/** Keeps a refresh token in its cookie, sealed with the key ring's newest key, until the working day ends. */
export function keepRefreshToken(
  request: FastifyRequest,
  reply: FastifyReply,
  keyring: KeyRing,
  kept: KeptRefresh,
): void {
  const key = keyring.newest;
  const { iv, sealed } = seal(key.key, Buffer.from(JSON.stringify(kept)), REFRESH_AAD);
  reply.setCookie(REFRESH_COOKIE, [key.id, iv, sealed].join('~'), {
    ...cookieOptions(request),
    maxAge: secondsUntil(kept.until),
  });
}

/** The refresh token the request's cookie keeps, while its working day lasts; undefined when none or it does not open. */
export function keptRefreshToken(request: FastifyRequest, keyring: KeyRing): KeptRefresh | undefined {
  const [keyId, iv, sealed, ...rest] = (request.cookies[REFRESH_COOKIE] ?? '').split('~');
  const key = keyId ? keyring.key(keyId) : undefined;
  if (!key || !iv || !sealed || rest.length) return undefined;
  try {
    const kept = KeptSchema.safeParse(JSON.parse(open(key.key, iv, sealed, REFRESH_AAD).toString()));
    return kept.success && Date.parse(kept.data.until) > Date.now() ? kept.data : undefined;
  } catch {
    return undefined;
  }
}

/** A party the development login offers: a role and organisation a covenant names. */
export interface DevParty {
  role: Actor['role'];
  organisation: string;
}

/** Every party of the covenants, once, in a stable order. */
export function devParties(covenants: Array<{ parties: DevParty[] }>): DevParty[] {
  const seen = new Map<string, DevParty>();
  for (const covenant of covenants)
    for (const p of covenant.parties) seen.set(`${p.role}:${p.organisation}`, p);
  return [...seen.values()].sort((a, b) =>
    `${a.role}${a.organisation}`.localeCompare(`${b.role}${b.organisation}`),
  );
}
