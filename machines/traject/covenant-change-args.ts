/**
 * What a partner sends to move a traject onto another covenant version, as a zod schema: the SDK parses with it, and
 * the workflow with the validator generated from it (validation/generated-validators.ts), so migration.ts stays
 * without zod.
 */
import { z } from 'zod';
import { ActorSchema } from '../events';

/** What a partner sends to move a traject onto another covenant version. */
export const CovenantChangeArgsSchema = z
  .object({
    actor: ActorSchema,
    /** The new version of the traject's covenant, whole (it travels with the traject from now on). */
    covenant: z.record(z.string(), z.unknown()),
    /** Why: always given, for the partners and the auditor (never logged). */
    reason: z
      .string()
      .trim()
      .min(3, { message: 'give the reason for the change (at least 3 characters)' })
      .max(500),
  })
  .strict();
export type CovenantChangeArgs = z.input<typeof CovenantChangeArgsSchema>;
