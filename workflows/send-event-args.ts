/**
 * The arguments of `sendEventUpdate` and `reportEventSignal` as a zod schema: the gateway builds on it, and the
 * workflow checks with the validator generated from it (generated-validators.ts), so messages.ts stays without zod.
 */
import { z } from 'zod';

/** The arguments as they come off the wire; the event itself is checked by the machine's `decide`. */
export const SendEventArgsSchema = z
  .object({
    event: z.unknown(),
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/, {
        message: 'expected an idempotency key of up to 128 letters, digits, . _ : -',
      })
      .optional(),
  })
  .strict();
