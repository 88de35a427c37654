/**
 * The gateway's own errors, and how every typed error of the engine becomes an HTTP status. The mapping goes by the
 * error's `code`, so a code the SDK adds later maps here by one line, and an unknown refusal still answers 4xx.
 */
import { TidwError } from '../platform/errors';

/** Thrown when a request carries no valid bearer token: missing, expired, not yet valid, or not from our issuer. */
export class Unauthenticated extends TidwError {
  readonly code = 'Unauthenticated';
  override readonly name = 'Unauthenticated';
  readonly refused = true;
}

/** Thrown when the identity provider's discovery document or keys cannot be fetched (tokens cannot be checked). */
export class IdentityProviderUnavailable extends TidwError {
  readonly code = 'IdentityProviderUnavailable';
  override readonly name = 'IdentityProviderUnavailable';
  readonly refused = false;
}

/** Thrown when Temporal or the worker does not answer in time: try again later. */
export class EngineUnavailable extends TidwError {
  readonly code = 'EngineUnavailable';
  override readonly name = 'EngineUnavailable';
  readonly refused = false;
}

/** HTTP status per error code. Codes not listed: 400 when the caller's input was the problem, else 500. */
export const statusByCode: Readonly<Record<string, number>> = {
  InvalidInput: 400,
  ValidationFailed: 400,
  Unauthenticated: 401,
  RoleNotPermitted: 403,
  TrajectNotFound: 404,
  MigrationNotFound: 404,
  ConcernNotFound: 404,
  NotFound: 404,
  TrajectAlreadyExists: 409,
  NotAllowedInPhase: 409,
  TrajectErased: 410,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  InvalidEventData: 422,
  // Issue 16: the same idempotency key with another event is the caller's mistake, not a conflict of state.
  IdempotencyKeyReused: 422,
  EventDataTooLarge: 413,
  TooManyRequests: 429,
  IdentityProviderUnavailable: 503,
  EngineUnavailable: 503,
};

/** Seconds a caller should wait before retrying a 503 or 429. */
export const RETRY_AFTER_SECONDS = 5;

export function statusForError(err: { code?: unknown; refused?: unknown }): number {
  const byCode = typeof err.code === 'string' ? statusByCode[err.code] : undefined;
  if (byCode) return byCode;
  return err.refused === true ? 400 : 500;
}
