/**
 * One traject: where it stands in plain Dutch, and "Wat mag ik nu doen": the events the may-do-now answer lists for my
 * role, each as a form generated from its data schema. A posted action goes to POST /v1/trajecten/{ref}/events and
 * comes back to the page (post, redirect, get); a refusal comes back with the rule that refused and what it needs.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ReferenceSchema, type CoordinatorEventType, type PublicStatus } from '../../../machines';
import { isProblem, type Problem } from '../api';
import { signedIn, whoOf, type WebOptions } from '../context';
import { eventLabels, phaseLabels, roleLabels, ruleInDutch } from '../dutch';
import { dataFromForm, fieldsFor, type FormProblem, type JsonSchema } from '../forms';
import { dutchDate, html, page, type Html } from '../html';

interface MayDoNow {
  events: Array<{ type: CoordinatorEventType; dataSchema: JsonSchema }>;
}

/** What the page says after an action: done, or refused with the rule and what is needed. */
interface Flash {
  done?: string;
  refused?: { title: string; rule?: string; detail: string; problems?: FormProblem[] };
}

const FLASH_COOKIE = 'tidw_melding';
const ParamsSchema = z.object({ ref: ReferenceSchema });
const ActionParamsSchema = z.object({ ref: ReferenceSchema, type: z.string().regex(/^[A-Z_]{3,40}$/) });

function readFlash(request: FastifyRequest, reply: FastifyReply): Flash | undefined {
  const raw = request.cookies[FLASH_COOKIE];
  if (!raw) return undefined;
  reply.clearCookie(FLASH_COOKIE, { path: '/' });
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  try {
    return JSON.parse(unsigned.value) as Flash;
  } catch {
    return undefined;
  }
}

function sendFlash(request: FastifyRequest, reply: FastifyReply, flash: Flash): void {
  reply.setCookie(FLASH_COOKIE, JSON.stringify(flash), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    signed: true,
    maxAge: 60,
  });
}

const refusalTitles: Record<string, string> = {
  NotAllowedInPhase: 'Dit kan nu niet',
  RoleNotPermitted: 'Dit mag uw rol niet',
  InvalidEventData: 'De gegevens kloppen niet',
  ValidationFailed: 'De gegevens kloppen niet',
};

function refusalOf(problem: Problem): NonNullable<Flash['refused']> {
  return {
    title: refusalTitles[problem.code] ?? 'Niet gelukt',
    ...(problem.rule ? { rule: problem.rule } : {}),
    detail: problem.detail,
    ...(problem.issues?.length
      ? { problems: problem.issues.map((i) => ({ field: i.field ?? i.path ?? '', message: i.message })) }
      : {}),
  };
}

function flashBlock(flash: Flash | undefined): Html | string {
  if (flash?.done) return html`<div class="ok" role="status">Vastgelegd: ${flash.done}.</div>`;
  const r = flash?.refused;
  if (!r) return '';
  return html`<div class="error" role="alert" tabindex="-1" id="weigering">
    <h2>${r.title}</h2>
    ${r.rule && ruleInDutch(r.rule) ? html`<p>${ruleInDutch(r.rule)}</p>` : ''}
    ${r.rule ? html`<p>Regel: <code>${r.rule}</code></p>` : ''}
    <p>${r.detail}</p>
    ${
      r.problems?.length
        ? html`<ul>
            ${r.problems.map((p) => html`<li>${p.field}: ${p.message}</li>`)}
          </ul>`
        : ''
    }
  </div>`;
}

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
        ? mayDo.events.map(
            (e) =>
              html`<form method="post" action="/trajecten/${ref}/acties/${e.type}" class="card action">
                <h3>${eventLabels[e.type] ?? e.type}</h3>
                <input type="hidden" name="_csrf" value="${csrf}" />
                <input type="hidden" name="_sleutel" value="${randomUUID()}" />
                ${fieldsFor(e.dataSchema, e.type)}
                <button type="submit">${eventLabels[e.type] ?? e.type}</button>
              </form>`,
          )
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
      const back = `/trajecten/${ref}`;
      const form = (request.body ?? {}) as Record<string, unknown>;
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
