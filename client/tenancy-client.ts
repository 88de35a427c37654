/**
 * The typed SDK for backend teams: start a traject, send its events, read its status and history, find trajecten.
 * It speaks the engine's language (client references, events, roles) and hides Temporal behind it.
 */
import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type QueryDefinition,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import pino from 'pino';
import { z } from 'zod';
import {
  ActorSchema,
  CoordinatorEventTypeSchema,
  ContractFormSchema,
  CovenantSchema,
  checkErasure,
  demoCovenant,
  eventDataProblem,
  eventDataSchemas,
  eventFingerprint,
  OriginSchema,
  phases,
  PhaseSchema,
  presetCovenants,
  ReferenceSchema,
  type Actor,
  type CoordinatorEventType,
  type Covenant,
  type Phase,
  type PublicStatus,
  type Refusal,
} from '../machines';
import type { tenancyWorkflow } from '../workflows';
import type { covenantMigrationWorkflow } from '../workflows/migration-workflow';
import {
  changeCovenantUpdate,
  eraseUpdate,
  eventsQuery,
  isUpdateReceipt,
  migrationProgressQuery,
  migrationStateQuery,
  sendEventUpdate,
  statusQuery,
  TASK_QUEUE,
  workflowIdFor,
  type EventLogEntry,
  type CovenantMigrationInput,
  type MigrationProgress,
  type MigrationState,
  type TrajectStatus,
  type UpdateReceipt,
} from '../workflows/messages';
import {
  contractFormKey,
  escalatedKey,
  nextMeetingDueKey,
  phaseKey,
  regionKey,
} from '../workflows/search-attributes';
import { visibilityCountQuery, visibilityQuery } from './visibility-query';
import type { HistoryChain } from './audit/history-file';
import { replayHistories, type ReplayOptions, type ReplayOutcome } from './audit/replay';
import { buildTimeline, decoderFor, type Timeline, type TimelineEntry } from './audit/timeline';
import { connectionOptions, parseTemporalSettings, type TemporalSettings } from '../platform/config';
import { ConfigError } from '../platform/config';
import { fetchHistoryChain } from './history';
import { sendThroughMoves } from './moving';
import { traceHeaders } from './trace-headers';
import {
  EngineUnavailable,
  InvalidInput,
  isRefusalCode,
  ListingUnavailable,
  refusalError,
  TrajectAlreadyExists,
  TrajectErased,
  MigrationNotFound,
  TrajectNotFound,
  type FieldProblem,
} from './errors';
import { dataDirFrom, projectRoot } from '../platform/paths';
import { registerSearchAttributes } from '../platform/search-attributes';
import {
  CONNECT_TIMEOUT_MS,
  grpcCode,
  isDeadlineExceeded,
  isFailedPrecondition,
  isUnimplemented,
  QUERY_TIMEOUT_MS,
  serverUnavailable,
  workerUnavailable,
} from './reachability';
import { loadEncryption, type Encryption } from '../platform/privacy/config';
import { openSqliteStore, readModelFile, type FactsStore } from '../platform/read-model';
import type { DataKeyState } from '../platform/privacy/data-keys';

export type { TrajectStatus, EventLogEntry } from '../workflows/messages';

/** A covenant migration as `tidw migrate status` and the HTTP API show it. */
export interface CovenantMigrationState extends MigrationProgress {
  migrationId: string;
  /** The migration workflow's status: running, or how it ended. */
  state: 'running' | 'completed' | 'failed' | 'cancelled' | 'terminated' | 'timed_out' | 'continued_as_new';
}

export interface TenancyClientOptions {
  /** host:port of the Temporal frontend; default: the environment (TEMPORAL_ADDRESS), else `npm start`'s server. */
  address?: string;
  namespace?: string;
  taskQueue?: string;
  /** Temporal Cloud API key. */
  apiKey?: string;
  /** TLS for a self-hosted cluster or Temporal Cloud with certificates. */
  tls?: TemporalSettings['tls'];
  /** Covenants besides the four regional presets and `demo`, by id (validated). */
  covenants?: Covenant[];
  /** Continue a traject's workflow as new once its history has this many events (default 300). */
  historyLimit?: number;
  /**
   * Encryption of everything stored (key ring and data keys); by default from the environment (TIDW_KEYRING_FILE,
   * TIDW_KEYRING, TIDW_DATA_KEYS_DIR, or `npm start`'s .data/keyring.json). `false`: payloads stay plain.
   */
  encryption?: Encryption | false;
  /**
   * The read model that erasure deletes a traject's facts from: by default the file the worker keeps
   * (TIDW_READ_MODEL_FILE, else `.data/read-model.db`), when there is one. `false`: erasure leaves it alone.
   */
  readModel?: (() => FactsStore | undefined) | false;
}

