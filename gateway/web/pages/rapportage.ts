/**
 * Rapportage: the covenant's half-yearly evaluation (issue 18) for a coordinator. Choose one of the covenants the
 * organisation is party to (an auditor: any) and a half year, and the page shows the report's figures and charts as
 * the HTML report has them (client/evaluation/html.ts), with the report to download as HTML, JSON or CSV. Everything
 * comes from GET /v1/reports/{region}/{period} as the signed-in user, so the API decides who may read it, and a
 * refusal is shown with its rule.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { reportFigures, type EvaluationReport } from '../../../client/evaluation';
import { isParty } from '../../access';
import { isProblem, type Problem } from '../api';
import { signedIn, whoOf, type SignedIn, type WebOptions } from '../context';
import { flashBlock, refusalOf } from '../flash';
import { dutchDate, html, Html, page } from '../html';

/** How many complete half years the period list goes back. */
const HALF_YEARS_BACK = 6;

const formats = ['html', 'json', 'csv'] as const;

const QuerySchema = z.object({
  regio: z.string().max(40).optional(),
  periode: z.string().max(40).optional(),
});

const FileQuerySchema = z.object({
  regio: z.string().max(40),
  periode: z.string().max(40),
  formaat: z.enum(formats),
});

interface HalfYear {
  label: string;
  text: string;
}

/** The half year running at `now` and the complete ones before it, newest first. */
export function halfYearsUpTo(now: Date): HalfYear[] {
  let year = now.getUTCFullYear();
  let half = now.getUTCMonth() < 6 ? 1 : 2;
  const periods: HalfYear[] = [];
  for (let i = 0; i <= HALF_YEARS_BACK; i += 1) {
    const label = `${year}-H${half}`;
    periods.push({
      label,
      text: `${half === 1 ? '1e' : '2e'} halfjaar ${year}${i === 0 ? ' (loopt nog)' : ''}`,
    });
    if (half === 1) year -= 1;
    half = half === 1 ? 2 : 1;
  }
  return periods;
}

/** The API's report URL; the region and period go in as path segments, escaped. */
const reportUrl = (region: string, period: string, format: (typeof formats)[number]) =>
  `/v1/reports/${encodeURIComponent(region)}/${encodeURIComponent(period)}?format=${format}`;

export const rapportagePage: FastifyPluginAsync<WebOptions> = async (app, options) => {
  const now = () => options.now?.() ?? new Date();
  /** The covenants the user evaluates: those its organisation is party to; an auditor's, all. */
  const regionsOf = (user: SignedIn) =>
    options.sdk.regions.filter(
      (r) =>
        user.caller.actor.role === 'auditor' ||
        isParty(options.sdk.covenant(r), user.caller.actor.organisation),
    );

  app.get('/rapportage', async (request, reply) => {
    const user = await signedIn(options, request, reply);
    if (!user) return reply;
    const layout = { title: 'Rapportage', who: whoOf(user), csrf: user.csrf, path: '/rapportage' };
    const query = QuerySchema.safeParse(request.query);
    const q = query.success ? query.data : {};
    const regions = regionsOf(user);
    const periods = halfYearsUpTo(now());
    // The last complete half year: what the partners evaluate at their half-yearly meeting.
    const region = q.regio ?? regions[0];
    const period = q.periode ?? periods[1]!.label;

    const chooser = html`<form method="get" action="/rapportage" class="filters">
      <div class="field">
        <label for="regio">Convenant</label>
        <select id="regio" name="regio">
          ${regions.map(
            (r) =>
              html`<option value="${r}" ${r === region ? html` selected` : ''}>
                ${options.sdk.covenant(r).name}
              </option>`,
          )}
        </select>
      </div>
      <div class="field">
        <label for="periode">Periode</label>
        <select id="periode" name="periode">
          ${periods.map(
            (p) =>
              html`<option value="${p.label}" ${p.label === period ? html` selected` : ''}>
                ${p.text}
              </option>`,
          )}
        </select>
      </div>
      <div class="field"><button type="submit">Toon rapport</button></div>
    </form>`;

    if (!region) {
      return reply
        .type('text/html')
        .send(
          page(
            layout,
            html`<p>Uw organisatie is geen partij van een convenant; er is geen evaluatie om te tonen.</p>`,
          ),
        );
    }
    const answer = await user.api<EvaluationReport | Problem>('GET', reportUrl(region, period, 'json'));
    if (isProblem(answer)) {
      return reply
        .code(answer.status)
        .type('text/html')
        .send(page(layout, html`${chooser}${flashBlock({ refused: refusalOf(answer.body) })}`));
    }
    const report = answer.body as EvaluationReport;
    const name = options.sdk.covenant(region).name;
    const file = (format: (typeof formats)[number]) =>
      `/rapportage/bestand?${new URLSearchParams({ regio: region, periode: period, formaat: format }).toString()}`;
    return reply.type('text/html').send(
      page(
        layout,
        html`${chooser}
          <section class="report" aria-labelledby="rapport">
            <h2 id="rapport">
              Evaluatie ${name}, ${periods.find((p) => p.label === period)?.text ?? period}
            </h2>
            <p>
              ${dutchDate(report.from)} tot ${dutchDate(report.until)};
              ${report.scenarios[0]?.whole.trajects ?? 0} trajecten, stand van
              ${dutchDate(now().toISOString(), true)}. Alleen aantallen, aandelen en duur: geen cliënt is erin
              te herkennen.
            </p>
            <ul class="downloads">
              <li>
                <a href="${file('html')}" hx-boost="false" download>Download als HTML (om af te drukken)</a>
              </li>
              <li><a href="${file('json')}" hx-boost="false" download>Download als JSON</a></li>
              <li><a href="${file('csv')}" hx-boost="false" download>Download als CSV</a></li>
            </ul>
            ${new Html(reportFigures(report))}
          </section>`,
      ),
    );
  });

  app.get('/rapportage/bestand', async (request, reply) => {
    const user = await signedIn(options, request, reply);
    if (!user) return reply;
    const query = FileQuerySchema.safeParse(request.query);
    if (!query.success) throw Object.assign(new Error('not a report file'), { statusCode: 400 });
    const { regio, periode, formaat } = query.data;
    const answer = await user.text(reportUrl(regio, periode, formaat));
    if (answer.status >= 400) {
      const problem = JSON.parse(answer.text) as Problem;
      return reply
        .code(answer.status)
        .type('text/html')
        .send(
          page(
            { title: 'Rapportage', who: whoOf(user), csrf: user.csrf, path: '/rapportage' },
            html`${flashBlock({ refused: refusalOf(problem) })}`,
          ),
        );
    }
    // The file's name holds the covenant and the period only: nothing of a person.
    const name = `evaluatie-${regio}-${periode.replace(/[^A-Za-z0-9-]/g, '_')}.${formaat}`;
    return reply
      .type(answer.type)
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(answer.text);
  });
};
