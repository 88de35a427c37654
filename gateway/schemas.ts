/**
 * The wire contract: request schemas taken from the machine and SDK (one definition of an event, an aanmelding, a
 * filter), and response schemas for what the SDK returns. The OpenAPI document is generated from these.
 */
import { z } from 'zod';
import { AanmeldingInputSchema } from '../client';
import {
  ConcernAnswerSchema,
  ConcernFilterSchema,
  ConcernIdSchema,
  ConcernOutcomeSchema,
  ConcernStatusSchema,
} from '../client/concerns';
import {
  ContractFormSchema,
  CoordinatorEventTypeSchema,
  PhaseSchema,
  ReferenceSchema,
  RoleSchema,
} from '../machines';
import { SendEventArgsSchema } from '../workflows/send-event-args';

/** RFC 9457 problem details, with the engine's error code and the rule that refused. */
export const ProblemSchema = z
  .object({
    type: z.string().describe('a URI naming the kind of problem'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.string().describe("the engine's error code, e.g. NotAllowedInPhase"),
    rule: z
      .string()
      .optional()
      .describe('the rule that refused: schema, permissions.<EVENT>, phase, a guard'),
    phase: z.string().optional(),
    allowed: z.array(z.string()).optional(),
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

export const RefParamsSchema = z.object({
  ref: ReferenceSchema.describe("the client's pseudonymous reference"),
});

/** A start as a partner system sends it: the registering actor comes from the token, never from the body. */
export const StartBodySchema = AanmeldingInputSchema.omit({ registeredBy: true });

export const IdempotencyHeadersSchema = z.object({
  'idempotency-key': SendEventArgsSchema.shape.idempotencyKey.describe(
    'makes a retried POST safe: the same key within a traject is taken once',
  ),
});

/** An event as sent: its type and data (checked against the event's own schema by the engine). */
export const SendBodySchema = z
  .object({
    type: CoordinatorEventTypeSchema,
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const WithdrawBodySchema = z
  .object({
    reason: z.enum(['client', 'verhuisd', 'zorgaanbieder', 'overig']),
    note: z.string().max(2000).optional(),
  })
  .strict();

const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ListQuerySchema = z
  .object({
    phase: PhaseSchema.optional(),
    region: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,39}$/)
      .optional(),
    form: ContractFormSchema.optional(),
    escalated: booleanQuery.optional(),
    meetingBefore: z.union([z.iso.datetime({ offset: true }), z.iso.date()]).optional(),
    overdue: booleanQuery.optional().describe('only trajecten whose next meeting is already past due'),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(4096).optional().describe('the nextCursor of the previous page'),
  })
  .strict();

/** The list's filters, without paging: what GET /v1/trajecten-counts counts. */
export const CountsQuerySchema = ListQuerySchema.omit({ pageSize: true, cursor: true }).strict();

/** How many trajecten of your covenants a filter holds (the SDK's TrajectCounts). */
export const CountsSchema = z
  .object({
    total: z.number().int(),
    escalated: z.number().int(),
    phases: z.record(PhaseSchema, z.number().int()).describe('per public phase, every phase (zeros too)'),
  })
  .meta({ id: 'TrajectCounts' });

const DeadlineSchema = z.looseObject({ kind: z.string(), dueAt: z.string(), roles: z.array(RoleSchema) });

/** A traject's public status (the SDK's TrajectStatus); fields beyond these may be added, never taken away. */
export const StatusSchema = z
  .looseObject({
    trajectRef: z.string(),
    region: z.string(),
    origin: z.string(),
    phase: PhaseSchema,
    updatedAt: z.string(),
    deadlines: z.array(DeadlineSchema),
    meetings: z.array(z.looseObject({ meeting: z.string(), number: z.number(), dueBy: z.string() })),
    nextMeetingDue: z.string().nullable(),
    escalations: z.array(z.looseObject({ kind: z.string(), since: z.string() })),
    allowedEvents: z.array(CoordinatorEventTypeSchema),
    contract: z.looseObject({
      form: ContractFormSchema.nullable(),
      earliestConversion: z.string().nullable(),
    }),
  })
  .meta({ id: 'TrajectStatus' });

export const EventLogSchema = z.array(
  z.object({
    seq: z.number().int(),
    at: z.string(),
    type: z.string(),
    source: z.enum(['update', 'signal', 'timer', 'start']),
    actor: z.object({ role: z.string(), organisation: z.string().optional() }).optional(),
    phaseBefore: z.string().nullable(),
    phaseAfter: z.string(),
  }),
);

export const PageSchema = z.object({
  items: z.array(
    z.object({
      clientRef: z.string(),
      phase: z.string().nullable(),
      region: z.string().nullable(),
      contractForm: z.string().nullable(),
      escalated: z.boolean(),
      nextMeetingDue: z.string().nullable(),
      running: z.boolean(),
      startedAt: z.string(),
    }),
  ),
  nextCursor: z.string().optional(),
});

export const MayDoNowSchema = z.object({
  clientRef: z.string(),
  phase: PhaseSchema,
  role: RoleSchema,
  events: z.array(
    z.object({
      type: CoordinatorEventTypeSchema,
      dataSchema: z
        .record(z.string(), z.unknown())
        .describe("the event's data as JSON Schema (draft 2020-12)"),
    }),
  ),
  note: z.string(),
});

export const TimelineSchema = z.looseObject({
  trajectRef: z.string(),
  workflowId: z.string(),
  region: z.string(),
  entries: z.array(z.looseObject({ at: z.string(), event: z.string(), phaseAfter: z.string() })),
});

export const HistorySchema = z.object({
  format: z.literal('tidw-history-chain/1'),
  workflowId: z.string(),
  exportedAt: z.string(),
  runs: z.array(z.object({ runId: z.string(), history: z.looseObject({ events: z.array(z.unknown()) }) })),
});

export const ReplaySchema = z.object({
  outcomes: z.array(z.looseObject({ workflowId: z.string(), runId: z.string(), ok: z.boolean() })),
});

export const ExportSchema = z.looseObject({
  format: z.literal('tidw-access-export/1'),
  clientRef: z.string(),
  events: z.array(z.looseObject({})),
});

export const ErasedSchema = z.object({ clientRef: z.string(), erasedAt: z.string() });

export const CovenantSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  parties: z.array(z.object({ role: RoleSchema, organisation: z.string() })),
});

/** A covenant's full terms, as data (durations as ISO 8601, permissions per event). */
export const CovenantTermsSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  parties: z.array(z.object({ role: RoleSchema, organisation: z.string() })),
  terms: z.record(z.string(), z.unknown()),
  permissions: z.record(z.string(), z.array(RoleSchema)),
});

