/** Covenants for tests and benchmarks that must not wait months: the same rules, with terms in seconds. */
import { CovenantSchema, type Covenant } from '../../machines';

/** A preset with every calendar term replaced by seconds (working-day terms cannot shrink and stay as they are). */
export function secondsCovenant(
  base: Covenant,
  seconds: Partial<Record<keyof Covenant['terms'], number>> = {},
): Covenant {
  const s = (name: keyof Covenant['terms'], fallback: number) => `PT${seconds[name] ?? fallback}S`;
  return CovenantSchema.parse({
    ...base,
    id: `${base.id}-snel`,
    terms: {
      ...base.terms,
      urgencyDecision: s('urgencyDecision', 60),
      offerReminder: s('offerReminder', 30),
      offerEscalation: s('offerEscalation', 60),
      minimumTerm: { omklapcontract: s('minimumTerm', 12), driepartijenovereenkomst: s('minimumTerm', 24) },
      extension: s('extension', 6),
      kennismakingsgesprekWithin: s('kennismakingsgesprekWithin', 4),
      evaluatiegesprekInterval: s('evaluatiegesprekInterval', 6),
      evaluatiegesprekWithin: s('evaluatiegesprekWithin', 2),
      rentArrearsFollowUp: s('rentArrearsFollowUp', 4),
      waakvlamCheckIn: s('waakvlamCheckIn', 3),
    },
  });
}
