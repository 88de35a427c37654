/**
 * Signing in through the organisation's identity provider (TIDW_OIDC_ISSUER): the authorization-code flow with PKCE,
 * state and nonce, through openid-client. The flow's secrets wait in a signed, HttpOnly cookie for the ten minutes the
 * round trip may take; the access token the provider gives (for the API's audience) becomes the session, checked by
 * the same verifier as every bearer token.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
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

/** Completes the flow: the access token for the session, or undefined when the answer is not the one we asked for. */
export async function finishLogin(
  client: BaseClient,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<string | undefined> {
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
    return tokens.access_token;
  } catch (err) {
    request.log.warn({ err }, 'login refused');
    return undefined;
  }
}