/** What the engine holds about one client, for an access request (GDPR art. 15). */
export interface AccessExport {
  format: 'tidw-access-export/1';
  clientRef: string;
  workflowId: string;
  exportedAt: string;
  region: string;
  status: PublicStatus;
  /** Every event of the traject as recorded, with its data (notes included) and who sent it (role, organisation). */
  events: Array<
    Pick<
      TimelineEntry,
      'at' | 'source' | 'event' | 'actor' | 'data' | 'phaseBefore' | 'phaseAfter' | 'refused'
    >
  >;
  /** What was sent to the partners about the client, and whether it arrived. */
  deliveries: Array<{ at: string; type: string; about: string; outcome: string; to: string[] }>;
  dataKey: DataKeyState | { state: 'not encrypted' };
}

/** What a care provider registers to start a traject. */
export const AanmeldingInputSchema = z
  .object({
    /** The client's pseudonymous reference (never a name or citizen number). */
    clientRef: ReferenceSchema,
    /** The covenant (region) the traject runs under, e.g. almere. */
    region: z.string().min(1),
    origin: OriginSchema,
    /** The care provider registering the client. */
    registeredBy: ActorSchema,
  })
  .strict();
export type AanmeldingInput = z.input<typeof AanmeldingInputSchema>;

/** An event to send: its type and, where the event needs it, its data. */
export interface TrajectEvent {
  type: CoordinatorEventType;
  data?: Record<string, unknown>;
}

export interface SendOptions {
  /** Makes a retried send safe: the same key within a traject is taken once. */
  idempotencyKey?: string;
}

/** The SDK logs nothing of its own; registering search attributes wants a logger. */
const quietLogger = pino({ level: 'silent' });

/** A page token: the hash of the filter it belongs to, and the server's token (base64url). */
const pageTokenPattern = /^[0-9a-f]{8}\.[A-Za-z0-9_-]+$/;
const filterHash = (query: string) => createHash('sha256').update(query).digest('hex').slice(0, 8);

const CovenantIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, { message: 'expected a covenant id such as almere' });

export const ListFilterSchema = z
  .object({
    phase: PhaseSchema.optional(),
    region: CovenantIdSchema.optional(),
    contractForm: ContractFormSchema.optional(),
    escalated: z.boolean().optional(),
    /** Only trajecten whose next meeting is due before this date. */
    meetingBefore: z.union([z.date(), z.iso.datetime({ offset: true }), z.iso.date()]).optional(),
    pageSize: z.number().int().min(1).max(1000).default(100),
    /** Checked before any call: a made-up token would cost the server's retries and end in an UNKNOWN error. */
    nextPageToken: z
      .string()
      .regex(pageTokenPattern, {
        message: 'expected a page token as a previous list printed it (more: --page …)',
      })
      .optional(),
  })
  .strict();
export type ListFilter = z.input<typeof ListFilterSchema>;

/** What `count` and `counts` take: the list's filters, and the covenants of a caller's scope in one go. */
export const CountFilterSchema = ListFilterSchema.omit({ pageSize: true, nextPageToken: true })
  .extend({
    /** Only trajecten under one of these covenants (with `region` too: that one, if it is among them). */
    regions: z.array(CovenantIdSchema).min(1).max(100).optional(),
  })
  .strict();
export type CountFilter = z.input<typeof CountFilterSchema>;

/** How many trajecten a filter holds: all, the escalated ones, and per public phase (every phase, zeros too). */
export interface TrajectCounts {
  total: number;
  escalated: number;
  phases: Record<Phase, number>;
}

/** One traject in a list: codes and dates only. */
export interface TrajectSummary {
  clientRef: string;
  phase: string | null;
  region: string | null;
  contractForm: string | null;
  escalated: boolean;
  nextMeetingDue: string | null;
  running: boolean;
  startedAt: string;
}

export interface TrajectPage {
  items: TrajectSummary[];
  /** Pass as `nextPageToken` for the next page; absent on the last page. */
  nextPageToken?: string;
}

