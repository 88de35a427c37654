/**
 * The development issuer's public side: OIDC discovery and the JWKS at their well-known URLs, so that any OIDC client
 * (and the gateway itself) can check its tokens. Its private key stays in the data directory.
 */
import type { FastifyPluginAsync } from 'fastify';
import { discoveryDocument, type DevIssuerKey } from '../../platform/dev-issuer';

export const devIssuerPlugin: FastifyPluginAsync<{ key: DevIssuerKey; issuer: string }> = async (
  app,
  { key, issuer },
) => {
  const hidden = { schema: { hide: true }, config: { public: true } };
  app.get('/.well-known/openid-configuration', hidden, async () => discoveryDocument(issuer));
  app.get('/.well-known/jwks.json', hidden, async () => ({ keys: [key.publicJwk] }));
};
