/**
 * Mijn werk: the trajecten of my organisation's covenants with phase, next meeting and escalation; filters by phase,
 * region and escalation, search by client reference, a page at a time, with counts on top. Everything comes from
 * GET /v1/trajecten (and GET /v1/trajecten/{ref} for a search) and the counts from GET /v1/trajecten-counts, as the
 * signed-in user.
 *
 * It keeps itself up to date without a reload: htmx asks for the list again every POLL_SECONDS
 * (GET /mijn-werk/lijst, the same query) and swaps it in, the counts with it (out of band). The fragment carries a
 * version (a hash of what it shows); when nothing changed the answer is 204 and nothing is swapped, so focus and
 * scroll stay where they were. Polling rather than server-sent events: the engine has no change feed to push from
 * (a stream would poll the visibility store per open page anyway), a poll is one stateless request that any gateway
 * process can answer and that the same access rules and processing log cover, and htmx does it without an extension.
 * Without JavaScript the page is the same, current when loaded.
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isParty } from '../../access';
import type { TrajectCounts } from '../../../client';
import { phases, type Phase, type PublicStatus } from '../../../machines';
import { collect, isProblem } from '../api';
import { signedIn, whoOf, type SignedIn, type WebOptions } from '../context';
import { phaseLabels } from '../dutch';
import { dutchDate, html, page, type Html } from '../html';

interface Item {
  clientRef: string;
  phase: Phase | null;
  region: string | null;
  escalated: boolean;
  nextMeetingDue: string | null;
}
interface ListPage {
  items: Item[];
  nextCursor?: string;
}

const QuerySchema = z.object({
  fase: z.enum(phases).or(z.literal('')).optional(),
  regio: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,39}$/)
    .or(z.literal(''))
    .optional(),
  escalatie: z.enum(['ja', '']).optional(),
  zoek: z.string().trim().max(64).optional(),
  cursor: z.string().max(4096).optional(),
  versie: z.string().max(64).optional(),
});
type Query = z.infer<typeof QuerySchema>;

const PAGE_SIZE = 25;
/** How often an open Mijn werk asks whether its list changed. */
export const POLL_SECONDS = 5;