/** A traject's handle: the same calls as the client, bound to one client reference. */
export interface TrajectHandle {
  clientRef: string;
  status(): Promise<TrajectStatus>;
  events(): Promise<EventLogEntry[]>;
  send(event: TrajectEvent, actor: Actor, options?: SendOptions): Promise<TrajectStatus>;
}

const problemsOf = (error: z.ZodError): FieldProblem[] =>
  error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(input)', message: i.message }));

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidInput(`invalid ${what}`, problemsOf(result.error));
  return result.data;
}

/** Checks a list filter without a server: throws InvalidInput naming each wrong field. */
export function checkListFilter(filter: ListFilter): void {
  parse(ListFilterSchema, filter, 'filter');
}

export class TenancyClient {
  private readonly covenants: Map<string, Covenant>;

  /** Use `createTenancyClient`. */
  constructor(
    private readonly client: Client,
    private readonly connection: Connection,
    private readonly options: {
      taskQueue: string;
      namespace: string;
      historyLimit?: number;
      address?: string;
    },
    covenants: Covenant[] = [],
    readonly encryption?: Encryption,
    /** Opens the read model that erasure deletes facts from (closed after); none: there is no read model. */
    private readonly readModel?: () => FactsStore | undefined,
  ) {
    this.covenants = new Map(
      [...Object.values(presetCovenants), demoCovenant, ...covenants].map((c) => [c.id, c]),
    );
  }

  /** The covenants (regions) this client can start trajecten under. */
  get regions(): string[] {
    return [...this.covenants.keys()];
  }

  covenant(region: string): Covenant {
    const covenant = this.covenants.get(region);
    if (!covenant) {
      throw new InvalidInput(`unknown region ${region}`, [
        { field: 'region', message: `known: ${this.regions.join(', ')}` },
      ]);
    }
    return covenant;
  }

