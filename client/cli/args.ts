/** Parsing the command line's own values (actors, JSON data, dates), with zod, into typed input or InvalidInput. */
import { z } from 'zod';
import { ActorSchema, rolesWithoutOrganisation, RoleSchema, type Actor } from '../../machines';
import { InvalidInput } from '../errors';

/**
 * `--as role[:organisation[:personId]]`. The person id is pseudonymous; without one, TIDW_PERSON_ID or `cli`.
 * A client or a neighbour acts for no organisation: `--as client`.
 */
export function parseActor(
  value: string | undefined,
  personFallback = process.env.TIDW_PERSON_ID ?? 'cli',
): Actor {
  if (!value)
    throw new InvalidInput('missing --as', [
      { field: '--as', message: 'say who acts: --as <role>[:<organisation>[:<personId>]]' },
    ]);
  const parts = value.split(':');
  if (parts.length > 3)
    throw new InvalidInput('invalid --as', [
      {
        field: '--as',
        message: `expected at most three parts, <role>[:<organisation>[:<personId>]]; got ${parts.length}`,
      },
    ]);
  const [role = '', organisation, personId] = parts;
  const parsedRole = RoleSchema.safeParse(role);
  if (!parsedRole.success) {
    throw new InvalidInput(`invalid --as ${value}`, [
      { field: '--as', message: `unknown role ${role}; roles: ${RoleSchema.options.join(', ')}` },
    ]);
  }
  const candidate = {
    role: parsedRole.data,
    ...(organisation ? { organisation } : {}),
    personId: personId || personFallback,
  };
  const actor = ActorSchema.safeParse(candidate);
  if (!actor.success) {
    const needsOrganisation = !organisation && !rolesWithoutOrganisation.includes(parsedRole.data);
    throw new InvalidInput(`invalid --as ${value}`, [
      {
        field: '--as',
        message: needsOrganisation
          ? `a ${parsedRole.data} acts for an organisation: --as ${parsedRole.data}:<organisation>`
          : actor.error.issues.map((i) => i.message).join('; '),
      },
    ]);
  }
  return actor.data;
}

/** `--data '<json object>'`. */
export function parseData(value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new InvalidInput('--data is not valid JSON', [
      { field: '--data', message: (err as Error).message },
    ]);
  }
  const object = z.record(z.string(), z.unknown()).safeParse(parsed);
  if (!object.success)
    throw new InvalidInput('--data must be a JSON object', [
      { field: '--data', message: 'for example \'{"form":"omklapcontract"}\'' },
    ]);
  return object.data;
}

/** A date (2027-01-31) or date-time (2027-01-31T09:00:00Z). */
export function parseDate(value: string, option: string): string {
  const ok = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).safeParse(value);
  if (!ok.success || Number.isNaN(Date.parse(value))) {
    throw new InvalidInput(`invalid date for ${option}`, [
      { field: option, message: `expected a date such as 2027-01-31, got ${value}` },
    ]);
  }
  return value;
}

export function parsePositive(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new InvalidInput(`invalid ${option}`, [
      { field: option, message: `expected a whole number from 1 to 1000, got ${value}` },
    ]);
  }
  return n;
}
