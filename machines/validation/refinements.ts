/**
 * The predicates of the engine's zod refinements, without zod: the schemas refine with these very functions, and
 * the validators generated from the schemas (generated-validators.ts) call them, so a rule that code must express is
 * written once. scripts/generate-validators.ts refuses a refinement whose predicate is not exported from here.
 */
import { passesElfproef, rolesWithoutOrganisation } from '../event-data';
import type { Role } from '../vocabulary';

/** Whether a reference holds no run of nine digits that passes the elfproef (a citizen number). */
export function hasNoCitizenNumber(ref: string): boolean {
  return !(ref.match(/\d+/g) ?? []).some(passesElfproef);
}

/** Whether a reference holds no capitalised word (a name or a street) and at most two words of three letters or more. */
export function hasNoNameOrAddress(ref: string): boolean {
  return !/[A-Z][a-z]{2}/.test(ref) && (ref.match(/[A-Za-z]{3,}/g) ?? []).length <= 2;
}

/** Whether an actor names its organisation, unless its role acts for nobody but itself (a client, a neighbour). */
export function actsForAnOrganisationWhenItMust(actor: { role: Role; organisation?: string }): boolean {
  return actor.organisation !== undefined || rolesWithoutOrganisation.includes(actor.role);
}
