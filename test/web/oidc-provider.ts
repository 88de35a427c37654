/**
 * A small OpenID Connect provider for the login tests: discovery, JWKS, an authorization endpoint that signs in one
 * configured person at once (no login form), and a token endpoint that checks the PKCE verifier and, when asked to,
 * gives refresh tokens and takes them back (the refresh token grant, rotating the refresh token as Keycloak can), and,
 * when asked to, an end-session endpoint (RP-initiated logout) that ends the person's session there. Its access tokens
 * are in Keycloak's shape, for the gateway's audience.
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
  /** Refresh token grants asked for, and whether each was taken. */
  refreshes: boolean[];
  /** ID tokens given, in order. */
  idTokens: string[];
  /** Logouts asked at the end-session endpoint: the ID token hint and where the browser was sent back to. */
  logouts: Array<{ idTokenHint: string | null; postLogoutRedirectUri: string | null }>;
  /** Ends every session at the provider: no refresh token it gave is taken any more. */
  revokeRefreshTokens(): void;
  close(): Promise<void>;
}

export async function startTestProvider(options: {
  clientId: string;
  audience: string;
  person: Actor;
  /** Give a refresh token with the tokens (default: none, as a provider configured without them). */
  refreshTokens?: boolean;
  /** How long an access token lives (default 5 minutes). */
  accessSeconds?: number;
  /** Offer an end-session endpoint (default: none, as a provider without RP-initiated logout). */
  endSession?: boolean;
}): Promise<TestProvider> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'p-1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { challenge: string; nonce: string }>();
  const pkce: boolean[] = [];
  const refreshes: boolean[] = [];
  const idTokens: string[] = [];
  const logouts: TestProvider['logouts'] = [];
  const liveRefreshTokens = new Set<string>();
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
      .setExpirationTime(`${options.accessSeconds ?? 300}s`)
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
        ...(options.endSession ? { end_session_endpoint: `${issuer}/logout` } : {}),
      });
    }
    if (url.pathname === '/logout' && options.endSession) {
      const back = url.searchParams.get('post_logout_redirect_uri');
      logouts.push({ idTokenHint: url.searchParams.get('id_token_hint'), postLogoutRedirectUri: back });
      liveRefreshTokens.clear(); // the person's session at the provider is over
      response.writeHead(back ? 302 : 200, back ? { location: back } : {});
      return response.end();
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
        const person = options.person;
        const access = () =>
          sign(
            {
              realm_access: { roles: [person.role] },
              ...(person.organisation ? { organisation: person.organisation } : {}),
              azp: options.clientId,
            },
            options.audience,
          );
        const refreshToken = () => {
          const token = randomUUID();
          liveRefreshTokens.add(token);
          return token;
        };
        if (form.get('grant_type') === 'refresh_token') {
          const old = form.get('refresh_token') ?? '';
          const taken = liveRefreshTokens.delete(old);
          refreshes.push(taken);
          if (!taken) return json(400, { error: 'invalid_grant' });
          void access().then((token) =>
            json(200, {
              access_token: token,
              refresh_token: refreshToken(),
              token_type: 'Bearer',
              expires_in: options.accessSeconds ?? 300,
            }),
          );
          return undefined;
        }
        const grant = codes.get(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const ok =
          grant !== undefined &&
          createHash('sha256').update(verifier).digest('base64url') === grant.challenge;
        pkce.push(ok);
        if (!ok || !grant) return json(400, { error: 'invalid_grant' });
        codes.delete(form.get('code')!);
        void Promise.all([
          access(),
          sign({ nonce: grant.nonce, azp: options.clientId }, options.clientId),
        ]).then(([token, id]) => {
          idTokens.push(id);
          json(200, {
            access_token: token,
            id_token: id,
            token_type: 'Bearer',
            expires_in: options.accessSeconds ?? 300,
            ...(options.refreshTokens ? { refresh_token: refreshToken() } : {}),
          });
        });
      });
      return undefined;
    }
    return json(404, {});
  });
  return {
    issuer,
    pkce,
    refreshes,
    idTokens,
    logouts,
    revokeRefreshTokens: () => liveRefreshTokens.clear(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
