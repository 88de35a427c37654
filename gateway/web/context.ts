/** What every page of the web app is given, and the signed-in user a page works for. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BaseClient } from 'openid-client';
import type { TenancyClient } from '../../client';
import type { ConcernStore } from '../../client/concerns';
import type { DevIssuerKey } from '../../platform/dev-issuer';
import type { GatewayConfig } from '../config';
import type { Caller, VerifyBearer } from '../identity';
import { apiFor, textApiFor, type Api, type TextApi } from './api';
import { refreshSession } from './oidc';
import {
  endSession,
  keepRefreshToken,
  keptRefreshToken,
  REFRESH_COOKIE,
  SESSION_COOKIE,
  sessionCaller,
  startSession,
} from './session';

export interface WebOptions {
  /** The gateway itself: pages call its API routes in process. */
  gateway: FastifyInstance;
  sdk: TenancyClient;
  verify: VerifyBearer;
  /** The development issuer, when the gateway runs it: then the development login is offered. */
  devIssuer?: { key: DevIssuerKey; issuer: string };
  /** How callers are authenticated: the audience, and the external issuer with the web app's client, if any. */
  auth: GatewayConfig['auth'];
  dataDir: string;
  /** Where a neighbour's concern is stored, sealed; none without a key ring. */
  concerns?: ConcernStore;
  /** The clock of the concern routing (tests fix it). */
  now?: () => Date;
  /** The identity provider's client for the web app (set by the plugin when TIDW_OIDC_CLIENT_ID is). */
  oidc?: () => Promise<BaseClient>;
}

export interface SignedIn {
  caller: Caller;
  api: Api;
  /** The same, for answers that are no JSON (a report's CSV or HTML). */
  text: TextApi;
  csrf: string;
}

/**
 * A session whose access token no longer holds, renewed with its refresh token: new tokens from the provider, the
 * access token checked by the same verifier, both cookies set again for the rest of the working day. Undefined when
 * there is no refresh token (the development login, a provider that gives none), its working day is over, or the
 * provider refuses it.
 */
async function renewedSession(
  options: WebOptions,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<{ caller: Caller; token: string } | undefined> {
  const keyring = options.sdk.encryption?.keyring;
  if (!options.oidc || !keyring || !request.cookies[REFRESH_COOKIE]) return undefined;
  const kept = keptRefreshToken(request, keyring);
  if (!kept) return undefined;
  const tokens = await refreshSession(options.oidc, kept.refreshToken, request.log);
  if (!tokens) return undefined;
  let caller: Caller;
  try {
    caller = await options.verify(`Bearer ${tokens.access}`);
  } catch (err) {
    request.log.warn({ err }, 'refreshed token refused');
    return undefined;
  }
  startSession(request, reply, tokens.access, kept.until);
  if (tokens.refresh && tokens.refresh !== kept.refreshToken)
    keepRefreshToken(request, reply, keyring, { refreshToken: tokens.refresh, until: kept.until });
  request.log.info('session refreshed');
  return { caller, token: tokens.access };
}

/**
 * The signed-in user, or a redirect to the login page (answered here; the caller then returns). A session whose
 * token expired is renewed with its refresh token when the provider gave one; a session cookie whose token no longer
 * holds and cannot be renewed (its working day is over, the provider refused, or it was signed by a key no longer
 * trusted) is cleared, and the login page says that the session ended.
 */
export async function signedIn(
  options: WebOptions,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<SignedIn | undefined> {
  const session =
    (await sessionCaller(request, options.verify)) ?? (await renewedSession(options, request, reply));
  if (!session) {
    const expired = Boolean(request.cookies[SESSION_COOKIE] || request.cookies[REFRESH_COOKIE]);
    if (expired) endSession(request, reply);
    const login = expired ? '/inloggen?verlopen' : '/inloggen';
    // A fragment htmx asked for (a poll, not a boosted navigation) must not swap the login page into the page:
    // htmx sends the whole browser there instead.
    if (request.headers['hx-request'] && !request.headers['hx-boosted'])
      await reply.code(204).header('hx-redirect', login).send();
    else await reply.redirect(login, 303);
    return undefined;
  }
  const traceparent = request.headers.traceparent as string | undefined;
  return {
    caller: session.caller,
    api: apiFor(options.gateway, session.token, traceparent),
    text: textApiFor(options.gateway, session.token, traceparent),
    csrf: reply.generateCsrf(),
  };
}

/** What a page renders its header with. */
export const whoOf = (user: SignedIn) => ({
  role: user.caller.actor.role,
  ...(user.caller.actor.organisation ? { organisation: user.caller.actor.organisation } : {}),
});