export const ConcernParamsSchema = z.object({ id: ConcernIdSchema.describe("the concern's id") });

export const ConcernsQuerySchema = z
  .object({
    state: ConcernFilterSchema.default('alle').describe(
      'open: not yet handled (taken up ones included); afgehandeld: handled; alle: both',
    ),
  })
  .strict();

/** An answer as the responding party sends it: taken up, or handled with an outcome code (never free text). */
export const ConcernAnswerBodySchema = ConcernAnswerSchema;

const ConcernAnsweredSchema = z
  .object({
    status: ConcernStatusSchema,
    outcome: ConcernOutcomeSchema.optional(),
    at: z.string(),
    by: z.object({ role: RoleSchema, organisation: z.string().optional(), personId: z.string() }),
  })
  .meta({ id: 'ConcernAnswer' });

/** A neighbour's concern as the party it was routed to reads it: the routing facts, the text opened, its state. */
export const ConcernSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    region: z.string(),
    respondBy: z.string(),
    place: z.string().describe('the complex or home number the neighbour gave'),
    text: z.string().describe('what the neighbour wrote (stored sealed; opened only for this party)'),
    state: z.enum(['open', 'opgepakt', 'afgehandeld']),
    answer: ConcernAnsweredSchema.optional(),
  })
  .meta({ id: 'Concern' });

export const ConcernsSchema = z.object({ items: z.array(ConcernSchema) });

export const ConcernAnswerResultSchema = z.object({ id: z.string(), answer: ConcernAnsweredSchema });

export const ProcessingLogQuerySchema = z
  .object({
    trajectRef: ReferenceSchema.optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .strict();

export { ReferenceSchema };

/**
 * The SDK's values are interfaces, which TypeScript will not match to a loose schema's index signature; the serializer
 * checks them against the schema on the way out, so this only tells the compiler what the serializer will see.
 */
export const asWire = <S extends z.ZodType>(_schema: S, value: unknown): z.output<S> => value as z.output<S>;

/** Problem responses a route can give, by status, for its schema (and so for the OpenAPI document). */
export function problems(...statuses: number[]): Record<number, typeof ProblemSchema> {
  return Object.fromEntries([401, 429, 500, 503, ...statuses].map((s) => [s, ProblemSchema]));
}
