/**
 * Accountability and the data subject's rights: the timeline (JSON and the HTML page), history and replay for
 * auditors, the access export, erasure, and the processing log itself.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { chainToJSON } from '../../client/audit/history-file';
import { timelineHtml } from '../../client/audit/timeline-html';
import { ProcessingRecordSchema, readProcessingLog } from '../../platform/processing-log';
import { assertAuditor, assertMayWrite, assertResponsible } from '../access';
import type { Engine } from '../engine';
import {
  asWire,
  ErasedSchema,
  ExportSchema,
  HistorySchema,
  ProcessingLogQuerySchema,
  problems,
  RefParamsSchema,
  ReplaySchema,
  TimelineSchema,
} from '../schemas';
import { actorOf, visibleTraject } from './trajecten';
import '../types';

const readProblems = problems(400, 403, 404, 410);

export const auditRoutes: FastifyPluginAsyncZod<{ engine: Engine; processingLogDir: string }> = async (
  app,
  { engine, processingLogDir },
) => {
  const sdk = engine.sdk;

  app.get(
    '/v1/trajecten/:ref/timeline',
    {
      schema: {
        summary:
          'The timeline rebuilt from the history: phases, events, who, timers, invitations, escalations',
        tags: ['audit'],
        params: RefParamsSchema,
        response: { 200: TimelineSchema, ...readProblems },
      },
      config: { operation: 'traject.timeline', activity: 'verantwoording' },
    },
    async (request) => {
      await visibleTraject(engine, actorOf(request), request.params.ref);
      return asWire(TimelineSchema, await engine.call(() => sdk.timeline(request.params.ref)));
    },
  );

  app.get(
    '/v1/trajecten/:ref/timeline.html',
    {
      schema: {
        summary: 'The timeline as one self-contained HTML page with a swimlane',
        tags: ['audit'],
        params: RefParamsSchema,
        produces: ['text/html'],
        response: { 200: z.string(), ...readProblems },
      },
      config: { operation: 'traject.timeline', activity: 'verantwoording' },
    },
    async (request, reply) => {
      await visibleTraject(engine, actorOf(request), request.params.ref);
      const timeline = await engine.call(() => sdk.timeline(request.params.ref));
      return reply.type('text/html; charset=utf-8').send(timelineHtml(timeline));
    },
  );

  app.get(
    '/v1/trajecten/:ref/history',
    {
      schema: {
        summary: "The whole recorded history (every run), in Temporal's JSON format; auditors only",
        tags: ['audit'],
        params: RefParamsSchema,
        response: { 200: HistorySchema, ...readProblems },
      },
      config: { operation: 'traject.history', activity: 'verantwoording' },
    },
    async (request) => {
      const actor = actorOf(request);
      assertAuditor(actor, 'read histories');
      await visibleTraject(engine, actor, request.params.ref);
      const chain = await engine.call(() => sdk.history(request.params.ref));
      return JSON.parse(chainToJSON(chain)) as z.input<typeof HistorySchema>;
    },
  );

  app.post(
    '/v1/trajecten/:ref/replay',
    {
      schema: {
        summary: "Replays the traject's history with today's workflow code; auditors only",
        tags: ['audit'],
        params: RefParamsSchema,
        response: { 200: ReplaySchema, ...readProblems },
      },
      config: { operation: 'traject.replay', activity: 'verantwoording' },
    },
    async (request) => {
      const actor = actorOf(request);
      assertAuditor(actor, 'replay histories');
      await visibleTraject(engine, actor, request.params.ref);
      const chain = await engine.call(() => sdk.history(request.params.ref));
      // Bundling the workflow code takes seconds: no engine deadline here, the request timeout bounds it.
      return asWire(ReplaySchema, { outcomes: await sdk.replay([chain]) });
    },
  );

  app.get(
    '/v1/trajecten/:ref/export',
    {
      schema: {
        summary: 'Everything the engine holds about the client, decrypted (GDPR art. 15)',
        tags: ['audit'],
        params: RefParamsSchema,
        response: { 200: ExportSchema, ...readProblems },
      },
      config: { operation: 'traject.export', activity: 'inzageverzoek' },
    },
    async (request) => {
      const actor = actorOf(request);
      const { covenant } = await visibleTraject(engine, actor, request.params.ref);
      assertResponsible(actor, covenant, 'export');
      return asWire(ExportSchema, await engine.call(() => sdk.export(request.params.ref)));
    },
  );

  app.post(
    '/v1/trajecten/:ref/erase',
    {
      schema: {
        summary: "Erases the traject's data (GDPR art. 17): its data key is destroyed, the traject closed",
        tags: ['audit'],
        params: RefParamsSchema,
        response: { 200: ErasedSchema, ...problems(400, 403, 404, 410) },
      },
      config: { operation: 'traject.erase', activity: 'verwijderverzoek' },
    },
    async (request) => {
      const actor = actorOf(request);
      assertMayWrite(actor);
      const { covenant } = await visibleTraject(engine, actor, request.params.ref);
      assertResponsible(actor, covenant, 'erasure');
      return engine.call(() => sdk.erase(request.params.ref, actor));
    },
  );

  app.get(
    '/v1/processing-log',
    {
      schema: {
        summary:
          'The processing log: who read or wrote which traject, when, why and with what outcome; auditors only',
        tags: ['audit'],
        querystring: ProcessingLogQuerySchema,
        response: { 200: z.object({ records: z.array(ProcessingRecordSchema) }), ...problems(400, 403) },
      },
    },
    async (request) => {
      assertAuditor(actorOf(request), 'read the processing log');
      const { trajectRef, since, limit } = request.query;
      return {
        records: readProcessingLog(processingLogDir, {
          ...(trajectRef ? { trajectRef } : {}),
          ...(since ? { since } : {}),
          limit,
        }),
      };
    },
  );
};
