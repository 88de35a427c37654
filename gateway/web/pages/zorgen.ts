/**
 * Zorgen van buren: the concerns neighbours raised (Meld een zorg) that were routed to my organisation, the open ones
 * newest first with where, what and by when I answer, and a form on each to take it up (opgepakt) or to mark it handled
 * (afgehandeld) with an outcome code; the handled ones below, without their text. Read and answered through the API
 * (GET /v1/concerns, POST /v1/concerns/{id}/answer) as the signed-in user, so the store decides who may answer, and
 * each reading and answer is a record in the processing log (`concerns.read`, `concerns.answer`).
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ConcernOutcome, OpenedConcern } from '../../../client/concerns';
import { ConcernOutcomeSchema } from '../../../client/concerns';
import { isProblem } from '../api';
import { signedIn, whoOf, type WebOptions } from '../context';
import { flashBlock, readFlash, refusalOf, sendFlash } from '../flash';
import { dutchDate, html, page, type Html } from '../html';

/** The outcome codes, as a coordinator reads them. */
export const outcomeLabels: Record<ConcernOutcome, string> = {
  'contact-gelegd': 'Contact gelegd en opgevolgd',
  doorgezet: 'Doorgezet naar de partner die erover gaat',
  'geen-actie-nodig': 'Bekeken, geen actie nodig',
  'niet-te-herleiden': 'Plek of situatie niet te herleiden',
  overig: 'Anders',
};

const AnswerFormSchema = z.object({
  status: z.enum(['opgepakt', 'afgehandeld']),
  outcome: z.string().optional(),
});

const ParamsSchema = z.object({ id: z.uuid() });

export const zorgenPage: FastifyPluginAsync<WebOptions> = async (app, options) => {
  const covenantName = (region: string) =>
    options.sdk.regions.includes(region) ? options.sdk.covenant(region).name : region;

  const answerForms = (c: OpenedConcern, csrf: string): Html =>
    html`<div class="answer">
      ${
        c.state === 'open'
          ? html`<form method="post" action="/zorgen/${c.id}/antwoord">
              <input type="hidden" name="_csrf" value="${csrf}" />
              <input type="hidden" name="status" value="opgepakt" />
              <button type="submit">Oppakken</button>
            </form>`
          : ''
      }
      <form method="post" action="/zorgen/${c.id}/antwoord">
        <input type="hidden" name="_csrf" value="${csrf}" />
        <input type="hidden" name="status" value="afgehandeld" />
        <div class="field">
          <label for="uitkomst-${c.id}">Uitkomst</label>
          <select id="uitkomst-${c.id}" name="outcome" required>
            <option value="">Kies de uitkomst</option>
            ${ConcernOutcomeSchema.options.map((o) => html`<option value="${o}">${outcomeLabels[o]}</option>`)}
          </select>
        </div>
        <button type="submit">Afhandelen</button>
      </form>
    </div>`;

  const openCard = (c: OpenedConcern, csrf: string): Html =>
    html`<li class="card">
      <h3>${c.place}</h3>
      <p>${dutchDate(c.at, true)} · ${covenantName(c.region)}</p>
      <p>${c.text}</p>
      <p><strong>Reageer uiterlijk ${dutchDate(c.respondBy, true)}.</strong></p>
      ${
        c.state === 'opgepakt' && c.answer
          ? html`<p class="hint">Opgepakt op ${dutchDate(c.answer.at, true)} (${c.answer.by.personId}).</p>`
          : ''
      }
      ${answerForms(c, csrf)}
    </li>`;

  const handledCard = (c: OpenedConcern): Html =>
    html`<li class="card">
      <h3>${c.place}</h3>
      <p>${dutchDate(c.at, true)} · ${covenantName(c.region)}</p>
      <p>
        Afgehandeld op ${c.answer ? dutchDate(c.answer.at, true) : '—'}:
        ${c.answer?.outcome ? outcomeLabels[c.answer.outcome] : '—'}
      </p>
    </li>`;

  app.get('/zorgen', async (request, reply) => {
    const user = await signedIn(options, request, reply);
    if (!user) return reply;
    const layout = { title: 'Zorgen van buren', who: whoOf(user), csrf: user.csrf, path: '/zorgen' };
    const flash = readFlash(request, reply);
    const answer = await user.api<{ items: OpenedConcern[] }>('GET', '/v1/concerns');
    if (isProblem(answer)) {
      return reply
        .type('text/html')
        .send(page(layout, html`${flashBlock({ refused: refusalOf(answer.body) })}`));
    }
    const open = answer.body.items.filter((c) => c.state !== 'afgehandeld');
    const handled = answer.body.items.filter((c) => c.state === 'afgehandeld');
    return reply.type('text/html').send(
      page(
        layout,
        html`${flashBlock(flash)}
          <p>
            Zorgen die buren meldden via Meld een zorg en die volgens het convenant bij uw organisatie horen.
            Alleen uw organisatie ziet deze tekst; elke keer dat u deze pagina opent, staat in het
            verwerkingenlogboek. Leg vast dat u een zorg oppakt, en hoe u hem afhandelt: een uitkomst uit de
            lijst, geen tekst over personen.
          </p>
          ${
            answer.body.items.length === 0
              ? html`<p>Er zijn geen zorgen van buren voor uw organisatie.</p>`
              : html`<h2 id="open">Open</h2>
                  ${
                    open.length
                      ? html`<ul class="cards" aria-labelledby="open">
                          ${open.map((c) => openCard(c, user.csrf))}
                        </ul>`
                      : html`<p>Er staan geen zorgen van buren open voor uw organisatie.</p>`
                  }
                  ${
                    handled.length
                      ? html`<h2 id="afgehandeld">Afgehandeld</h2>
                          <ul class="cards" aria-labelledby="afgehandeld">
                            ${handled.map(handledCard)}
                          </ul>`
                      : ''
                  }`
          }`,
      ),
    );
  });

  app.post('/zorgen/:id/antwoord', { preHandler: app.csrfProtection.bind(app) }, async (request, reply) => {
    const user = await signedIn(options, request, reply);
    if (!user) return reply;
    const params = ParamsSchema.safeParse(request.params);
    const form = AnswerFormSchema.safeParse(request.body);
    if (!params.success || !form.success) {
      sendFlash(request, reply, {
        refused: { title: 'Niet gelukt', detail: 'Deze zorg of dit antwoord kennen we niet.' },
      });
      return reply.redirect('/zorgen', 303);
    }
    const { status, outcome } = form.data;
    if (status === 'afgehandeld' && !outcome) {
      sendFlash(request, reply, {
        refused: {
          title: 'De gegevens kloppen niet',
          detail: 'Kies de uitkomst.',
          problems: [{ field: 'Uitkomst', message: 'kies een uitkomst uit de lijst' }],
        },
      });
      return reply.redirect('/zorgen', 303);
    }
    // The API checks the outcome code and decides whether this organisation may answer at all.
    const sent = await user.api('POST', `/v1/concerns/${params.data.id}/answer`, {
      status,
      ...(status === 'afgehandeld' ? { outcome } : {}),
    });
    const label = ConcernOutcomeSchema.safeParse(outcome);
    sendFlash(
      request,
      reply,
      isProblem(sent)
        ? { refused: refusalOf(sent.body) }
        : {
            done:
              status === 'opgepakt'
                ? 'zorg opgepakt'
                : `zorg afgehandeld (${label.success ? outcomeLabels[label.data] : ''})`,
          },
    );
    return reply.redirect('/zorgen', 303);
  });
};
