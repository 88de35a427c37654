/**
 * Authentication: every route that is not public needs a valid bearer token; the caller it stands for is the actor of
 * everything the request does. The actor never comes from the request body.
 */
import type { VerifyBearer } from '../identity';
import { shared } from './shared';
import '../types';

export const authPlugin = shared<{ verify: VerifyBearer }>(async (app, { verify }) => {
  app.decorateRequest('caller', undefined);
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions;
    if (route.config?.public || route.url?.startsWith('/v1/docs')) return;
    request.caller = await verify(request.headers.authorization);
  });
}, 'tidw-auth');