  /** Starts a traject. Throws TrajectAlreadyExists when the client reference has one already. */
  async start(aanmelding: AanmeldingInput): Promise<TrajectHandle> {
    const input = parse(AanmeldingInputSchema, aanmelding, 'aanmelding');
    this.assertNotErased(input.clientRef); // an erased reference is never used again
    // Checked again here, as the workflow does: covenants handed to the constructor skipped createTenancyClient's check.
    const covenant = parse(CovenantSchema, this.covenant(input.region), 'covenant');
    // Whoever may request urgency for the client registers it: under every preset, the care provider.
    const registrars = covenant.permissions.URGENTIE_AANGEVRAAGD;
    if (!registrars.includes(input.registeredBy.role)) {
      throw new InvalidInput('invalid aanmelding', [
        {
          field: 'registeredBy.role',
          message: `under covenant ${covenant.id} a traject is registered by: ${registrars.join(', ')}`,
        },
      ]);
    }
    await this.ensureSearchAttributes();
    try {
      await this.client.workflow.start<typeof tenancyWorkflow>('tenancyWorkflow', {
        taskQueue: this.options.taskQueue,
        workflowId: workflowIdFor(input.clientRef),
        args: [
          {
            aanmelding: {
              trajectRef: input.clientRef,
              origin: input.origin,
              covenant,
              registeredBy: input.registeredBy,
            },
            ...(this.options.historyLimit ? { historyLimit: this.options.historyLimit } : {}),
          },
        ],
        typedSearchAttributes: new TypedSearchAttributes([
          { key: phaseKey, value: 'aanmelding' },
          { key: regionKey, value: covenant.id },
          { key: escalatedKey, value: false },
        ]),
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        throw new TrajectAlreadyExists(input.clientRef);
      throw err;
    }
    return this.handle(input.clientRef);
  }

  /** A handle for an existing traject (nothing is checked until it is used). */
  handle(clientRef: string): TrajectHandle {
    return {
      clientRef,
      status: () => this.status(clientRef),
      events: () => this.events(clientRef),
      send: (event, actor, options) => this.send(clientRef, event, actor, options),
    };
  }

  /**
   * Sends an event as an actor. Returns the traject's new status, or throws InvalidEventData, RoleNotPermitted,
   * NotAllowedInPhase or IdempotencyKeyReused (nothing changed), or TrajectNotFound. Data that can never be taken
   * (over 64 KiB as JSON, nested deeper than 8 levels, cyclic, BigInt, prototype keys) is refused here, before it is
   * sent; the traject checks everything again.
   */
  async send(
    clientRef: string,
    event: TrajectEvent,
    actor: Actor,
    options: SendOptions = {},
  ): Promise<TrajectStatus> {
    const type = CoordinatorEventTypeSchema.safeParse(event?.type);
    if (!type.success) {
      throw refusalError({
        code: 'InvalidEventData',
        rule: 'schema',
        // Named only when it looks like an event type: a refusal never carries arbitrary input back.
        message: `unknown event ${/^[A-Za-z_]{1,40}$/.test(String(event?.type)) ? String(event?.type) : 'type'}`,
        allowed: Object.keys(eventDataSchemas),
      });
    }
    const problem = eventDataProblem(event.data ?? {});
    if (problem) {
      throw refusalError({
        code: 'InvalidEventData',
        rule: 'eventData',
        message: `${type.data}: data: ${problem}`,
        issues: [{ field: 'data', message: problem }],
      });
    }
    const key = options.idempotencyKey;
    const sent = { type: type.data, actor, ...(event.data ? { data: event.data } : {}) };
    try {
      const handle = this.workflow(clientRef);
      const result = await sendThroughMoves(() =>
        handle.executeUpdate(sendEventUpdate, {
          args: [{ event: sent, ...(key ? { idempotencyKey: key } : {}) }],
          // The server answers a repeated update id with the first outcome, unchecked: the id names the event too,
          // so that only a true retry gets that answer, and a reused key reaches the traject, which refuses it.
          ...(key ? { updateId: `${clientRef}:${key}:${eventFingerprint(sent)}` } : {}),
        }),
      );
      return await this.statusAfter(clientRef, result);
    } catch (err) {
      throw this.translate(err, clientRef);
    }
  }

  /** Withdraws the client's consent (INGETROKKEN); possible until the lease is converted. */
  withdraw(
    clientRef: string,
    actor: Actor,
    reason: { reason: 'client' | 'verhuisd' | 'zorgaanbieder' | 'overig'; note?: string },
    options?: SendOptions,
  ): Promise<TrajectStatus> {
    return this.send(clientRef, { type: 'INGETROKKEN', data: reason }, actor, options);
  }

  /** The traject's public status: phase, open deadlines, next meetings, escalations. */
  async status(clientRef: string): Promise<TrajectStatus> {
    try {
      return await this.query(clientRef, statusQuery);
    } catch (err) {
      throw this.translate(err, clientRef);
    }
  }

  /**
   * The covenant (region) a traject runs under, from its search attribute: the server answers that from the
   * traject's record without asking a worker, so it is cheaper than a status query (the gateway needs the covenant
   * before it may send an update). A traject without the attribute is asked by status query. Throws as `status`
   * does: TrajectNotFound, TrajectErased, EngineUnavailable.
   */
  async region(clientRef: string): Promise<string> {
    let region: string | undefined;
    try {
      const handle = this.workflow(clientRef);
      const described = await this.connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () =>
        handle.describe(),
      );
      region = described.typedSearchAttributes.get(regionKey);
    } catch (err) {
      throw this.translate(err, clientRef);
    }
    return region ?? (await this.status(clientRef)).region;
  }

  /**
   * The whole status after an update: the update's result itself from a traject started before the slim-history
   * patch, else (its result is a receipt, kept small because it stays in the history) the status asked by query.
   */
  private async statusAfter(
    clientRef: string,
    result: TrajectStatus | UpdateReceipt,
  ): Promise<TrajectStatus> {
    return isUpdateReceipt(result) ? await this.query(clientRef, statusQuery) : result;
  }

  /** The traject's event log: time, event, actor role and organisation (no personal data). */
  async events(clientRef: string): Promise<EventLogEntry[]> {
    try {
      return await this.query(clientRef, eventsQuery);
    } catch (err) {
      throw this.translate(err, clientRef);
    }
  }

  private searchAttributes: Promise<void> | undefined;

  /**
   * The search attributes a traject starts with, registered once per client if missing: a start before any worker
   * registered them would fail with Temporal's raw "not defined". Where the operator API is not open (Temporal
   * Cloud: register them in its console), this logs a warning and the start goes on.
   */
  private ensureSearchAttributes(): Promise<void> {
    this.searchAttributes ??= this.connection
      .withDeadline(Date.now() + QUERY_TIMEOUT_MS, () =>
        registerSearchAttributes(this.connection, this.options.namespace, quietLogger),
      )
      .catch((err: unknown) => {
        this.searchAttributes = undefined;
        throw this.unreachable(err);
      });
    return this.searchAttributes;
  }

  /**
   * A query, within a deadline: without a worker, Temporal would hold it for most of a minute. Throws
   * EngineUnavailable saying whether any worker polls the task queue.
   */
  private async query<T>(clientRef: string, query: QueryDefinition<T>): Promise<T> {
    const handle = this.workflow(clientRef);
    try {
      return await this.connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(query));
    } catch (err) {
      const { namespace, taskQueue } = this.options;
      // Past the deadline a worker is missing or stuck; a failed precondition is a first task none has run yet. Any
      // other failure of the call (a server under load answers a held query in other words too) is the worker's
      // absence only when nobody polls the task queue.
      if (
        isDeadlineExceeded(err) ||
        isFailedPrecondition(err) ||
        (grpcCode(err) !== undefined && !isNotFound(err))
      ) {
        const down = await workerUnavailable(
          this.connection,
          namespace,
          taskQueue,
          !isDeadlineExceeded(err),
          this.options.address ?? 'the configured address',
        );
        if (down) throw down;
      }
      throw err;
    }
  }

