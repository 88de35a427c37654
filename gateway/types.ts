/** What the gateway adds to Fastify's requests and route options. */
import type { Caller } from './identity';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the gateway, as registered. */
    tidwRoutes: Array<{ method: string; url: string }>;
  }
  interface FastifyRequest {
    /** The verified caller; set by the auth plugin on every route that is not public. */
    caller?: Caller;
    /** W3C trace context of this request: the caller's trace (traceparent) or a new one. */
    trace: { traceId: string; spanId: string };
    /** The error code of a refused or failed request, for the processing log. */
    problemCode?: string;
  }
  interface FastifyContextConfig {
    /** Served without a token (the OpenAPI document, the development issuer's keys). */
    public?: boolean;
    /** The operation a processing record names, e.g. `traject.status`; routes without one read no traject. */
    operation?: string;
    /** The processing activity the operation serves (the register's activity id). */
    activity?: string;
  }
}

export {};
