/**
 * Errors as RFC 9457 problem details (`application/problem+json`), through one handler: the engine's typed errors
 * carry their `code`, the `rule` that refused and the message; Fastify's own errors (validation, body too large) and
 * unknown routes get the same shape. A failure of the system is logged and told in general terms only.
 */
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { EventRefused, InvalidInput } from '../../client/errors';
import { TidwError } from '../../platform/errors';
import { RETRY_AFTER_SECONDS, statusForError } from '../errors';
import type { z } from 'zod';
import type { ProblemSchema } from '../schemas';
import { shared } from './shared';
import '../types';

type Problem = z.input<typeof ProblemSchema>;

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Fastify's own error codes, in the engine's words. */
const fastifyCodes: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PayloadTooLarge',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UnsupportedMediaType',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ValidationFailed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ValidationFailed',
  FST_ERR_CTP_INVALID_JSON_BODY: 'ValidationFailed',
};

export function problemOf(err: unknown, request: FastifyRequest): Problem {
  const base = (status: number, code: string, detail: string): Problem => ({
    type: `urn:tidw:problem:${code}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    instance: `urn:tidw:request:${request.id}`,
    code,
  });
  if (err instanceof TidwError) {
    const problem = base(statusForError(err), err.code, err.message);
    if (err instanceof EventRefused) {
      problem.rule = err.rule;
      if (err.phase) problem.phase = err.phase;
      if (err.allowed) problem.allowed = err.allowed;
      if (err.issues) problem.issues = err.issues;
    }
    if (err instanceof InvalidInput && err.problems.length) problem.issues = err.problems;
    // Codes the SDK adds later (issue 16) carry a rule the same way.
    const rule = (err as { rule?: unknown }).rule;
    if (problem.rule === undefined && typeof rule === 'string') problem.rule = rule;
    return problem;
  }
  const fastifyError = err as FastifyError;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = fastifyError.validationContext ?? 'request';
    const issues = err.validation.map((v) => ({
      field: `${where}${v.instancePath.replace(/\//g, '.')}`,
      message: v.message ?? 'invalid',
    }));
    const problem = base(400, 'ValidationFailed', issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    problem.rule = 'schema';
    problem.issues = issues;
    return problem;
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    const code =
      fastifyCodes[fastifyError.code] ??
      (status === 429 ? 'TooManyRequests' : status === 404 ? 'NotFound' : 'InvalidInput');
    return base(status, code, fastifyError.message);
  }
  return base(500, 'InternalError', 'the gateway failed; the request id says which request');
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  reply.request.problemCode = problem.code;
  if (problem.status === 503 || problem.status === 429)
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="tidw"');
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

export const problemsPlugin = shared(async (app) => {
  app.decorateRequest('problemCode', undefined);
  app.setErrorHandler((err, request, reply) => {
    const problem = problemOf(err, request);
    if (problem.status >= 500) request.log.error({ err, 'error.code': problem.code }, 'request failed');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problemOf(Object.assign(new Error('no such resource'), { statusCode: 404 }), request)),
  );
}, 'tidw-problems');
