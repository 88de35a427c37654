/** What every page of the web app is given, and the signed-in user a page works for. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BaseClient } from 'openid-client';
import type { TenancyClient } from '../../client';
import type { ConcernStore } from '../../client/concerns';
import type { DevIssuerKey } from '../../platform/dev-issuer';
import type { GatewayConfig } from '../config';
import type { Caller, VerifyBearer } from '../identity';
import { apiFor, textApiFor, type Api, type TextApi } from './api';
import { endSession, SESSION_COOKIE, sessionCaller } from './session';

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
 * The signed-in user, or a redirect to the login page (answered here; the caller then returns). A session cookie whose
 * token no longer holds (expired after its working day, or signed by a key no longer trusted) is cleared, and the login
 * page says that the session ended.
 */
export async function signedIn(
  options: WebOptions,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<SignedIn | undefined> {
  const session = await sessionCaller(request, options.verify);
  if (!session) {
    const expired = Boolean(request.cookies[SESSION_COOKIE]);
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
