/**
 * Delivering CloudEvents to partner systems: by HTTP to the endpoint configured for an organisation, or, without one,
 * into the outbox directory (one file per event), so that the embedded default shows what would be sent.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CLOUD_EVENT_CONTENT_TYPE, type CloudEvent } from './cloud-event';

export const EndpointSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    /** Extra headers, e.g. an Authorization header the partner asked for. */
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict();

/** Endpoints per organisation code. */
export const EndpointsSchema = z.record(z.string().min(1), EndpointSchema);
export type Endpoints = z.infer<typeof EndpointsSchema>;

export interface DeliveryConfig {
  endpoints: Endpoints;
  outboxDir: string;
  /** How long one HTTP attempt may take. */
  timeoutMs: number;
}

export interface Delivered {
  organisation: string;
  via: 'http' | 'outbox';
  status?: number;
}

export interface Rejected {
  organisation: string;
  status: number;
}

/** Statuses that may heal on a later attempt; every other 4xx will not. */
const retryable = new Set([408, 425, 429]);

/** The running activity's context, if any (outside an activity, e.g. in a script, there is none). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export function createDelivery(config: DeliveryConfig, logger: Logger, fetchImpl: typeof fetch = fetch) {
  async function toOutbox(organisation: string, event: CloudEvent): Promise<Delivered> {
    await mkdir(config.outboxDir, { recursive: true });
    // The id is stable across retries, so a retried delivery overwrites its own file.
    const file = join(
      config.outboxDir,
      `${event.time.replace(/[:.]/g, '-')}_${event.id.replace(/[^A-Za-z0-9_-]+/g, '_')}.json`,
    );
    await writeFile(file, `${JSON.stringify({ organisation, event }, null, 2)}\n`);
    logger.info(
      { 'delivery.id': event.id, 'delivery.type': event.type, 'delivery.via': 'outbox', organisation },
      'event written to outbox',
    );
    return { organisation, via: 'outbox' };
  }

  async function toEndpoint(
    organisation: string,
    event: CloudEvent,
    endpoint: Endpoints[string],
  ): Promise<Delivered> {
    let response: Response;
    try {
      response = await fetchImpl(endpoint.url, {
        method: 'POST',
        headers: { ...endpoint.headers, 'content-type': CLOUD_EVENT_CONTENT_TYPE },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
    } catch (err) {
      logger.warn({ err, 'delivery.id': event.id, organisation }, 'delivery attempt failed');
      throw err; // network trouble heals: Temporal retries
    }
    const context = {
      'delivery.id': event.id,
      'delivery.type': event.type,
      'delivery.via': 'http',
      'http.status': response.status,
      organisation,
    };
    if (response.ok) {
      logger.info(context, 'event delivered');
      return { organisation, via: 'http', status: response.status };
    }
    if (response.status >= 400 && response.status < 500 && !retryable.has(response.status)) {
      logger.error(context, 'delivery rejected');
      throw ApplicationFailure.nonRetryable(
        `${organisation} rejected the event with HTTP ${response.status}`,
        'DeliveryRejected',
        {
          status: response.status,
        },
      );
    }
    logger.warn(context, 'delivery attempt failed');
    throw ApplicationFailure.retryable(`${organisation} answered HTTP ${response.status}`, 'DeliveryFailed');
  }

  /**
   * Delivers one event to each organisation, independently: a partner that rejects its event (a 4xx that will not
   * heal) is reported and does not stop the others; a partner that is down makes the whole activity fail so that
   * Temporal retries it. Who already got the event, or refused it, is kept in the heartbeat details, so a retry
   * skips them.
   */
  return async function deliver(
    events: Array<{ organisation: string; event: CloudEvent }>,
  ): Promise<{ delivered: Delivered[]; rejected: Rejected[] }> {
    const context = activityContext();
    const earlier = context?.info.heartbeatDetails as
      { delivered: Delivered[]; rejected: Rejected[] } | undefined;
    const delivered: Delivered[] = [...(earlier?.delivered ?? [])];
    const rejected: Rejected[] = [...(earlier?.rejected ?? [])];
    const settled = (organisation: string) =>
      [...delivered, ...rejected].some((d) => d.organisation === organisation);
    let transient: Error | undefined;
    for (const { organisation, event } of events) {
      if (settled(organisation)) continue;
      const endpoint = config.endpoints[organisation];
      try {
        delivered.push(
          endpoint ? await toEndpoint(organisation, event, endpoint) : await toOutbox(organisation, event),
        );
        context?.heartbeat({ delivered, rejected });
      } catch (err) {
        if (err instanceof ApplicationFailure && err.nonRetryable) {
          rejected.push({
            organisation,
            status: (err.details?.[0] as { status?: number } | undefined)?.status ?? 0,
          });
          context?.heartbeat({ delivered, rejected });
        } else {
          transient ??= err instanceof Error ? err : new Error(String(err));
        }
      }
    }
    if (transient !== undefined) throw transient;
    return { delivered, rejected };
  };
}
