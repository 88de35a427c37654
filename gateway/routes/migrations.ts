/**
 * Covenant migrations over HTTP (issue 15): the dry run (per traject what the change would do), starting the
 * migration workflow, and where it stands. The same SDK calls `tidw migrate` makes; the caller is the verified token's
 * actor. The door refuses early by the covenant's own migration rule (`migrationRoles`); every traject checks again.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MigrationIdSchema, covenantNamed } from '../../client/cli/migration-commands';
import { InvalidInput, MigrationNotFound, RoleNotPermitted } from '../../client/errors';
import { migrateRegion, migrationIdFor, runningTrajecten } from '../../client/migration';
import { migrationRoles, PhaseSchema, type Actor, type Covenant } from '../../machines';
import { assertMayWrite, assertPartyInRole } from '../access';
import type { Engine } from '../engine';
import { problems } from '../schemas';
import { actorOf } from './trajecten';
import '../types';

const RegionSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, { message: 'expected a covenant id such as almere' });

const MigrationBodySchema = z
  .object({
    region: RegionSchema.describe('the region whose running trajecten move, e.g. almere'),
    to: z.string().min(1).max(80).describe('the version to move to, e.g. almere@2023-01'),
    phase: PhaseSchema.optional().describe('only trajecten in this public phase'),
    reason: z.string().trim().min(3).max(500).describe('why; recorded with each change'),
  })
  .strict();

const ChangeSchema = z
  .looseObject({})
  .describe('what the change does: deadlines moved, invitations, escalations');

const DryRunSchema = z.object({
  to: z.string(),
  dryRun: z.literal(true),
  outcomes: z.array(
    z.object({
      clientRef: z.string(),
      phase: z.string().nullable(),
      result: z.enum(['planned', 'skipped', 'failed', 'migrated']),
      reason: z.string().optional(),
      change: ChangeSchema.optional(),
    }),
  ),
  summary: z.object({
    trajecten: z.number().int(),
    migrated: z.number().int(),
    planned: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
    deadlinesMoved: z.number().int(),
    overdue: z.number().int(),
    escalationsOpened: z.number().int(),
    escalationsClosed: z.number().int(),
  }),
});

const StartedSchema = z.object({
  migrationId: z.string(),
  state: z.literal('running'),
  total: z.number().int(),
});

const StateSchema = z.object({
  migrationId: z.string(),
  state: z.enum([
    'running',
    'completed',
    'failed',
    'cancelled',
    'terminated',
    'timed_out',
    'continued_as_new',
  ]),
  total: z.number().int(),
  done: z.number().int(),
  migrated: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  outcomes: z.array(
    z.object({
      clientRef: z.string(),
      result: z.enum(['migrated', 'skipped', 'failed']),
      reason: z.string().optional(),
    }),
  ),
});

/** The covenant's migration rule at the door: a role it names, acting as a party of the covenant. */
function assertMayMigrate(actor: Actor, covenant: Covenant): void {
  assertMayWrite(actor);
  const allowed = migrationRoles(covenant);
  if (!allowed.includes(actor.role)) {
    throw new RoleNotPermitted({
      code: 'RoleNotPermitted',
      rule: 'migration',
      message: `a ${actor.role} may not move trajecten onto another version of covenant ${covenant.id}; allowed: ${allowed.join(', ')}`,
      allowed,
    });
  }
  assertPartyInRole(actor, covenant);
}

export const migrationRoutes: FastifyPluginAsyncZod<{ engine: Engine }> = async (app, { engine }) => {
  const sdk = engine.sdk;

  /** The region's covenant and the target version, or InvalidInput naming the field. */
  const target = (body: { region: string; to: string }): { current: Covenant; to: Covenant } => {
    if (!sdk.regions.includes(body.region)) {
      throw new InvalidInput(`no covenant ${body.region}`, [
        { field: 'body.region', message: `one of ${sdk.regions.join(', ')}` },
      ]);
    }
    const to = covenantNamed(body.to, 'body.to');
    if (to.id !== body.region) {
      throw new InvalidInput(`${body.to} is no version of ${body.region}`, [
        { field: 'body.to', message: `a version of ${body.region}` },
      ]);
    }
    return { current: sdk.covenant(body.region), to };
  };

  app.post(
    '/v1/migrations/dry-run',
    {
      schema: {
        summary:
          "What moving a region's running trajecten onto another covenant version would change, per traject",
        tags: ['migrations'],
        body: MigrationBodySchema,
        response: { 200: DryRunSchema, ...problems(400, 403, 422) },
      },
      config: { operation: 'migration.dry-run', activity: 'uitvoering-convenant' },
    },
    async (request) => {
      const actor = actorOf(request);
      const { current, to } = target(request.body);
      assertMayMigrate(actor, current);
      const { region, phase, reason } = request.body;
      const report = await engine.call(() =>
        migrateRegion(sdk, { region, to, ...(phase ? { phase } : {}), actor, reason, dryRun: true }),
      );
      return { ...report, dryRun: true as const };
    },
  );

  app.post(
    '/v1/migrations',
    {
      schema: {
        summary:
          "Start moving a region's running trajecten onto another covenant version; one migration per target, resumable",
        tags: ['migrations'],
        body: MigrationBodySchema,
        response: { 202: StartedSchema, ...problems(400, 403, 422) },
      },
      config: { operation: 'migration.start', activity: 'uitvoering-convenant' },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { current, to } = target(request.body);
      assertMayMigrate(actor, current);
      const { region, phase, reason } = request.body;
      const migrationId = migrationIdFor(region, to);
      const location = `/v1/migrations/${migrationId}`;
      // One migration per region and target: asked again while it runs, the answer is the running one.
      const running = await engine
        .call(() => sdk.covenantMigration(migrationId))
        .catch((err: unknown) => {
          if (err instanceof MigrationNotFound) return undefined;
          throw err;
        });
      if (running?.state === 'running') {
        return reply
          .code(202)
          .header('location', location)
          .send({ migrationId, state: 'running' as const, total: running.total });
      }
      const clientRefs = await engine.call(() => runningTrajecten(sdk, region, phase));
      await engine.call(() =>
        sdk.startCovenantMigration(migrationId, {
          clientRefs,
          covenant: to,
          actor,
          reason,
          batchSize: 5,
          pauseMs: 1000,
        }),
      );
      return reply
        .code(202)
        .header('location', location)
        .send({ migrationId, state: 'running' as const, total: clientRefs.length });
    },
  );

  app.get(
    '/v1/migrations/:id',
    {
      schema: {
        summary:
          'Where a covenant migration stands: counts, and each traject migrated, skipped (why) or failed',
        tags: ['migrations'],
        params: z.object({ id: MigrationIdSchema }),
        response: { 200: StateSchema, ...problems(400, 403, 404) },
      },
      config: { operation: 'migration.status', activity: 'uitvoering-convenant' },
    },
    async (request) => {
      const actor = actorOf(request);
      const { id } = request.params;
      // The id names its region (migrationIdFor); an auditor reads every migration, the migration roles their own.
      const region = sdk.regions.find((r) => id.startsWith(`covenant-migration-${r}-`));
      if (!region) throw new MigrationNotFound(id);
      if (actor.role !== 'auditor') assertMayMigrate(actor, sdk.covenant(region));
      return engine.call(() => sdk.covenantMigration(id));
    },
  );
};
