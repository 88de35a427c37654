/**
 * A small OpenID Connect provider for the login test: discovery, JWKS, an authorization endpoint that signs in one
 * configured person at once (no login form), and a token endpoint that checks the PKCE verifier. Its access tokens are
 * in Keycloak's shape, for the gateway's audience.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Actor } from '../../machines';

export interface TestProvider {
  issuer: string;
  /** PKCE checks the token endpoint made, and whether each passed. */
  pkce: boolean[];
  close(): Promise<void>;
}

export async function startTestProvider(options: {
  clientId: string;
  audience: string;
  person: Actor;
}): Promise<TestProvider> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'p-1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { challenge: string; nonce: string }>();
  const pkce: boolean[] = [];
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (claims: Record<string, unknown>, audience: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'p-1' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(options.person.personId)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  server.on('request', (request, response) => {
    const url = new URL(request.url ?? '/', issuer);
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const code = randomUUID();
      codes.set(code, {
        challenge: url.searchParams.get('code_challenge') ?? '',
        nonce: url.searchParams.get('nonce') ?? '',
      });
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      response.writeHead(302, { location: back.toString() });
      return response.end();
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const form = new URLSearchParams(body);
        const grant = codes.get(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const ok =
          grant !== undefined &&
          createHash('sha256').update(verifier).digest('base64url') === grant.challenge;
        pkce.push(ok);
        if (!ok || !grant) return json(400, { error: 'invalid_grant' });
        codes.delete(form.get('code')!);
        const person = options.person;
        void Promise.all([
          sign(
            {
              realm_access: { roles: [person.role] },
              ...(person.organisation ? { organisation: person.organisation } : {}),
              azp: options.clientId,
            },
            options.audience,
          ),
          sign({ nonce: grant.nonce, azp: options.clientId }, options.clientId),
        ]).then(([access, id]) =>
          json(200, { access_token: access, id_token: id, token_type: 'Bearer', expires_in: 300 }),
        );
      });
      return undefined;
    }
    return json(404, {});
  });
  return {
    issuer,
    pkce,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
