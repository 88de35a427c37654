/** Dutch API Design Rules: the major version is in the path (/v1), the full version in an `API-Version` header. */
import { shared } from './shared';

export const API_VERSION = '1.0.0';

export const apiVersionPlugin = shared(async (app) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('api-version', API_VERSION);
    return payload;
  });
}, 'tidw-api-version');
