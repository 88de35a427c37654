/**
 * Inloggen and uitloggen. On the embedded default the development login offers every party of the covenants and
 * signs in with a token from the development issuer. With an external identity provider (TIDW_OIDC_ISSUER and the web
 * app's client, TIDW_OIDC_CLIENT_ID) the user signs in there: the authorization-code flow with PKCE (oidc.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ActorSchema } from '../../../machines';
import { mintDevToken } from '../../../platform/dev-issuer';
import type { WebOptions } from '../context';
import { roleLabels } from '../dutch';
import { html, page } from '../html';
import { beginLogin, CALLBACK_PATH, endSessionUrl, finishLogin, LOGGED_OUT_PATH } from '../oidc';
import {
  devParties,
  endSession,
  ID_TOKEN_COOKIE,
  keepIdToken,
  keepRefreshToken,
  REFRESH_COOKIE,
  SESSION_SECONDS,
  sessionCaller,
  startSession,
} from '../session';

const LoginSchema = z.object({
  party: z.string().regex(/^[a-z]+:.+$/),
  personId: z.string().trim().default(''),
});

export const loginPages: FastifyPluginAsync<WebOptions> = async (app, options) => {
  const oidc = options.oidc;
  const parties = () => devParties(options.sdk.regions.map((r) => options.sdk.covenant(r)));

  // A session that may still be renewed goes on to Mijn werk, which renews it or says that it ended.
  app.get('/', async (request, reply) =>
    reply.redirect(
      (await sessionCaller(request, options.verify)) || request.cookies[REFRESH_COOKIE]
        ? '/mijn-werk'
        : '/inloggen',
      303,
    ),
  );

  app.get('/inloggen', async (request, reply) => {
    const csrf = reply.generateCsrf();
    const query = request.query as { fout?: string; verlopen?: string; uitgelogd?: string };
    const failed = query.fout !== undefined;
    const expired =
      query.verlopen !== undefined
        ? html`<div class="notice" role="status">Uw sessie is verlopen. Log opnieuw in.</div>`
        : query.uitgelogd !== undefined
          ? html`<div class="notice" role="status">U bent uitgelogd.</div>`
          : '';
    if (!options.devIssuer) {
      return reply.type('text/html').send(
        page(
          { title: 'Inloggen', path: '/inloggen' },
          html`${expired}${failed ? html`<div class="error" role="alert">Inloggen is niet gelukt. Probeer het opnieuw.</div>` : ''}
          ${
            oidc
              ? html`<p>U logt in via het inlogsysteem van uw organisatie.</p>
                  <p>
                    <a class="button" href="/inloggen/organisatie" hx-boost="false"
                      >Inloggen via uw organisatie</a
                    >
                  </p>`
              : html`<p>
                  Inloggen gaat via het inlogsysteem van uw organisatie; voor deze omgeving is dat niet
                  ingesteld (TIDW_OIDC_CLIENT_ID). Partnersystemen gebruiken de API met hun eigen tokens.
                </p>`
          }`,
        ),
      );
    }
    return reply.type('text/html').send(
      page(
        { title: 'Inloggen', path: '/inloggen' },
        html`${expired}
          <div class="notice" role="note">
            <strong>Ontwikkel-login.</strong> Alleen voor ontwikkelen en testen: u kiest zelf als welke partij
            u werkt. In productie logt u in via uw eigen organisatie.
          </div>
          ${failed ? html`<div class="error" role="alert">Kies een partij en een geldige medewerkerscode.</div>` : ''}
          <form method="post" action="/inloggen" class="card">
            <input type="hidden" name="_csrf" value="${csrf}" />
            <div class="field">
              <label for="party">Ik werk als</label>
              <select id="party" name="party" required>
                ${parties().map(
                  (p) =>
                    html`<option value="${p.role}:${p.organisation}">
                      ${roleLabels[p.role]} · ${p.organisation}
                    </option>`,
                )}
              </select>
            </div>
            <div class="field">
              <label for="personId">Medewerkerscode (pseudoniem)</label>
              <input
                id="personId"
                name="personId"
                autocomplete="off"
                placeholder="bijvoorbeeld mw-0001"
                aria-describedby="personId-hint"
              />
              <p id="personId-hint" class="hint">
                Geen naam of e-mailadres: een code die u niet herleidt tot een persoon.
              </p>
            </div>
            <button type="submit">Inloggen</button>
          </form>`,
      ),
    );
  });

  app.get('/inloggen/organisatie', async (request, reply) => {
    if (!oidc) return reply.redirect('/inloggen', 303);
    return beginLogin(await oidc(), request, reply);
  });

  app.get(CALLBACK_PATH, async (request, reply) => {
    if (!oidc) return reply.redirect('/inloggen', 303);
    const tokens = await finishLogin(await oidc(), request, reply);
    // The provider's token is a session only when the API would take it as a bearer token.
    const valid = tokens
      ? await options.verify(`Bearer ${tokens.access}`).then(
          () => true,
          () => false,
        )
      : false;
    if (!tokens || !valid) return reply.redirect('/inloggen?fout', 303);
    const until = new Date(Date.now() + SESSION_SECONDS * 1000).toISOString();
    startSession(request, reply, tokens.access, until);
    if (tokens.id) keepIdToken(request, reply, tokens.id, until);
    // Kept sealed with the key ring; without one the session lasts as long as the access token.
    const keyring = options.sdk.encryption?.keyring;
    if (tokens.refresh && keyring)
      keepRefreshToken(request, reply, keyring, { refreshToken: tokens.refresh, until });
    return reply.redirect('/mijn-werk', 303);
  });

  app.post('/inloggen', { preHandler: app.csrfProtection.bind(app) }, async (request, reply) => {
    const dev = options.devIssuer;
    const form = LoginSchema.safeParse(request.body);
    if (!dev || !form.success) return reply.redirect('/inloggen?fout', 303);
    const [role, ...rest] = form.data.party.split(':');
    const organisation = rest.join(':');
    const offered = parties().some((p) => p.role === role && p.organisation === organisation);
    const actor = ActorSchema.safeParse({
      role,
      organisation,
      personId: form.data.personId || `dev-${role}`,
    });
    if (!offered || !actor.success) return reply.redirect('/inloggen?fout', 303);
    const token = await mintDevToken(dev.key, actor.data, {
      issuer: dev.issuer,
      audience: options.auth.audience,
      lifetimeSeconds: SESSION_SECONDS,
    });
    startSession(request, reply, token);
    return reply.redirect('/mijn-werk', 303);
  });

  // Logging out ends the session here and, when the provider offers it, at the provider too (RP-initiated logout),
  // which sends the browser back to LOGGED_OUT_PATH. A provider that cannot be reached does not keep anyone signed in
  // here: the gateway's session is gone before the redirect.
  app.post('/uitloggen', { preHandler: app.csrfProtection.bind(app) }, async (request, reply) => {
    const idToken = request.cookies[ID_TOKEN_COOKIE];
    endSession(request, reply);
    const atProvider = oidc
      ? await oidc().then(
          (client) => endSessionUrl(client, request, idToken),
          (err: unknown) => {
            request.log.warn({ err }, 'logout at the identity provider skipped');
            return undefined;
          },
        )
      : undefined;
    return reply.redirect(atProvider ?? '/inloggen?uitgelogd', 303);
  });

  app.get(LOGGED_OUT_PATH, async (_request, reply) => reply.redirect('/inloggen?uitgelogd', 303));
};