  /**
   * Trajecten matching a filter over the search attributes, a page at a time: one row per traject, its current run
   * (or its last, once closed), however often it continued as new.
   */
  async list(filter: ListFilter = {}): Promise<TrajectPage> {
    const f = parse(ListFilterSchema, filter, 'filter');
    const query = visibilityQuery(f);
    const [hash, serverToken] = f.nextPageToken?.split('.') ?? [];
    if (hash !== undefined && hash !== filterHash(query)) {
      throw new InvalidInput('invalid filter', [
        { field: 'nextPageToken', message: 'this page token belongs to a list with other filters' },
      ]);
    }
    let response;
    try {
      response = await this.connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () =>
        this.connection.workflowService.listWorkflowExecutions({
          namespace: this.options.namespace,
          query,
          pageSize: f.pageSize,
          nextPageToken: serverToken ? Buffer.from(serverToken, 'base64url') : undefined,
        }),
      );
    } catch (err) {
      if (isUnimplemented(err)) throw new ListingUnavailable();
      throw this.unreachable(err);
    }
    const items = (response.executions ?? []).map((execution) => summary(execution));
    const token = response.nextPageToken?.length
      ? `${filterHash(query)}.${Buffer.from(response.nextPageToken).toString('base64url')}`
      : undefined;
    return token ? { items, nextPageToken: token } : { items };
  }

  /**
   * How many trajecten a filter holds, counted by the visibility store (exact on the SQL stores of the dev server and
   * a self-hosted cluster; Elasticsearch counts are near-exact): the number of rows `list` would page through.
   */
  async count(filter: CountFilter = {}): Promise<number> {
    return this.countQuery(visibilityCountQuery(parse(CountFilterSchema, filter, 'filter')));
  }

  /**
   * The counts on top of a caseload: all, escalated, and per phase, each one count query, asked at once. One query
   * per phase because SQL visibility groups by ExecutionStatus only, never by a search attribute; each phase's query
   * reads only that phase's rows (see `visibilityCountQuery`), so together they cost about one count of all.
   */
  async counts(filter: CountFilter = {}): Promise<TrajectCounts> {
    const f = parse(CountFilterSchema, filter, 'filter');
    const countOf = (extra: Partial<CountFilter>) => this.countQuery(visibilityCountQuery({ ...f, ...extra }));
    const perPhase = phases.map((phase) => (f.phase && f.phase !== phase ? 0 : countOf({ phase })));
    // A filter on a phase or on escalation makes some counts the same query as all: asked once, not twice.
    const all = f.phase ? perPhase[phases.indexOf(f.phase)]! : countOf({});
    const escalatedOnes = f.escalated === false ? 0 : f.escalated ? all : countOf({ escalated: true });
    const [total, escalated, ...byPhase] = await Promise.all([all, escalatedOnes, ...perPhase]);
    return {
      total,
      escalated,
      phases: Object.fromEntries(phases.map((phase, i) => [phase, byPhase[i]!])) as Record<Phase, number>,
    };
  }

  private async countQuery(query: string): Promise<number> {
    try {
      const response = await this.connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () =>
        this.connection.workflowService.countWorkflowExecutions({ namespace: this.options.namespace, query }),
      );
      return Number(response.count ?? 0);
    } catch (err) {
      if (isUnimplemented(err)) throw new ListingUnavailable();
      throw this.unreachable(err);
    }
  }

  /** The whole recorded history of a traject: every run of its workflow through continue-as-new, oldest first. */
  async history(clientRef: string): Promise<HistoryChain> {
    this.assertNotErased(clientRef);
    const workflowId = workflowIdFor(clientRef);
    try {
      return { workflowId, runs: await fetchHistoryChain(this.client, workflowId) };
    } catch (err) {
      throw this.translate(err, clientRef);
    }
  }

  /** Replays histories with the current workflow code: proof that today's code reproduces them, or where not. */
  replay(histories: HistoryChain[], options?: ReplayOptions): Promise<ReplayOutcome[]> {
    return replayHistories(histories, {
      ...(this.encryption ? { codec: this.encryption.codec } : {}),
      ...options,
    });
  }

  /** A traject's timeline, rebuilt from its history by running the machine over the recorded events. */
  async timeline(traject: string | HistoryChain): Promise<Timeline> {
    const chain = typeof traject === 'string' ? await this.history(traject) : traject;
    if (typeof traject !== 'string') this.assertNotErased(chain.workflowId.replace(/^traject-/, ''));
    return buildTimeline(chain, decoderFor(this.encryption?.codec));
  }

  /**
   * Erases a traject on request (GDPR art. 17) by destroying its data key: every payload of it becomes unreadable for
   * good, the traject is closed, and only what Temporal itself records (event types and times) remains. The covenant
   * says who may (its `erasure` roles, and its `parties`): a running traject decides that itself, in its `erase`
   * update, before the key is destroyed; for a traject that has ended, the same rule is applied here.
   */
  async erase(clientRef: string, actor: Actor): Promise<{ clientRef: string; erasedAt: string }> {
    if (!this.encryption) {
      throw new InvalidInput('erasure needs encryption', [
        { field: 'encryption', message: 'configure a key ring (TIDW_KEYRING_FILE)' },
      ]);
    }
    const who = parse(ActorSchema, actor, 'actor');
    const handle = this.workflow(clientRef);
    try {
      if ((await handle.describe()).status.name === 'RUNNING') {
        await handle.executeUpdate(eraseUpdate, { args: [{ actor: who }] });
        // The traject ends after taking the erasure, sealing its last payloads with the key: the key goes after
        // that, whatever the outcome (an ended traject is what erasure needs).
        await handle.result().catch(() => undefined);
      } else {
        const refused = checkErasure(this.covenant((await this.status(clientRef)).region), who);
        if (refused) throw refusalError(refused);
      }
    } catch (err) {
      throw this.translate(err, clientRef);
    }
    const erasedAt = this.encryption.dataKeys.erase(workflowIdFor(clientRef), {
      role: who.role,
      ...(who.organisation ? { organisation: who.organisation } : {}),
    });
    // The evaluation's facts go too: pseudonymous, but the client asked for their data to be gone. The store keeps
    // the workflow id so that a write still under way (a retried activity) is refused.
    const store = this.readModel?.();
    try {
      store?.erase(workflowIdFor(clientRef));
    } finally {
      store?.close();
    }
    return { clientRef, erasedAt };
  }

  /** Everything the engine holds about one client, decrypted, for an access request (GDPR art. 15). */
  async export(clientRef: string): Promise<AccessExport> {
    const timeline = await this.timeline(clientRef);
    return {
      format: 'tidw-access-export/1',
      clientRef,
      workflowId: timeline.workflowId,
      exportedAt: new Date().toISOString(),
      region: timeline.region,
      status: timeline.status,
      events: timeline.entries.map(
        ({ at, source, event, actor, data, phaseBefore, phaseAfter, refused }) => ({
          at,
          source,
          event,
          ...(actor ? { actor } : {}),
          ...(data ? { data } : {}),
          phaseBefore,
          phaseAfter,
          ...(refused ? { refused } : {}),
        }),
      ),
      deliveries: timeline.entries.flatMap((e) =>
        e.effects.map((f) => ({
          at: e.at,
          type: f.type,
          about: f.about,
          outcome: f.outcome,
          to: [...f.delivered, ...f.rejected],
        })),
      ),
      dataKey: this.encryption
        ? this.encryption.dataKeys.state(timeline.workflowId)
        : { state: 'not encrypted' },
    };
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.connection.close();
  }

  private workflow(clientRef: string): WorkflowHandle<typeof tenancyWorkflow> {
    this.assertNotErased(clientRef);
    return this.client.workflow.getHandle(workflowIdFor(clientRef));
  }

  /** An erased traject has nothing left to show: say so, rather than fail to decrypt. */
  private assertNotErased(clientRef: string): void {
    parse(ReferenceSchema, clientRef, 'client reference');
    const state = this.encryption?.dataKeys.state(workflowIdFor(clientRef));
    if (state?.state === 'erased') throw new TrajectErased(clientRef, state.erasedAt);
  }

  /** A server that went away under a call, or did not answer in time, as EngineUnavailable; else the error. */
  private unreachable(err: unknown): unknown {
    const address = this.options.address ?? 'the configured address';
    if (isDeadlineExceeded(err)) return EngineUnavailable.server(address);
    return serverUnavailable(err, address) ?? err;
  }

  /** Temporal's failures, in the engine's words. */
  private translate(err: unknown, clientRef: string): unknown {
    if (err instanceof EngineUnavailable) return err;
    if (err instanceof WorkflowNotFoundError) return new TrajectNotFound(clientRef);
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const details = (err.cause.details?.[0] ?? {}) as Partial<Refusal>;
      const code = err.cause.type ?? undefined;
      if (isRefusalCode(code))
        return refusalError({ rule: 'schema', ...details, code, message: err.cause.message });
    }
    if (isNotFound(err)) return new TrajectNotFound(clientRef);
    return this.unreachable(err);
  }

  /**
   * Moves a running traject onto another version of its covenant (CONVENANT_GEWIJZIGD): the covenant is checked
   * against the schema here, the traject checks the actor's role (the covenant's `migration` list), the reason, the
   * region and the version again. Returns the new status, or throws the typed refusal (nothing changed).
   */
  async changeCovenant(
    clientRef: string,
    change: { actor: Actor; covenant: Covenant; reason: string },
  ): Promise<TrajectStatus> {
    const covenant = parse(CovenantSchema, change.covenant, 'covenant');
    try {
      const result = await this.workflow(clientRef).executeUpdate(changeCovenantUpdate, {
        args: [{ actor: change.actor, covenant, reason: change.reason }],
      });
      return await this.statusAfter(clientRef, result);
    } catch (err) {
      throw this.translate(err, clientRef);
    }
  }

  /** The traject's machine state and pending timers, for a dry run of a covenant change (`previewMigration`). */
  async migrationState(clientRef: string): Promise<MigrationState> {
    try {
      return await this.workflow(clientRef).query(migrationStateQuery);
    } catch (err) {
      throw this.translate(err, clientRef);
    }
  }

  /**
   * Starts the migration workflow that moves these trajecten onto `covenant` in batches (`covenantMigrationWorkflow`),
   * under `migrationId`; returns at once. Started again under the same id after it ended, it skips what already moved.
   */
  async startCovenantMigration(migrationId: string, input: CovenantMigrationInput): Promise<void> {
    const covenant = parse(CovenantSchema, input.covenant, 'covenant');
    await this.client.workflow.start<typeof covenantMigrationWorkflow>('covenantMigrationWorkflow', {
      taskQueue: this.options.taskQueue,
      workflowId: migrationId,
      args: [{ ...input, covenant }],
    });
  }

  /** A migration's progress so far (`covenantMigrationWorkflow`). */
  covenantMigrationProgress(migrationId: string): Promise<MigrationProgress> {
    return this.client.workflow.getHandle(migrationId).query(migrationProgressQuery);
  }

  /**
   * Where a migration stands: running or how it ended, and its counts and report so far (the final report once it
   * completed). MigrationNotFound when there is none under the id.
   */
  async covenantMigration(migrationId: string): Promise<CovenantMigrationState> {
    const handle = this.client.workflow.getHandle<typeof covenantMigrationWorkflow>(migrationId);
    try {
      const { status, type } = await handle.describe();
      if (type !== 'covenantMigrationWorkflow') throw new MigrationNotFound(migrationId);
      const state = status.name.toLowerCase() as CovenantMigrationState['state'];
      const progress =
        status.name === 'COMPLETED' ? await handle.result() : await handle.query(migrationProgressQuery);
      return { migrationId, state, ...progress };
    } catch (err) {
      if (err instanceof MigrationNotFound) throw err;
      if (err instanceof WorkflowNotFoundError || isNotFound(err)) throw new MigrationNotFound(migrationId);
      throw this.unreachable(err);
    }
  }

  /** Waits for a migration to end; returns its report. */
  covenantMigrationResult(migrationId: string): Promise<MigrationProgress> {
    return this.client.workflow.getHandle<typeof covenantMigrationWorkflow>(migrationId).result();
  }
}

