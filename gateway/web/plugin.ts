/**
 * The web app for coordinators, and the public page where a neighbour raises a concern: server-rendered HTML, htmx as
 * progressive enhancement, no build step. Its routes are public to the API's bearer check; each page checks the
 * session cookie itself and calls the API in process as the signed-in user (see api.ts). Every form carries a CSRF
 * token. Registered once, in app.ts.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { projectRoot } from '../../platform/paths';
import type { WebOptions } from './context';
import { html, page } from './html';
import { oidcClient } from './oidc';
import { aanmeldenPage } from './pages/aanmelden';
import { agendaPage } from './pages/agenda';
import { escalatiesPage } from './pages/escalaties';
import { loginPages } from './pages/login';
import { meldEenZorgPage } from './pages/meld-een-zorg';
import { mijnWerkPage } from './pages/mijn-werk';
import { rapportagePage } from './pages/rapportage';
import { trajectPage } from './pages/traject';
import { zorgenPage } from './pages/zorgen';

export type { WebOptions } from './context';

export const webPlugin: FastifyPluginAsync<WebOptions> = async (app, options) => {
  // The pages answer to their session cookie, not to a bearer token: the auth plugin lets them through. They are no
  // part of the API, so the OpenAPI document leaves them out.
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), public: true };
    route.schema = { ...(route.schema ?? {}), hide: true };
  });
  // Signs the short-lived flash cookie and the CSRF secret; a new secret on restart only means a form to resend.
  await app.register(cookie, { secret: randomBytes(32).toString('hex') });
  await app.register(formbody, { bodyLimit: 16 * 1024 });
  await app.register(csrf, {
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', signed: true },
  });
  await app.register(fastifyStatic, {
    root: join(projectRoot(), 'gateway', 'web', 'static'),
    prefix: '/static/',
    index: false,
    maxAge: 3600_000,
  });
  await app.register(fastifyStatic, {
    root: dirname(require.resolve('htmx.org/dist/htmx.min.js')),
    prefix: '/static/htmx/',
    decorateReply: false,
    index: false,
    allowedPath: (path) => path === '/htmx.min.js',
    maxAge: 3600_000,
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    const csrfFailure = err.code?.startsWith('FST_CSRF');
    if (status >= 500) request.log.error({ err }, 'page failed');
    const message = csrfFailure
      ? 'Dit formulier is verlopen of kwam niet van deze site. Ga terug, laad de pagina opnieuw en probeer het nog eens.'
      : status === 413
        ? 'Dat is te veel tekst.'
        : status === 503
          ? 'Het systeem is even niet bereikbaar. Probeer het over enkele seconden opnieuw.'
          : status >= 500
            ? 'Er ging iets mis aan onze kant.'
            : 'Dit verzoek kunnen we niet verwerken.';
    return reply
      .code(csrfFailure ? 403 : status)
      .type('text/html')
      .send(
        page(
          { title: 'Niet gelukt' },
          html`<div class="error" role="alert"><p>${message}</p></div>
            <p><a href="/">Naar de startpagina</a></p>`,
        ),
      );
  });

  // One client of the identity provider for the login and for renewing sessions (discovered on first use).
  const oidc = oidcClient(options.auth);
  const pages: WebOptions = { ...options, ...(oidc ? { oidc } : {}) };
  await app.register(loginPages, pages);
  await app.register(mijnWerkPage, pages);
  await app.register(trajectPage, pages);
  await app.register(aanmeldenPage, pages);
  await app.register(escalatiesPage, pages);
  await app.register(agendaPage, pages);
  await app.register(meldEenZorgPage, pages);
  await app.register(zorgenPage, pages);
  await app.register(rapportagePage, pages);
};
