/** The covenants the engine knows: who the parties are, and every term and permission (policy is public to callers). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Engine } from '../engine';
import { CovenantSummarySchema, CovenantTermsSchema, problems } from '../schemas';

export const covenantRoutes: FastifyPluginAsyncZod<{ engine: Engine }> = async (app, { engine }) => {
  const sdk = engine.sdk;

  app.get(
    '/v1/covenants',
    {
      schema: {
        summary: 'The covenants (regions) and their parties',
        tags: ['covenants'],
        response: { 200: z.object({ items: z.array(CovenantSummarySchema) }), ...problems() },
      },
    },
    async () => ({
      items: sdk.regions.map((id) => {
        const c = sdk.covenant(id);
        return { id: c.id, name: c.name, parties: c.parties };
      }),
    }),
  );

  app.get(
    '/v1/covenants/:id',
    {
      schema: {
        summary: "A covenant's terms: durations, counts, contract forms and who may send which event",
        tags: ['covenants'],
        params: z.object({ id: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/) }),
        response: { 200: CovenantTermsSchema, ...problems(400, 404) },
      },
    },
    async (request) => {
      if (!sdk.regions.includes(request.params.id)) {
        throw Object.assign(new Error(`no covenant ${request.params.id}`), { statusCode: 404 });
      }
      return sdk.covenant(request.params.id);
    },
  );
};
