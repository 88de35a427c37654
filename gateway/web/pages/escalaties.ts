/**
 * Escalaties: the escalated trajecten of my organisation's covenants, oldest escalation first, each with what
 * escalated, since when and who must act, and, when my role may take it now, the action that resolves it (the form
 * posts to the traject's action and comes back here). From GET /v1/trajecten?escalated=true, each traject's status
 * and may-do-now, as the signed-in user.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { PublicStatus } from '../../../machines';
import { actionForm, resolvingEvent, type MayDoNow } from '../actions';
import { collect, isProblem } from '../api';
import { signedIn, whoOf, type WebOptions } from '../context';
import { phaseLabels, roleLabels } from '../dutch';
import { flashBlock, readFlash } from '../flash';
import { dutchDate, html, page } from '../html';

/** At most this many trajecten on the page: escalations are to be few, and each needs a status call. */
const SHOWN = 50;

export const escalatiesPage: FastifyPluginAsync<WebOptions> = async (app, options) => {
  app.get('/escalaties', async (request, reply) => {
    const user = await signedIn(options, request, reply);
    if (!user) return reply;
    const layout = { title: 'Escalaties', who: whoOf(user), csrf: user.csrf, path: '/escalaties' };
    const list = await collect<{ clientRef: string }>(
      user.api,
      new URLSearchParams({ escalated: 'true' }),
      SHOWN,
    );
    if ('status' in list) {
      return reply
        .code(list.status)
        .type('text/html')
        .send(page(layout, html`<div class="error" role="alert">${list.body.detail}</div>`));
    }
    const statuses: Array<PublicStatus & { mayDo: MayDoNow['events'] }> = [];
    for (const item of list.items) {
      const status = await user.api<PublicStatus>('GET', `/v1/trajecten/${item.clientRef}`);
      if (isProblem(status) || !status.body.escalations.length) continue;
      const mayDo = await user.api<MayDoNow>('GET', `/v1/trajecten/${item.clientRef}/may-do-now`);
      statuses.push({ ...status.body, mayDo: isProblem(mayDo) ? [] : mayDo.body.events });
    }
    const oldest = (s: PublicStatus) => Math.min(...s.escalations.map((e) => Date.parse(e.since)));
    statuses.sort((a, b) => oldest(a) - oldest(b));
    const resolution = (s: (typeof statuses)[number], kind: keyof typeof resolvingEvent) => {
      const how = resolvingEvent[kind];
      const event = s.mayDo.find((e) => e.type === how.type);
      return event
        ? actionForm(s.trajectRef, event, user.csrf, {
            back: '/escalaties',
            about: s.trajectRef,
            ...(how.preset ? { preset: how.preset } : {}),
          })
        : html`<p class="hint">
            Oplossen kan nu niet door uw rol; zie het <a href="/trajecten/${s.trajectRef}">traject</a>.
          </p>`;
    };
    return reply.type('text/html').send(
      page(
        layout,
        html`${flashBlock(readFlash(request, reply))}${
          statuses.length
            ? html`<ul class="cards">
                  ${statuses.map(
                    (s) =>
                      html`<li class="card">
                        <h2><a href="/trajecten/${s.trajectRef}">${s.trajectRef}</a></h2>
                        <p>${phaseLabels[s.phase]} · ${s.region}</p>
                        <ul>
                          ${s.escalations.map(
                            (e) =>
                              html`<li>
                                <strong class="warn">${e.kind}</strong> sinds ${dutchDate(e.since, true)}; aan
                                zet: ${e.roles.map((r) => roleLabels[r]).join(', ')} ${resolution(s, e.kind)}
                              </li>`,
                          )}
                        </ul>
                      </li>`,
                  )}
                </ul>
                ${list.nextCursor ? html`<p>Er zijn meer dan ${SHOWN} escalaties; filter in Mijn werk.</p>` : ''}`
            : html`<p>Geen open escalaties.</p>`
        }`,
      ),
    );
  });
};
