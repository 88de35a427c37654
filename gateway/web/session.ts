/**
 * The signed-in user: a session cookie that holds a token from the identity provider (on the embedded default, the
 * development issuer), checked on every request by the same verifier as the API's bearer tokens. So a page acts with
 * exactly the caller the API would see, and a restart of the gateway signs nobody out.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../machines';
import type { Caller, VerifyBearer } from '../identity';

export const SESSION_COOKIE = 'tidw_sessie';
/** A working day: the token's lifetime, so that a forgotten session ends by itself. */
export const SESSION_SECONDS = 8 * 3600;

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

export function startSession(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(request), maxAge: SESSION_SECONDS });
}

export function endSession(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
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
