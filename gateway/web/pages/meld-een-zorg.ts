/**
 * Meld een zorg: the one public place where a neighbour raises a concern, without an account. The covenant of the
 * chosen municipality routes it by the clock (office hours or not); the neighbour is told which party answers and by
 * when. The answer is the same whatever the address: it never says whether, or whom, a traject concerns. What the
 * neighbour wrote is stored sealed only (see concerns.ts); rate- and size-limited.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { routeConcern, WindowLimiter } from '../concerns';
import type { WebOptions } from '../context';
import { roleLabels } from '../dutch';
import { dutchDate, html, page, type Html } from '../html';

const MAX_TEXT = 2000;
const FormSchema = z.object({
  region: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
  place: z.string().trim().min(2).max(80),
  text: z.string().trim().min(5).max(MAX_TEXT),
});

export const meldEenZorgPage: FastifyPluginAsync<WebOptions> = async (app, options) => {
  const now = options.now ?? (() => new Date());
  const limiter = new WindowLimiter(5, 10 * 60_000);
  const store = options.concerns;
  const regions = () => options.sdk.regions.filter((r) => r !== 'demo');

  const form = (csrf: string, error?: string): Html =>
    html` <p>
        Maakt u zich zorgen over een buur? Vertel het hier. U hoeft niet in te loggen en niet te weten of uw
        buur begeleiding krijgt. Wij zeggen u wie er reageert en wanneer.
      </p>
      ${error ? html`<div class="error" role="alert">${error}</div>` : ''}
      <form method="post" action="/meld-een-zorg" class="card">
        <input type="hidden" name="_csrf" value="${csrf}" />
        <div class="field">
          <label for="region">Gemeente</label
          ><select id="region" name="region" required>
            ${regions().map((r) => html`<option value="${r}">${options.sdk.covenant(r).name}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="place">Complex- of woningnummer</label>
          <input
            id="place"
            name="place"
            required
            minlength="2"
            maxlength="80"
            aria-describedby="place-hint"
            autocomplete="off"
          />
          <p id="place-hint" class="hint">
            Het nummer dat de woningcorporatie bij de ingang of op de brief vermeldt.
          </p>
        </div>
        <div class="field">
          <label for="text">Waar maakt u zich zorgen over?</label>
          <textarea
            id="text"
            name="text"
            required
            minlength="5"
            maxlength="${MAX_TEXT}"
            rows="5"
            aria-describedby="text-hint"
          ></textarea>
          <p id="text-hint" class="hint">Hoogstens ${MAX_TEXT} tekens. Uw tekst wordt versleuteld bewaard.</p>
        </div>
        <button type="submit">Zorg melden</button>
      </form>`;

  const publicPage = { title: 'Meld een zorg', path: '/meld-een-zorg' };

  app.get('/meld-een-zorg', async (_request, reply) =>
    reply.type('text/html').send(page(publicPage, form(reply.generateCsrf()))),
  );

  app.post(
    '/meld-een-zorg',
    { preHandler: app.csrfProtection.bind(app), bodyLimit: 16 * 1024 },
    async (request, reply) => {
      const parsed = FormSchema.safeParse(request.body);
      if (!parsed.success || !regions().includes(parsed.data.region)) {
        return reply
          .code(400)
          .type('text/html')
          .send(
            page(
              publicPage,
              form(
                reply.generateCsrf(),
                'Kies een gemeente, vul het nummer in en beschrijf uw zorg (5 tot 2000 tekens).',
              ),
            ),
          );
      }
      if (!limiter.take(request.ip)) {
        return reply
          .code(429)
          .header('retry-after', '600')
          .type('text/html')
          .send(
            page(
              publicPage,
              html`<div class="error" role="alert">
                U heeft net al meldingen gedaan. Probeer het over tien minuten opnieuw, of bel bij nood 112.
              </div>`,
            ),
          );
      }
      if (!store) {
        return reply
          .code(503)
          .type('text/html')
          .send(
            page(
              publicPage,
              html`<div class="error" role="alert">
                Melden kan nu niet: de versleuteling is niet ingericht. Bel bij nood 112.
              </div>`,
            ),
          );
      }
      const at = now();
      const covenant = options.sdk.covenant(parsed.data.region);
      const routing = routeConcern(covenant, at);
      store.add(parsed.data, routing, at);
      request.log.info({ 'concern.region': covenant.id, 'concern.routedTo': routing.role }, 'concern stored');
      return reply.type('text/html').send(
        page(
          { ...publicPage, title: 'Bedankt voor uw melding' },
          html`<div class="ok" role="status">
              <p>Uw melding is ontvangen.</p>
              <p>
                <strong
                  >${roleLabels[routing.role]}${routing.organisation ? html` · ${routing.organisation}` : ''}</strong
                >
                ${routing.duringOfficeHours ? '' : html` (dienst buiten kantoortijden)`} neemt uw melding op
                en reageert uiterlijk <strong>${dutchDate(routing.respondBy, true)}</strong>.
              </p>
              <p>
                Wij vertellen niemand wie de melding deed, en vertellen u niet of uw buur begeleiding krijgt.
                Is er direct gevaar? Bel 112.
              </p>
            </div>
            <p><a href="/meld-een-zorg">Nog een melding doen</a></p>`,
        ),
      );
    },
  );
};