function rows(items: Item[]): Html {
  if (!items.length) return html`<p>Geen trajecten gevonden.</p>`;
  return html`<div class="table-wrap" role="region" aria-label="Trajecten" tabindex="0">
    <table>
      <thead>
        <tr>
          <th scope="col">Cliënt</th>
          <th scope="col">Fase</th>
          <th scope="col">Regio</th>
          <th scope="col">Volgend gesprek uiterlijk</th>
          <th scope="col">Geëscaleerd</th>
        </tr>
      </thead>
      <tbody>
        ${items.map(
          (i) =>
            html`<tr>
              <th scope="row"><a href="/trajecten/${i.clientRef}">${i.clientRef}</a></th>
              <td>${i.phase ? phaseLabels[i.phase] : '—'}</td>
              <td>${i.region ?? '—'}</td>
              <td>${dutchDate(i.nextMeetingDue)}</td>
              <td>${i.escalated ? html`<strong class="warn">Ja</strong>` : 'Nee'}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The list part of Mijn werk: the one traject searched for, or a page of the filtered list (empty on a problem). */
async function listOf(user: SignedIn, q: Query): Promise<ListPage> {
  if (q.zoek) {
    const one = await user.api<PublicStatus>('GET', `/v1/trajecten/${encodeURIComponent(q.zoek)}`);
    return {
      items: isProblem(one)
        ? []
        : [
            {
              clientRef: q.zoek,
              phase: one.body.phase,
              region: one.body.region,
              escalated: one.body.escalations.length > 0,
              nextMeetingDue: one.body.nextMeetingDue,
            },
          ],
    };
  }
  const params = new URLSearchParams();
  if (q.fase) params.set('phase', q.fase);
  if (q.regio) params.set('region', q.regio);
  if (q.escalatie === 'ja') params.set('escalated', 'true');
  const answer = await collect<Item>(user.api, params, PAGE_SIZE, q.cursor);
  return 'status' in answer ? { items: [] } : answer;
}

/** What Mijn werk shows for a query: the counts and the list, or the API's problem. */
async function caseload(
  options: WebOptions,
  user: SignedIn,
  q: Query,
): Promise<{ status: number; detail: string } | { counts: Html; list: Html }> {
  // Counts over everything my organisation sees, exact, from the visibility store's count (not from the list); asked
  // beside the list, not before it, as neither needs the other.
  const [counted, list] = await Promise.all([
    user.api<TrajectCounts>('GET', '/v1/trajecten-counts'),
    listOf(user, q),
  ]);
  if (isProblem(counted)) return { status: counted.status, detail: counted.body.detail };
  const counts = counted.body;
  const next = new URLSearchParams({
    ...filtersOf(q),
    ...(list.nextCursor ? { cursor: list.nextCursor } : {}),
  });
  return {
    counts: html`<ul class="counts">
      <li><span class="n">${counts.total}</span> trajecten</li>
      <li><span class="n">${counts.escalated}</span> geëscaleerd</li>
      ${phases
        .filter((phase) => counts.phases[phase] > 0)
        .map((phase) => html`<li><span class="n">${counts.phases[phase]}</span> ${phaseLabels[phase]}</li>`)}
    </ul>`,
    list: html`${rows(list.items)}
    ${list.nextCursor ? html`<p><a href="/mijn-werk?${next.toString()}">Volgende pagina</a></p>` : ''}`,
  };
}

const filtersOf = (q: Query): Record<string, string> => ({
  ...(q.zoek ? { zoek: q.zoek } : {}),
  ...(q.fase ? { fase: q.fase } : {}),
  ...(q.regio ? { regio: q.regio } : {}),
  ...(q.escalatie ? { escalatie: q.escalatie } : {}),
});

/** The list part of the page, polling for itself at the same query and page. */
function liveList(q: Query, shown: { counts: Html; list: Html }): { html: Html; version: string } {
  const version = createHash('sha256')
    .update(shown.counts.text + shown.list.text)
    .digest('base64url')
    .slice(0, 16);
  const poll = new URLSearchParams({
    ...filtersOf(q),
    ...(q.cursor ? { cursor: q.cursor } : {}),
    versie: version,
  });
  return {
    version,
    html: html`<div
      id="lijst-inhoud"
      hx-get="/mijn-werk/lijst?${poll.toString()}"
      hx-trigger="every ${POLL_SECONDS}s"
      hx-swap="outerHTML"
    >
      ${shown.list}
    </div>`,
  };
}

const queryOf = (request: FastifyRequest): Query => {
  const parsed = QuerySchema.safeParse(request.query);
  return parsed.success ? parsed.data : {};
};

export const mijnWerkPage: FastifyPluginAsync<WebOptions> = async (app, options) => {
  const failed = (reply: FastifyReply, user: SignedIn, problem: { status: number; detail: string }) =>
    reply
      .code(problem.status)
      .type('text/html')
      .send(
        page(
          { title: 'Mijn werk', who: whoOf(user), csrf: user.csrf, path: '/mijn-werk' },
          html`<div class="error" role="alert">${problem.detail}</div>`,
        ),
      );

  app.get('/mijn-werk/lijst', async (request, reply) => {
    const user = await signedIn(options, request, reply);
    if (!user) return reply;
    const q = queryOf(request);
    const shown = await caseload(options, user, q);
    // A poll that fails leaves the page as it is; the next poll tries again.
    if ('status' in shown) return reply.code(204).send();
    const live = liveList(q, shown);
    if (q.versie === live.version) return reply.code(204).send();
    return reply
      .type('text/html')
      .header('cache-control', 'no-store')
      .send(
        html`${live.html}
          <div id="tellingen-inhoud" hx-swap-oob="true">${shown.counts}</div>`.text,
      );
  });

  app.get('/mijn-werk', async (request, reply) => {
    const user = await signedIn(options, request, reply);
    if (!user) return reply;
    const q = queryOf(request);
    const regions = options.sdk.regions.filter((r) =>
      isParty(options.sdk.covenant(r), user.caller.actor.organisation),
    );
    const shown = await caseload(options, user, q);
    if ('status' in shown) return failed(reply, user, shown);
    const live = liveList(q, shown);

    return reply.type('text/html').send(
      page(
        { title: 'Mijn werk', who: whoOf(user), csrf: user.csrf, path: '/mijn-werk' },
        html`<section aria-labelledby="tellingen">
            <h2 id="tellingen">Overzicht</h2>
            <div id="tellingen-inhoud">${shown.counts}</div>
          </section>
          <section aria-labelledby="zoeken">
            <h2 id="zoeken">Zoeken en filteren</h2>
            <form method="get" action="/mijn-werk" class="filters">
              <div class="field">
                <label for="zoek">Cliëntreferentie</label>
                <input id="zoek" name="zoek" value="${q.zoek ?? ''}" autocomplete="off" />
              </div>
              <div class="field">
                <label for="fase">Fase</label
                ><select id="fase" name="fase">
                  <option value="">Alle fasen</option>
                  ${phases.map((p) => html`<option value="${p}" ${q.fase === p ? html` selected` : ''}>${phaseLabels[p]}</option>`)}
                </select>
              </div>
              <div class="field">
                <label for="regio">Regio</label
                ><select id="regio" name="regio">
                  <option value="">Alle regio’s</option>
                  ${regions.map((r) => html`<option value="${r}" ${q.regio === r ? html` selected` : ''}>${options.sdk.covenant(r).name}</option>`)}
                </select>
              </div>
              <div class="field check">
                <input
                  type="checkbox"
                  id="escalatie"
                  name="escalatie"
                  value="ja"
                  ${q.escalatie === 'ja' ? html` checked` : ''}
                />
                <label for="escalatie">Alleen geëscaleerd</label>
              </div>
              <button type="submit">Toon</button>
            </form>
          </section>
          <section aria-labelledby="lijst">
            <h2 id="lijst">Trajecten</h2>
            <p class="hint">Deze lijst werkt zichzelf bij zolang de pagina open is.</p>
            ${live.html}
          </section>`,
      ),
    );
  });
};
