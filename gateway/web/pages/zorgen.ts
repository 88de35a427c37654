/**
 * Zorgen van buren: the concerns neighbours raised (Meld een zorg) that were routed to my organisation, newest first,
 * with where, what, and by when I answer. Only the concerns routed to my role and organisation are opened; each
 * reading is a record in the processing log (operation `concerns.read`, activity `signalen-buren`), as an API read is.
 */
import type { FastifyPluginAsync } from 'fastify';
import { ConcernStore } from '../concerns';
import { signedIn, whoOf, type WebOptions } from '../context';
import { dutchDate, html, page } from '../html';

export const zorgenPage: FastifyPluginAsync<WebOptions> = async (app, options) => {
  const keyring = options.sdk.encryption?.keyring;
  const store = keyring ? new ConcernStore(options.dataDir, keyring) : undefined;

  app.get(
    '/zorgen',
    { config: { operation: 'concerns.read', activity: 'signalen-buren' } },
    async (request, reply) => {
      const user = await signedIn(options, request, reply);
      if (!user) return reply;
      // The processing log records a read by the caller it finds on the request (plugins/processing-log.ts).
      request.caller = user.caller;
      const concerns = store?.forParty(user.caller.actor) ?? [];
      return reply.type('text/html').send(
        page(
          { title: 'Zorgen van buren', who: whoOf(user), csrf: user.csrf, path: '/zorgen' },
          html`<p>
              Zorgen die buren meldden via Meld een zorg en die volgens het convenant bij uw organisatie
              horen. Alleen uw organisatie ziet deze tekst; elke keer dat u deze pagina opent, staat in het
              verwerkingenlogboek.
            </p>
            ${
              concerns.length
                ? html`<ul class="cards">
                    ${concerns.map(
                      (c) =>
                        html`<li class="card">
                          <h2>${c.place}</h2>
                          <p>${dutchDate(c.at, true)} · ${options.sdk.covenant(c.region).name}</p>
                          <p>${c.text}</p>
                          <p><strong>Reageer uiterlijk ${dutchDate(c.respondBy, true)}.</strong></p>
                        </li>`,
                    )}
                  </ul>`
                : html`<p>Er zijn geen zorgen van buren voor uw organisatie.</p>`
            }`,
        ),
      );
    },
  );
};
