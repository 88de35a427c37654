/**
 * Trajecten: start, list, status, send an event, withdraw, the event log, and what the caller may do now. Each
 * handler turns the verified caller and the request into one SDK call; the covenant and the machine decide.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RoleNotPermitted, TrajectErased, TrajectNotFound } from '../../client/errors';
import type { CountFilter, TrajectStatus } from '../../client';
import {
  checkPermission,
  eventDataSchemas,
  phases,
  type Actor,
  type CoordinatorEventType,
  type Covenant,
  type Phase,
} from '../../machines';
import {
  assertMayRead,
  assertMaySend,
  assertMayWrite,
  assertPartyInRole,
  assertVisible,
  isParty,
} from '../access';
import type { Engine } from '../engine';
import {
  asWire,
  CountsQuerySchema,
  CountsSchema,
  EventLogSchema,
  IdempotencyHeadersSchema,
  ListQuerySchema,
  MayDoNowSchema,
  PageSchema,
  problems,
  RefParamsSchema,
  SendBodySchema,
  StartBodySchema,
  StatusSchema,
  WithdrawBodySchema,
} from '../schemas';
import '../types';

/** The verified caller's actor (the auth plugin has run on every non-public route). */
export function actorOf(request: { caller?: { actor: Actor } }): Actor {
  if (!request.caller) throw new Error('route without authentication');
  return request.caller.actor;
}

/**
 * A traject the caller may see, with its covenant. One it may not see is "not found"; an erased one is "gone" only
 * to an auditor or a partner organisation, so that the answer tells nobody else it existed.
 */
export async function visibleTraject(
  engine: Engine,
  actor: Actor,
  clientRef: string,
): Promise<{ status: TrajectStatus; covenant: Covenant }> {
  assertMayRead(actor);
  try {
    const found = await engine.statusWithCovenant(clientRef);
    assertVisible(actor, clientRef, found.covenant);
    return found;
  } catch (err) {
    if (err instanceof TrajectErased && !mayLearnOfErasure(engine, actor))
      throw new TrajectNotFound(clientRef);
    throw err;
  }
}

function mayLearnOfErasure(engine: Engine, actor: Actor): boolean {
  return (
    actor.role === 'auditor' ||
    engine.sdk.regions.some((region) => isParty(engine.sdk.covenant(region), actor.organisation))
  );
}

/** Regions whose trajecten the caller may list; undefined means all (an auditor). */
function listableRegions(engine: Engine, actor: Actor): string[] | undefined {
  assertMayRead(actor);
  if (actor.role === 'auditor') return undefined;
  if (actor.role === 'client') {
    throw new RoleNotPermitted({
      code: 'RoleNotPermitted',
      rule: 'list.client',
      message: 'a client reads its own traject (GET /v1/trajecten/{ref}), not lists',
    });
  }
  return engine.sdk.regions.filter((r) => isParty(engine.sdk.covenant(r), actor.organisation));
}

/**
 * The regions a list or count covers: the one asked for if the caller may see it (else none), or all it may see;
 * undefined means all (an auditor). List and counts share it, so a count is over what the list would show.
 */
function scopedRegions(engine: Engine, actor: Actor, region: string | undefined): string[] | undefined {
  const visible = listableRegions(engine, actor);
  if (!region) return visible;
  return !visible || visible.includes(region) ? [region] : [];
}

const CursorSchema = z.object({ r: z.number().int().min(0), t: z.string().optional() }).strict();
type Cursor = z.infer<typeof CursorSchema>;
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(text: string | undefined): Cursor {
  if (!text) return { r: 0 };
  return CursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
}

