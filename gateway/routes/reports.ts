/**
 * The covenant's half-yearly evaluation over HTTP: `GET /v1/reports/{region}/{period}` as JSON (the
 * `tidw-evaluation/1` shape of `tidw report --format json`), CSV or one self-contained HTML page, by `?format=` or
 * the Accept header. Read from the read model (platform/read-model): counts, shares and durations, never a reference.
 *
 * Scope: the covenant's parties (any role: gemeente, zorgaanbieder, corporatie; they evaluate it together) and
 * auditors (gateway/access.ts). A client, a neighbour, or an organisation that is not a party of the covenant is
 * refused (403) with the rule; covenants are public, so that tells nothing. Every read is in the processing log
 * (activity `evaluatie`).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { reportCsv, reportFromStore, reportHtml, PeriodSchema } from '../../client/evaluation';
import { openSqliteStore, type FactsStore } from '../../platform/read-model';
import { InvalidInput } from '../../client/errors';
import { assertMayReadReport } from '../access';
import type { Engine } from '../engine';
import { problems } from '../schemas';
import { actorOf } from './trajecten';
import '../types';

const formats = ['json', 'csv', 'html'] as const;
type Format = (typeof formats)[number];

const ReportParamsSchema = z.object({
  region: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
  period: z.string().max(40),
});

/** `?format=` first, then the Accept header (the first of html, csv, json it names), then JSON. */
function formatOf(query: Format | undefined, accept: string | undefined): Format {
  if (query) return query;
  const wanted = (accept ?? '').toLowerCase();
  if (wanted.includes('text/html')) return 'html';
  if (wanted.includes('text/csv')) return 'csv';
  return 'json';
}

export const reportRoutes: FastifyPluginAsyncZod<{ engine: Engine; readModelFile: string }> = async (
  app,
  { engine, readModelFile },
) => {
  const sdk = engine.sdk;
  let store: FactsStore | undefined;
  app.addHook('onClose', async () => store?.close());

  app.get(
    '/v1/reports/:region/:period',
    {
      schema: {
        summary: "The covenant's evaluation of a region's live trajects over a period (2026-H1, 2026-Q3, 2026)",
        description:
          'JSON (format tidw-evaluation/1), CSV (scenario,period,figure,value) or HTML with charts, by ?format or Accept. ' +
          "The covenant's parties and auditors only.",
        tags: ['reports'],
        params: ReportParamsSchema,
        querystring: z.object({ format: z.enum(formats).optional() }),
        produces: ['application/json', 'text/csv', 'text/html'],
        response: { 200: z.any(), ...problems(400, 403, 404) },
      },
      config: { operation: 'report.read', activity: 'evaluatie' },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { region } = request.params;
      if (!sdk.regions.includes(region))
        throw Object.assign(new Error(`no covenant ${region}`), { statusCode: 404 });
      assertMayReadReport(actor, sdk.covenant(region));
      const period = PeriodSchema.safeParse(request.params.period);
      if (!period.success)
        throw new InvalidInput(`${request.params.period} is not a period`, [
          { field: 'period', message: period.error.issues[0]?.message ?? 'not a period' },
        ]);
      store ??= openSqliteStore(readModelFile);
      const report = reportFromStore(store, { region, period: period.data, asOf: new Date().toISOString() });
      const format = formatOf(request.query.format, request.headers.accept);
      if (format === 'html') return reply.type('text/html; charset=utf-8').send(reportHtml(report));
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(reportCsv(report));
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(report));
    },
  );
};
