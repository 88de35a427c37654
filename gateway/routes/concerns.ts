/**
 * Neighbours' concerns, for the party each was routed to: read them (opened only for that party) and answer them
 * (opgepakt, or afgehandeld with an outcome code). The store decides who may answer; the door only turns the verified
 * caller and the request into one call. Raising a concern is the public page's (Meld een zorg), not the API's.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ConcernNotFound } from '../../client/errors';
import type { ConcernStore } from '../../client/concerns';
import { assertMayRead, assertMayWrite } from '../access';
import {
  ConcernAnswerBodySchema,
  ConcernAnswerResultSchema,
  ConcernParamsSchema,
  ConcernsQuerySchema,
  ConcernsSchema,
  problems,
} from '../schemas';
import { actorOf } from './trajecten';
import '../types';

export interface ConcernRoutesOptions {
  /** The sealed store; none when no key ring is configured (then no concern was ever stored). */
  concerns: ConcernStore | undefined;
}

export const concernRoutes: FastifyPluginAsyncZod<ConcernRoutesOptions> = async (app, { concerns }) => {
  app.get(
    '/v1/concerns',
    {
      schema: {
        summary: "Neighbours' concerns routed to your organisation, newest first",
        tags: ['concerns'],
        querystring: ConcernsQuerySchema,
        response: { 200: ConcernsSchema, ...problems(400, 403) },
      },
      config: { operation: 'concerns.read', activity: 'signalen-buren' },
    },
    async (request) => {
      const actor = actorOf(request);
      assertMayRead(actor);
      return { items: concerns?.forParty(actor, { filter: request.query.state }) ?? [] };
    },
  );

  app.post(
    '/v1/concerns/:id/answer',
    {
      schema: {
        summary: 'Answer a concern routed to your organisation: taken up (opgepakt) or handled (afgehandeld)',
        tags: ['concerns'],
        params: ConcernParamsSchema,
        body: ConcernAnswerBodySchema,
        response: { 200: ConcernAnswerResultSchema, ...problems(400, 403, 404, 409) },
      },
      config: { operation: 'concerns.answer', activity: 'signalen-buren' },
    },
    async (request) => {
      const actor = actorOf(request);
      assertMayWrite(actor);
      if (!concerns) throw new ConcernNotFound(request.params.id);
      return { id: request.params.id, answer: concerns.answer(request.params.id, request.body, actor) };
    },
  );
};