export const trajectenRoutes: FastifyPluginAsyncZod<{ engine: Engine }> = async (app, { engine }) => {
  const sdk = engine.sdk;

  app.post(
    '/v1/trajecten',
    {
      schema: {
        summary: 'Register a client and start its traject (aanmelding)',
        tags: ['trajecten'],
        body: StartBodySchema,
        response: { 201: StatusSchema, ...problems(400, 403, 409) },
      },
      config: { operation: 'traject.start', activity: 'aanmelding' },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      assertMayWrite(actor);
      const covenant = sdk.covenant(request.body.region);
      const registrars = covenant.permissions.URGENTIE_AANGEVRAAGD;
      if (!registrars.includes(actor.role)) {
        throw new RoleNotPermitted({
          code: 'RoleNotPermitted',
          rule: 'registration',
          message: `under covenant ${covenant.id} a traject is registered by: ${registrars.join(', ')}`,
          allowed: registrars,
        });
      }
      assertPartyInRole(actor, covenant);
      await engine.call(() => sdk.start({ ...request.body, registeredBy: actor }));
      const status = await engine.call(() => sdk.status(request.body.clientRef));
      return reply
        .code(201)
        .header('location', `/v1/trajecten/${request.body.clientRef}`)
        .send(asWire(StatusSchema, status));
    },
  );

  app.get(
    '/v1/trajecten',
    {
      schema: {
        summary: 'Trajecten of your covenants, filtered, a page at a time',
        tags: ['trajecten'],
        querystring: ListQuerySchema,
        response: { 200: PageSchema, ...problems(400, 403) },
      },
      config: { operation: 'trajecten.list', activity: 'uitvoering-convenant' },
    },
    async (request) => {
      const q = request.query;
      const regions: Array<string | undefined> = scopedRegions(engine, actorOf(request), q.region) ?? [
        undefined,
      ];
      const cursor = parseCursor(q.cursor);
      if (cursor.r >= regions.length) return { items: [] };
      const region = regions[cursor.r];
      const page = await engine.call(() =>
        sdk.list({
          ...filterOf(q),
          ...(region ? { region } : {}),
          pageSize: q.pageSize,
          ...(cursor.t ? { nextPageToken: cursor.t } : {}),
        }),
      );
      const next: Cursor | undefined = page.nextPageToken
        ? { r: cursor.r, t: page.nextPageToken }
        : cursor.r + 1 < regions.length
          ? { r: cursor.r + 1 }
          : undefined;
      return { items: page.items, ...(next ? { nextCursor: encodeCursor(next) } : {}) };
    },
  );

  app.get(
    '/v1/trajecten-counts',
    {
      schema: {
        summary: 'How many trajecten of your covenants a filter holds: all, escalated, per phase',
        tags: ['trajecten'],
        querystring: CountsQuerySchema,
        response: { 200: CountsSchema, ...problems(400, 403) },
      },
      config: { operation: 'trajecten.count', activity: 'uitvoering-convenant' },
    },
    async (request) => {
      const q = request.query;
      const regions = scopedRegions(engine, actorOf(request), q.region);
      if (regions && regions.length === 0) {
        return {
          total: 0,
          escalated: 0,
          phases: Object.fromEntries(phases.map((p) => [p, 0])) as Record<Phase, number>,
        };
      }
      return engine.call(() => sdk.counts({ ...filterOf(q), ...(regions ? { regions } : {}) }));
    },
  );

  app.get(
    '/v1/trajecten/:ref',
    {
      schema: {
        summary: "A traject's status: phase, deadlines, meetings, escalations",
        tags: ['trajecten'],
        params: RefParamsSchema,
        response: { 200: StatusSchema, ...problems(400, 403, 404, 410) },
      },
      config: { operation: 'traject.status', activity: 'uitvoering-convenant' },
    },
    async (request) =>
      asWire(StatusSchema, (await visibleTraject(engine, actorOf(request), request.params.ref)).status),
  );

  app.get(
    '/v1/trajecten/:ref/events',
    {
      schema: {
        summary: "A traject's event log: time, event, actor role and organisation",
        tags: ['trajecten'],
        params: RefParamsSchema,
        response: { 200: EventLogSchema, ...problems(400, 403, 404, 410) },
      },
      config: { operation: 'traject.events', activity: 'uitvoering-convenant' },
    },
    async (request) => {
      await visibleTraject(engine, actorOf(request), request.params.ref);
      return engine.call(() => sdk.events(request.params.ref));
    },
  );

  app.get(
    '/v1/trajecten/:ref/may-do-now',
    {
      schema: {
        summary: 'The events you may send now, each with its data as JSON Schema',
        tags: ['trajecten'],
        params: RefParamsSchema,
        response: { 200: MayDoNowSchema, ...problems(400, 403, 404, 410) },
      },
      config: { operation: 'traject.may-do-now', activity: 'uitvoering-convenant' },
    },
    async (request) => {
      const actor = actorOf(request);
      const { status, covenant } = await visibleTraject(engine, actor, request.params.ref);
      const mayAct = actor.role !== 'auditor' && inRole(actor, covenant);
      const events = mayAct
        ? status.allowedEvents.filter((type) => checkPermission(covenant, type, actor.role) === null)
        : [];
      return {
        clientRef: request.params.ref,
        phase: status.phase,
        role: actor.role,
        events: events.map((type) => ({ type, dataSchema: dataSchemaOf(type) })),
        note: 'events this phase takes that your role may send; a rule such as the minimum term may still refuse one (409, with the rule)',
      };
    },
  );

  const send = async (
    actor: Actor,
    clientRef: string,
    event: { type: CoordinatorEventType; data?: Record<string, unknown> },
    idempotencyKey: string | undefined,
  ) => {
    assertMayWrite(actor);
    let covenant: Covenant;
    try {
      covenant = await engine.covenantOf(clientRef);
    } catch (err) {
      if (err instanceof TrajectErased && !mayLearnOfErasure(engine, actor))
        throw new TrajectNotFound(clientRef);
      throw err;
    }
    assertVisible(actor, clientRef, covenant);
    assertMaySend(actor, covenant, event.type);
    const status = await engine.call(() =>
      sdk.send(clientRef, event, actor, idempotencyKey ? { idempotencyKey } : {}),
    );
    return asWire(StatusSchema, status);
  };

  app.post(
    '/v1/trajecten/:ref/events',
    {
      schema: {
        summary: 'Send an event as your role; answers the new status',
        tags: ['trajecten'],
        params: RefParamsSchema,
        headers: IdempotencyHeadersSchema,
        body: SendBodySchema,
        response: { 200: StatusSchema, ...problems(400, 403, 404, 409, 410, 413, 422) },
      },
      config: { operation: 'traject.send', activity: 'uitvoering-convenant' },
    },
    async (request) =>
      send(actorOf(request), request.params.ref, request.body, request.headers['idempotency-key']),
  );

  app.post(
    '/v1/trajecten/:ref/withdraw',
    {
      schema: {
        summary: "Withdraw the client's consent (INGETROKKEN)",
        tags: ['trajecten'],
        params: RefParamsSchema,
        headers: IdempotencyHeadersSchema,
        body: WithdrawBodySchema,
        response: { 200: StatusSchema, ...problems(400, 403, 404, 409, 410, 422) },
      },
      config: { operation: 'traject.withdraw', activity: 'uitvoering-convenant' },
    },
    async (request) =>
      send(
        actorOf(request),
        request.params.ref,
        { type: 'INGETROKKEN', data: request.body },
        request.headers['idempotency-key'],
      ),
  );
};

