/**
 * Escalaties: the escalated trajecten of my organisation's covenants, each with what escalated, since when and who
 * must act. From GET /v1/trajecten?escalated=true and each traject's status, as the signed-in user.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { PublicStatus } from '../../../machines';
import { collect, isProblem } from '../api';
import { signedIn, whoOf, type WebOptions } from '../context';
import { phaseLabels, roleLabels } from '../dutch';
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
    const statuses: PublicStatus[] = [];
    for (const item of list.items) {
      const status = await user.api<PublicStatus>('GET', `/v1/trajecten/${item.clientRef}`);
      if (!isProblem(status)) statuses.push(status.body);
    }
    return reply.type('text/html').send(
      page(
        layout,
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
                              zet: ${e.roles.map((r) => roleLabels[r]).join(', ')}
                            </li>`,
                        )}
                      </ul>
                    </li>`,
                )}
              </ul>
              ${list.nextCursor ? html`<p>Er zijn meer dan ${SHOWN} escalaties; filter in Mijn werk.</p>` : ''}`
          : html`<p>Geen open escalaties.</p>`,
      ),
    );
  });
};
