/**
 * Signing in through the organisation's identity provider (TIDW_OIDC_ISSUER): the authorization-code flow with PKCE,
 * state and nonce, through openid-client. The flow's secrets wait in a signed, HttpOnly cookie for the ten minutes the
 * round trip may take; the access token the provider gives (for the API's audience) becomes the session, checked by
 * the same verifier as every bearer token. A refresh token, when the provider gives one, renews the access token
 * when it expires (the refresh token grant), so that a coordinator at work is not signed out by a short token.
 */
import { createHash } from 'node:crypto';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { generators, Issuer, type BaseClient } from 'openid-client';
import type { GatewayConfig } from '../config';

const FLOW_COOKIE = 'tidw_oidc';
export const CALLBACK_PATH = '/inloggen/terug';

interface Flow {
  verifier: string;
  state: string;
  nonce: string;
}

/** The provider's client, found by discovery on first use (again after a failure). */
export function oidcClient(auth: GatewayConfig['auth']): (() => Promise<BaseClient>) | undefined {
  const { issuer, webClient } = auth;
  if (!issuer || !webClient) return undefined;
  let client: Promise<BaseClient> | undefined;
  return () => {
    client ??= Issuer.discover(issuer)
      .then(
        (found) =>
          new found.Client({
            client_id: webClient.id,
            ...(webClient.secret
              ? { client_secret: webClient.secret }
              : { token_endpoint_auth_method: 'none' as const }),
            response_types: ['code'],
          }),
      )
      .catch((err: unknown) => {
        client = undefined;
        throw err;
      });
    return client;
  };
}

const redirectUri = (request: FastifyRequest) => `${request.protocol}://${request.host}${CALLBACK_PATH}`;

/** Sends the browser to the provider, with a fresh verifier, state and nonce kept in the flow cookie. */
export async function beginLogin(
  client: BaseClient,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const flow: Flow = {
    verifier: generators.codeVerifier(),
    state: generators.state(),
    nonce: generators.nonce(),
  };
  reply.setCookie(FLOW_COOKIE, JSON.stringify(flow), {
    path: CALLBACK_PATH,
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    signed: true,
    maxAge: 600,
  });
  const url = client.authorizationUrl({
    scope: 'openid',
    redirect_uri: redirectUri(request),
    code_challenge: generators.codeChallenge(flow.verifier),
    code_challenge_method: 'S256',
    state: flow.state,
    nonce: flow.nonce,
  });
  return reply.redirect(url, 303);
}

/**
 * What a login or a refresh gives: the access token for the session, a refresh token when the provider gave one, and
 * the ID token, which names the session at the provider when the user logs out there.
 */
export interface SessionTokens {
  access: string;
  refresh?: string;
  id?: string;
}

const tokensOf = (set: {
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
}): SessionTokens | undefined =>
  set.access_token
    ? {
        access: set.access_token,
        ...(set.refresh_token ? { refresh: set.refresh_token } : {}),
        ...(set.id_token ? { id: set.id_token } : {}),
      }
    : undefined;

/** Completes the flow: the tokens for the session, or undefined when the answer is not the one we asked for. */
export async function finishLogin(
  client: BaseClient,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<SessionTokens | undefined> {
  const raw = request.cookies[FLOW_COOKIE];
  reply.clearCookie(FLOW_COOKIE, { path: CALLBACK_PATH });
  const unsigned = raw ? request.unsignCookie(raw) : undefined;
  if (!unsigned?.valid || !unsigned.value) return undefined;
  const flow = JSON.parse(unsigned.value) as Flow;
  try {
    const tokens = await client.callback(redirectUri(request), client.callbackParams(request.raw), {
      code_verifier: flow.verifier,
      state: flow.state,
      nonce: flow.nonce,
    });
    return tokensOf(tokens);
  } catch (err) {
    request.log.warn({ err }, 'login refused');
    return undefined;
  }
}

/** How long a refresh's outcome answers for its refresh token: requests that were under way with the old cookie. */
const SETTLED_MS = 30_000;
const refreshing = new Map<string, { at: number; tokens: Promise<SessionTokens | undefined> }>();

/**
 * New tokens for a refresh token (the refresh token grant), or undefined when the provider refuses it (revoked, its
 * session over) or cannot be reached. The requests of one page that find the token expired together (a poll beside a
 * navigation) share one refresh, and for a short while a request that still carries the old refresh token gets the
 * same answer, so that a provider which rotates refresh tokens does not see the old one used twice.
 */
export function refreshSession(
  client: () => Promise<BaseClient>,
  refreshToken: string,
  log: FastifyBaseLogger,
): Promise<SessionTokens | undefined> {
  const now = Date.now();
  for (const [key, entry] of refreshing) if (now - entry.at > SETTLED_MS) refreshing.delete(key);
  const key = createHash('sha256').update(refreshToken).digest('hex');
  const known = refreshing.get(key);
  if (known) return known.tokens;
  const tokens = client()
    .then((c) => c.refresh(refreshToken))
    .then(tokensOf)
    .catch((err: unknown) => {
      log.warn({ err }, 'session refresh refused');
      return undefined;
    });
  refreshing.set(key, { at: now, tokens });
  return tokens;
}

/** Where the provider sends the browser back after logging out there; register it as a post-logout redirect URI. */
export const LOGGED_OUT_PATH = '/uitgelogd';

/**
 * RP-initiated logout: the provider's end-session URL, naming the session by its ID token, or undefined when the
 * provider has no end-session endpoint (then the session ends at the gateway only). Without it, the next person at a
 * shared desk who clicks "Inloggen" would be signed in as the previous one by the provider's own session.
 */
export function endSessionUrl(
  client: BaseClient,
  request: FastifyRequest,
  idToken: string | undefined,
): string | undefined {
  if (!client.issuer.metadata.end_session_endpoint) return undefined;
  return client.endSessionUrl({
    ...(idToken ? { id_token_hint: idToken } : {}),
    post_logout_redirect_uri: `${request.protocol}://${request.host}${LOGGED_OUT_PATH}`,
  });
}