/** Whether the caller acts in its role for this covenant (a party for that role, or a client or neighbour). */
function inRole(actor: Actor, covenant: Covenant): boolean {
  try {
    assertPartyInRole(actor, covenant);
    return true;
  } catch {
    return false;
  }
}

const dataSchemas = new Map<CoordinatorEventType, Record<string, unknown>>();
/** An event's data as JSON Schema, as a form builder reads it (what may be sent, defaults included). */
function dataSchemaOf(type: CoordinatorEventType): Record<string, unknown> {
  let schema = dataSchemas.get(type);
  if (!schema) {
    schema = z.toJSONSchema(eventDataSchemas[type], { io: 'input', unrepresentable: 'any' });
    dataSchemas.set(type, schema);
  }
  return schema;
}

/** The SDK filter of a list or count query, without its covenant: `overdue` is a next meeting due before now. */
function filterOf(q: z.output<typeof CountsQuerySchema>): Omit<CountFilter, 'region' | 'regions'> {
  const now = new Date().toISOString();
  const before =
    q.overdue && (!q.meetingBefore || new Date(q.meetingBefore).toISOString() > now) ? now : q.meetingBefore;
  return {
    ...(q.phase ? { phase: q.phase } : {}),
    ...(q.form ? { contractForm: q.form } : {}),
    ...(q.escalated !== undefined ? { escalated: q.escalated } : {}),
    ...(before ? { meetingBefore: before } : {}),
  };
}

function parseCursor(text: string | undefined): Cursor {
  try {
    return decodeCursor(text);
  } catch {
    throw Object.assign(new Error('the cursor is not one this API gave'), { statusCode: 400 });
  }
}