/** A closed workflow may answer an update with "not found" rather than a typed error. */
function isNotFound(err: unknown): boolean {
  const e = err as { code?: number; cause?: { code?: number } } | undefined;
  return e?.code === 5 || e?.cause?.code === 5; // gRPC NOT_FOUND
}

function summary(execution: {
  execution?: { workflowId?: string | null } | null;
  status?: number | null;
  startTime?: { seconds?: unknown; nanos?: number | null } | null;
  searchAttributes?: { indexedFields?: Record<string, { data?: Uint8Array | null }> | null } | null;
}): TrajectSummary {
  const fields = execution.searchAttributes?.indexedFields ?? {};
  const value = (name: string): unknown => {
    const data = fields[name]?.data;
    if (!data) return undefined;
    const parsed: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
    return Array.isArray(parsed) ? parsed[0] : parsed;
  };
  const seconds = Number(execution.startTime?.seconds ?? 0);
  return {
    clientRef: (execution.execution?.workflowId ?? '').replace(/^traject-/, ''),
    phase: (value(phaseKey.name) as string | undefined) ?? null,
    region: (value(regionKey.name) as string | undefined) ?? null,
    contractForm: (value(contractFormKey.name) as string | undefined) ?? null,
    escalated: value(escalatedKey.name) === true,
    nextMeetingDue: (value(nextMeetingDueKey.name) as string | undefined) ?? null,
    running: execution.status === 1,
    startedAt: new Date(seconds * 1000 + (execution.startTime?.nanos ?? 0) / 1e6).toISOString(),
  };
}

