/**
 * One traject: where it stands in plain Dutch, and "Wat mag ik nu doen": the events the may-do-now answer lists for my
 * role, each as a form generated from its data schema. A posted action goes to POST /v1/trajecten/{ref}/events and
 * comes back to the page (post, redirect, get); a refusal comes back with the rule that refused and what it needs.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ReferenceSchema, type CoordinatorEventType, type PublicStatus } from '../../../machines';
import { actionForm, RETURN_PAGES, type MayDoNow } from '../actions';
import { isProblem } from '../api';
import { signedIn, whoOf, type WebOptions } from '../context';
import { eventLabels, phaseLabels, roleLabels } from '../dutch';
import { flashBlock, readFlash, refusalOf, sendFlash } from '../flash';
import { dataFromForm } from '../forms';
import { dutchDate, html, page, type Html } from '../html';

const ParamsSchema = z.object({ ref: ReferenceSchema });
const ActionParamsSchema = z.object({ ref: ReferenceSchema, type: z.string().regex(/^[A-Z_]{3,40}$/) });

function statusBlock(s: PublicStatus, required: { signatories: string[] }): Html {
  const agreed = new Set(s.contract.agreements);
  const missing = required.signatories.filter((r) => !agreed.has(r as never));
  return html`<section aria-labelledby="stand">
      <h2 id="stand">Stand van zaken</h2>
      <dl class="facts">
        <dt>Fase</dt>
        <dd>${phaseLabels[s.phase]}</dd>
        <dt>Regio</dt>
        <dd>${s.region}</dd>
        <dt>Contractvorm</dt>
        <dd>
          ${s.contract.form ?? (s.contract.advisedForm ? `${s.contract.advisedForm} (geadviseerd)` : 'nog niet gekozen')}
        </dd>
        <dt>Vroegste omklapdatum</dt>
        <dd>${dutchDate(s.contract.earliestConversion)}</dd>
        <dt>Nog nodig voor omklappen</dt>
        <dd>
          ${
            s.contract.form
              ? html`${s.evaluations.recorded} van ${s.evaluations.required} evaluaties vastgelegd; akkoord
                nog nodig van:
                ${missing.length ? missing.map((r) => roleLabels[r as keyof typeof roleLabels] ?? r).join(', ') : 'niemand'}`
              : 'eerst een getekend contract'
          }
        </dd>
      </dl>
    </section>
    <section aria-labelledby="gesprekken">
      <h2 id="gesprekken">Gesprekken</h2>
      ${
        s.meetings.length
          ? html`<ul>
              ${s.meetings.map(
                (m) =>
                  html`<li>
                    ${m.meeting} ${m.number}: uiterlijk
                    ${dutchDate(m.dueBy)}${m.plannedAt ? html`, gepland op ${dutchDate(m.plannedAt, true)}` : ''}
                  </li>`,
              )}
            </ul>`
          : html`<p>Geen gesprekken gepland.</p>`
      }
    </section>
    <section aria-labelledby="termijnen">
      <h2 id="termijnen">Open termijnen</h2>
      ${
        s.deadlines.length
          ? html`<ul>
              ${s.deadlines.map(
                (d) =>
                  html`<li>
                    ${d.kind}: vóór ${dutchDate(d.dueAt, true)}
                    (${d.roles.map((r) => roleLabels[r]).join(', ')})
                  </li>`,
              )}
            </ul>`
          : html`<p>Geen open termijnen.</p>`
      }
    </section>
    <section aria-labelledby="escalaties">
      <h2 id="escalaties">Open escalaties</h2>
      ${
        s.escalations.length
          ? html`<ul>
              ${s.escalations.map(
                (e) =>
                  html`<li class="warn">
                    ${e.kind} sinds ${dutchDate(e.since)} (${e.roles.map((r) => roleLabels[r]).join(', ')})
                  </li>`,
              )}
            </ul>`
          : html`<p>Geen open escalaties.</p>`
      }
    </section>`;
}

function actionsBlock(ref: string, mayDo: MayDoNow, csrf: string): Html {
  return html`<section aria-labelledby="acties">
    <h2 id="acties">Wat mag ik nu doen</h2>
    ${
      mayDo.events.length
        ? mayDo.events.map((e) => actionForm(ref, e, csrf))
        : html`<p>Er is nu niets dat uw rol in dit traject kan doen.</p>`
    }
  </section>`;
}

export const trajectPage: FastifyPluginAsync<WebOptions> = async (app, options) => {
  app.get('/trajecten/:ref', async (request, reply) => {
    const user = await signedIn(options, request, reply);
    if (!user) return reply;
    const params = ParamsSchema.safeParse(request.params);
    const ref = params.success ? params.data.ref : '';
    const status = params.success ? await user.api<PublicStatus>('GET', `/v1/trajecten/${ref}`) : undefined;
    const layout = { title: `Traject ${ref}`, who: whoOf(user), csrf: user.csrf, path: '/trajecten' };
    if (!status || isProblem(status)) {
      return reply
        .code(status?.status ?? 404)
        .type('text/html')
        .send(
          page(
            { ...layout, title: 'Traject niet gevonden' },
            html`<p>Er is geen traject dat u mag zien onder deze referentie.</p>
              <p><a href="/mijn-werk">Terug naar Mijn werk</a></p>`,
          ),
        );
    }
    const mayDo = await user.api<MayDoNow>('GET', `/v1/trajecten/${ref}/may-do-now`);
    const covenant = options.sdk.covenant(status.body.region);
    return reply
      .type('text/html')
      .send(
        page(
          layout,
          html`${flashBlock(readFlash(request, reply))}
          ${statusBlock(status.body, { signatories: covenant.conversionSignatories })}
          ${actionsBlock(ref, isProblem(mayDo) ? { events: [] } : mayDo.body, user.csrf)}`,
        ),
      );
  });

  app.post(
    '/trajecten/:ref/acties/:type',
    { preHandler: app.csrfProtection.bind(app) },
    async (request, reply) => {
      const user = await signedIn(options, request, reply);
      if (!user) return reply;
      const params = ActionParamsSchema.safeParse(request.params);
      if (!params.success) return reply.redirect('/mijn-werk', 303);
      const { ref, type } = params.data;
      const form = (request.body ?? {}) as Record<string, unknown>;
      // Back to the traject, or to the page the form was on when it is one that embeds action forms.
      const back = RETURN_PAGES.find((p) => p === form._terug) ?? `/trajecten/${ref}`;
      const mayDo = await user.api<MayDoNow>('GET', `/v1/trajecten/${ref}/may-do-now`);
      if (isProblem(mayDo)) {
        sendFlash(request, reply, { refused: refusalOf(mayDo.body) });
        return reply.redirect(back, 303);
      }
      const event = mayDo.body.events.find((e) => e.type === type);
      if (!event) {
        sendFlash(request, reply, {
          refused: {
            title: 'Dit kan nu niet',
            detail: 'Deze actie staat nu niet open voor uw rol in dit traject.',
          },
        });
        return reply.redirect(back, 303);
      }
      const { data, problems } = dataFromForm(event.dataSchema, form);
      if (problems.length) {
        sendFlash(request, reply, {
          refused: { title: 'De gegevens kloppen niet', detail: 'Verbeter het formulier.', problems },
        });
        return reply.redirect(back, 303);
      }
      const key =
        typeof form._sleutel === 'string' && /^[0-9a-f-]{36}$/.test(form._sleutel)
          ? form._sleutel
          : undefined;
      const sent = await user.api(
        'POST',
        `/v1/trajecten/${ref}/events`,
        { type, data },
        key ? { 'idempotency-key': key } : {},
      );
      sendFlash(
        request,
        reply,
        isProblem(sent)
          ? { refused: refusalOf(sent.body) }
          : { done: eventLabels[type as CoordinatorEventType] ?? type },
      );
      return reply.redirect(back, 303);
    },
  );
};
