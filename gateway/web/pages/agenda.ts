/**
 * Agenda: the trajecten of my organisation's covenants whose next meeting (kennismakings-, evaluatiegesprek or
 * waakvlamcontact) is due within the coming weeks, soonest first, the overdue ones marked. From GET
 * /v1/trajecten?meetingBefore=…, as the signed-in user.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Phase } from '../../../machines';
import { collect } from '../api';
import { signedIn, whoOf, type WebOptions } from '../context';
import { phaseLabels } from '../dutch';
import { dutchDate, html, page } from '../html';

/** How far ahead the agenda looks. */
const WEEKS_AHEAD = 8;
const SHOWN = 200;

interface Item {
  clientRef: string;
  phase: Phase | null;
  region: string | null;
  nextMeetingDue: string | null;
}

export const agendaPage: FastifyPluginAsync<WebOptions> = async (app, options) => {
  app.get('/agenda', async (request, reply) => {
    const user = await signedIn(options, request, reply);
    if (!user) return reply;
    const layout = { title: 'Agenda', who: whoOf(user), csrf: user.csrf, path: '/agenda' };
    const now = new Date();
    const until = new Date(now.getTime() + WEEKS_AHEAD * 7 * 24 * 3600_000).toISOString();
    const list = await collect<Item>(user.api, new URLSearchParams({ meetingBefore: until }), SHOWN);
    if ('status' in list) {
      return reply
        .code(list.status)
        .type('text/html')
        .send(page(layout, html`<div class="error" role="alert">${list.body.detail}</div>`));
    }
    const items = list.items
      .filter((i) => i.nextMeetingDue)
      .sort((a, b) => a.nextMeetingDue!.localeCompare(b.nextMeetingDue!));
    return reply.type('text/html').send(
      page(
        layout,
        html`<p>
            Gesprekken die uiterlijk ${dutchDate(until)} gehouden moeten zijn (de komende ${WEEKS_AHEAD}
            weken).
          </p>
          ${
            items.length
              ? html`<div class="table-wrap" role="region" aria-label="Agenda" tabindex="0">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Uiterlijk</th>
                        <th scope="col">Cliënt</th>
                        <th scope="col">Fase</th>
                        <th scope="col">Regio</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${items.map(
                        (i) =>
                          html`<tr>
                            <td>
                              ${dutchDate(i.nextMeetingDue)}${
                                i.nextMeetingDue! < now.toISOString()
                                  ? html` <strong class="warn">(te laat)</strong>`
                                  : ''
                              }
                            </td>
                            <th scope="row"><a href="/trajecten/${i.clientRef}">${i.clientRef}</a></th>
                            <td>${i.phase ? phaseLabels[i.phase] : '—'}</td>
                            <td>${i.region ?? '—'}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
              : html`<p>Geen gesprekken in deze periode.</p>`
          }`,
      ),
    );
  });
};