/**
 * A cluster's worker encrypts (it does not start without a key ring) and refuses plain payloads, so a client
 * configured for a cluster (TEMPORAL_ADDRESS) without the key ring fails here, before it sends anything. Only a test
 * server whose worker does not encrypt is talked to in plain text, when TIDW_PLAINTEXT_PAYLOADS=true says so.
 */
function refusePlainOnCluster(settings: TemporalSettings): void {
  if (!settings.address || settings.plaintextPayloads) return;
  throw new ConfigError([
    {
      variable: 'TIDW_KEYRING_FILE',
      message: `the cluster at ${settings.address} stores only encrypted payloads: give the key ring its worker uses (TIDW_KEYRING_FILE or TIDW_KEYRING, and TIDW_DATA_KEYS_DIR)`,
    },
  ]);
}

/**
 * Connects to Temporal and returns the SDK. Without options it reads the same environment as the worker
 * (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS and API key variables), defaulting to `npm start`'s embedded server.
 */
export async function createTenancyClient(options: TenancyClientOptions = {}): Promise<TenancyClient> {
  const fromEnv = parseTemporalSettings();
  const settings: TemporalSettings = {
    ...fromEnv,
    ...(options.address ? { address: options.address } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
    ...(options.taskQueue ? { taskQueue: options.taskQueue } : {}),
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  };
  const covenants = (options.covenants ?? []).map((c, i) => parse(CovenantSchema, c, `covenants[${i}]`));
  const encryption =
    options.encryption === false
      ? undefined
      : (options.encryption ??
        loadEncryption(process.env, {
          dataDir: dataDirFrom(process.env),
          root: projectRoot(),
          embedded: !settings.address,
        }));
  if (!encryption && options.encryption === undefined && !options.address) refusePlainOnCluster(settings);
  const connecting = connectionOptions(settings);
  let connection: Connection;
  try {
    // Without a deadline of our own a stopped server costs every command ten seconds before it says anything.
    connection = await Connection.connect({ ...connecting, connectTimeout: CONNECT_TIMEOUT_MS });
  } catch {
    throw EngineUnavailable.server(connecting.address);
  }
  const client = new Client({
    connection,
    namespace: settings.namespace,
    ...(encryption ? { dataConverter: { payloadCodecs: [encryption.codec] } } : {}),
    interceptors: { workflow: [traceHeaders] },
  });
  return new TenancyClient(
    client,
    connection,
    {
      taskQueue: settings.taskQueue ?? TASK_QUEUE,
      namespace: settings.namespace,
      address: connecting.address,
      ...(options.historyLimit ? { historyLimit: options.historyLimit } : {}),
    },
    covenants,
    encryption,
    options.readModel === false ? undefined : (options.readModel ?? defaultReadModel),
  );
}

/** The worker's read model file, when it has made one (a client may run where no worker ever did). */
function defaultReadModel(): FactsStore | undefined {
  const file = readModelFile(process.env);
  return existsSync(file) ? openSqliteStore(file) : undefined;
}
